"""Who may work on disputes: the mediation room, the center's staff and district admins."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from gongzhi.core.access import grid_in_scope, role_of, staff_of
from gongzhi.core.roles import Role

MEDIATION_ROLES = frozenset({Role.ADMIN, Role.CENTER_STAFF, Role.MEDIATOR})


def may_mediate(user, center) -> bool:
    return role_of(user) in MEDIATION_ROLES and grid_in_scope(user, center.grid)


def require_mediate(user, center) -> None:
    if not may_mediate(user, center):
        raise PermissionDenied(_("您无权办理该综治中心的矛盾纠纷调解"))


def may_record_ruling(user, center) -> bool:
    """The court's ruling on 司法确认: the mediation room, or the court's officer stationed in
    the dispute's center (the judge records their own court's ruling)."""
    if may_mediate(user, center):
        return True
    staff = staff_of(user)
    department = staff.department if staff is not None and staff.active else None
    return (
        department is not None and department.kind == "court" and department.center_id == center.pk
    )


def require_record_ruling(user, center) -> None:
    if not may_record_ruling(user, center):
        raise PermissionDenied(_("只有调解室或入驻本中心的法院人员可以登记法院裁定"))
