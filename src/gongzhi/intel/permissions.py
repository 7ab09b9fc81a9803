"""Who sees and who handles each kind of early warning.

Each kind has responsible roles (the room or level it goes to); district leaders, the
administrator and center staff also read them. Alerts about special-population residents
are read only by roles that may see special-population tags (VIEW_SPECIAL). Handling
(acknowledge, close) is for the responsible roles and the administrator, inside their grid
scope.
"""

from __future__ import annotations

from gongzhi.core.access import can, grid_in_scope
from gongzhi.core.roles import (
    ALERTS_CARE,
    ALERTS_CENTER,
    ALERTS_HANDLE_ANY,
    ALERTS_MEDIATION,
    ALERTS_POLICE,
    ALERTS_READ,
    VIEW_SPECIAL,
    roles_with,
)

from .models import Alert, AlertKind

# kind -> the capability of the room or level that answers for it (core/roles.py)
RESPONSIBLE: dict[str, str] = {
    AlertKind.REPEAT_DISPUTE: ALERTS_MEDIATION,
    AlertKind.SURGE: ALERTS_CENTER,
    AlertKind.CASE_STUCK: ALERTS_CENTER,
    AlertKind.SPECIAL_PERSON: ALERTS_POLICE,
    AlertKind.CARE_CALL: ALERTS_CARE,
}


def responsible_roles(kind: str) -> list[str]:
    return roles_with(RESPONSIBLE[kind])


def kinds_visible_to(user) -> set[str]:
    reader = can(user, ALERTS_READ)
    kinds = {k for k, capability in RESPONSIBLE.items() if reader or can(user, capability)}
    if not can(user, VIEW_SPECIAL):
        kinds.discard(AlertKind.SPECIAL_PERSON)
    return kinds


def may_handle(user, alert: Alert) -> bool:
    if alert.kind not in kinds_visible_to(user):
        return False
    capability = RESPONSIBLE.get(alert.kind)
    if not (can(user, ALERTS_HANDLE_ANY) or (capability is not None and can(user, capability))):
        return False
    return grid_in_scope(user, alert.grid)
