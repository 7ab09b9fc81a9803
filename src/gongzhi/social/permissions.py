"""Who manages organisations: the social-organisations room and the center's staff."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from gongzhi.core.access import grid_in_scope, role_of
from gongzhi.core.roles import Role

SOCIAL_ROLES = frozenset({Role.ADMIN, Role.CENTER_STAFF, Role.SOCIAL_WORKER})


def may_manage(user, grid) -> bool:
    return role_of(user) in SOCIAL_ROLES and grid_in_scope(user, grid)


def require_manage(user, grid) -> None:
    if not may_manage(user, grid):
        raise PermissionDenied(_("您无权管理该网格的社会组织"))
