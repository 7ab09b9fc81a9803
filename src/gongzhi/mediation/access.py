"""Who may work on a center's disputes (core.roles: MEDIATE, inside the center's area), and who
records the court's ruling on 司法确认: the mediation room, or the court's officer stationed in
the dispute's center (the judge records their own court's ruling)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from gongzhi.core.access import can, require, staff_of
from gongzhi.core.roles import MEDIATE


def may_mediate(user, center) -> bool:
    return can(user, MEDIATE, center.grid)


def require_mediate(user, center) -> None:
    require(user, MEDIATE, center.grid)


def may_record_ruling(user, center) -> bool:
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
