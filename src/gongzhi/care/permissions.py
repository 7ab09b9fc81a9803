"""Who records care work: the care room, the center's staff and the target's grid workers."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from gongzhi.core.access import grid_in_scope, role_of
from gongzhi.core.roles import Role

CARE_ROLES = frozenset({Role.ADMIN, Role.CENTER_STAFF, Role.CARE_WORKER, Role.GRID_WORKER})


def may_care(user, resident) -> bool:
    return role_of(user) in CARE_ROLES and grid_in_scope(user, resident.grid)


def require_care(user, resident) -> None:
    if not may_care(user, resident):
        raise PermissionDenied(_("您无权为该居民登记关爱工作"))
