"""Who may work on disputes: the mediation room, the center's staff and district admins."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from gongzhi.core.access import grid_in_scope, role_of
from gongzhi.core.roles import Role

MEDIATION_ROLES = frozenset({Role.ADMIN, Role.CENTER_STAFF, Role.MEDIATOR})


def may_mediate(user, center) -> bool:
    return role_of(user) in MEDIATION_ROLES and grid_in_scope(user, center.grid)


def require_mediate(user, center) -> None:
    if not may_mediate(user, center):
        raise PermissionDenied(_("您无权办理该综治中心的矛盾纠纷调解"))
