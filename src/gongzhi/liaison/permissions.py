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
