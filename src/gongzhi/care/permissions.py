"""Who records care work: the care room, the center's staff and the target's grid workers."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from gongzhi.core.access import grid_in_scope, role_of
from gongzhi.core.roles import Role

CARE_ROLES = frozenset({Role.ADMIN, Role.CENTER_STAFF, Role.CARE_WORKER, Role.GRID_WORKER})


def require_care(user, resident) -> None:
    if role_of(user) not in CARE_ROLES or not grid_in_scope(user, resident.grid):
        raise PermissionDenied(_("您无权为该居民登记关爱工作"))
