"""Who sees and who handles each kind of early warning.

Each kind has responsible roles (the room or level it goes to); district leaders, the
administrator and center staff also read them. Alerts about special-population residents
are read only by roles that may see special-population tags (VIEW_SPECIAL). Handling
(acknowledge, close) is for the responsible roles and the administrator, inside their grid
scope.
"""

from __future__ import annotations

from gongzhi.core.access import can, grid_in_scope, role_of
from gongzhi.core.roles import VIEW_SPECIAL, Role

from .models import Alert, AlertKind

RESPONSIBLE: dict[str, frozenset[str]] = {
    AlertKind.REPEAT_DISPUTE: frozenset({Role.MEDIATOR}),
    AlertKind.SURGE: frozenset({Role.CENTER_STAFF}),
    AlertKind.CASE_STUCK: frozenset({Role.CENTER_STAFF}),
    AlertKind.SPECIAL_PERSON: frozenset({Role.POLICE}),
    AlertKind.CARE_CALL: frozenset({Role.CARE_WORKER}),
}
READERS = frozenset({Role.ADMIN, Role.LEADER, Role.CENTER_STAFF})


def kinds_visible_to(user) -> set[str]:
    role = role_of(user)
    if role is None:
        return set()
    kinds = {k for k, roles in RESPONSIBLE.items() if role in roles or role in READERS}
    if not can(user, VIEW_SPECIAL):
        kinds.discard(AlertKind.SPECIAL_PERSON)
    return kinds


def may_handle(user, alert: Alert) -> bool:
    role = role_of(user)
    if role is None or alert.kind not in kinds_visible_to(user):
        return False
    if role != Role.ADMIN and role not in RESPONSIBLE.get(alert.kind, ()):
        return False
    return grid_in_scope(user, alert.grid)
