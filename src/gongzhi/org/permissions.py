"""Who keeps a center's stationed departments and their officers (core.roles.KEEP_DEPARTMENTS,
inside the center's area)."""

from __future__ import annotations

from gongzhi.core.access import can, require
from gongzhi.core.roles import KEEP_DEPARTMENTS


def may_keep_departments(user, center) -> bool:
    return can(user, KEEP_DEPARTMENTS, center.grid)


def require_keep_departments(user, center) -> None:
    require(user, KEEP_DEPARTMENTS, center.grid)
