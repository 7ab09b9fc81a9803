"""Who works the police liaison room."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from gongzhi.core.access import grid_in_scope, role_of
from gongzhi.core.roles import Role

# Refer cases to the police and close referrals: the center's supervisors.
REFERRERS = frozenset({Role.ADMIN, Role.CENTER_STAFF})
# Record the police side (receipt, feedback): the police and the supervisors.
POLICE_SIDE = frozenset({Role.ADMIN, Role.CENTER_STAFF, Role.POLICE})
# Report and track hazards: grid workers first of all.
HAZARD_ROLES = frozenset({Role.ADMIN, Role.CENTER_STAFF, Role.POLICE, Role.GRID_WORKER})


def may(user, roles: frozenset[str], grid) -> bool:
    return role_of(user) in roles and grid_in_scope(user, grid)


def require(user, roles: frozenset[str], grid, message: str) -> None:
    if not may(user, roles, grid):
        raise PermissionDenied(message)


# 重点人员: the police and the center, need-to-know (VIEW_SPECIAL) inside their area.
KEY_PERSON_ROLES = frozenset({Role.ADMIN, Role.CENTER_STAFF, Role.POLICE})


def may_manage_key_person(user, grid) -> bool:
    from gongzhi.core.access import can
    from gongzhi.core.roles import VIEW_SPECIAL

    return may(user, KEY_PERSON_ROLES, grid) and can(user, VIEW_SPECIAL)


def require_key_person(user, grid) -> None:
    from django.utils.translation import gettext as _

    if not may_manage_key_person(user, grid):
        raise PermissionDenied(_("您无权管理该网格的重点人员"))
