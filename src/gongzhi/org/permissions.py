"""Who keeps a center's stationed departments and their officers: its staff and admins."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from gongzhi.core.access import grid_in_scope, role_of
from gongzhi.core.roles import Role

DEPARTMENT_KEEPERS = frozenset({Role.ADMIN, Role.CENTER_STAFF})


def may_keep_departments(user, center) -> bool:
    return role_of(user) in DEPARTMENT_KEEPERS and grid_in_scope(user, center.grid)


def require_keep_departments(user, center) -> None:
    if not may_keep_departments(user, center):
        raise PermissionDenied(_("您无权管理该综治中心的入驻部门人员"))
