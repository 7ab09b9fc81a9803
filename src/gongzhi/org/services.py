"""Writes for centers, rooms and staff."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.core.phone import InvalidPhone, normalize_phone
from gongzhi.core.roles import ADMIN_SITE, Role, has
from gongzhi.core.text import clean_text
from gongzhi.grids.models import Grid
from gongzhi.org.models import (
    Center,
    CenterLevel,
    Department,
    DepartmentKind,
    GridAssignment,
    Room,
    RoomKind,
    Staff,
)
from gongzhi.org.permissions import require_keep_departments

if TYPE_CHECKING:
    from collections.abc import Sequence

    from gongzhi.core.types import Actor


@transaction.atomic
def center_create(
    *,
    grid: Grid,
    name: str,
    level: str = CenterLevel.COMMUNITY,
    synthetic: bool = False,
    **extra: Any,
) -> Center:
    """A center with its hall and five rooms, and the stationed departments."""
    center = Center.objects.create(
        grid=grid, name=name, level=level, is_synthetic=synthetic, **extra
    )
    Room.objects.bulk_create(
        Room(center=center, kind=kind, name=str(label)) for kind, label in RoomKind.choices
    )
    Department.objects.bulk_create(
        Department(
            center=center, kind=kind, name=department_name(grid.name, level, kind, _district(grid))
        )
        for kind in DepartmentKind.values
    )
    return center


# The unit a department sends to a center: the district's own bureaus at the district center,
# their local office (派出所, 司法所, …) or a judge's / prosecutor's desk elsewhere.
_DISTRICT_UNITS: dict[str, str] = {
    DepartmentKind.POLICE: "{d}公安分局",
    DepartmentKind.PROCURATORATE: "{d}人民检察院",
    DepartmentKind.COURT: "{d}人民法院",
    DepartmentKind.JUSTICE: "{d}司法局",
    DepartmentKind.PETITION: "{d}信访局",
    DepartmentKind.HUMAN_RESOURCES: "{d}人力资源和社会保障局",
    DepartmentKind.CIVIL_AFFAIRS: "{d}民政局",
}
_LOCAL_UNITS: dict[str, str] = {
    DepartmentKind.POLICE: "{a}派出所",
    DepartmentKind.PROCURATORATE: "{d}人民检察院驻{a}检察室",
    DepartmentKind.COURT: "{d}人民法院驻{a}法官工作室",
    DepartmentKind.JUSTICE: "{a}司法所",
    DepartmentKind.PETITION: "{a}信访办",
    DepartmentKind.HUMAN_RESOURCES: "{a}劳动保障所",
    DepartmentKind.CIVIL_AFFAIRS: "{a}民政办",
}


def department_name(area: str, level: str, kind: str, district: str | None = None) -> str:
    """西峰镇 + court → 肃州区人民法院驻西峰镇法官工作室; the district center → 肃州区人民法院;
    a city center → 酒泉市人民法院."""
    if level in (CenterLevel.CITY, CenterLevel.PROVINCE):
        return _DISTRICT_UNITS[kind].format(d=area, a=area)
    units = _DISTRICT_UNITS if level == CenterLevel.DISTRICT else _LOCAL_UNITS
    return units[kind].format(d=district or settings.DISTRICT_NAME, a=area)


def _district(grid: Grid) -> str | None:
    """The name of the grid's district when the tree has levels above it (a single-district
    deployment names its departments after GONGZHI_DISTRICT_NAME, as it always has)."""
    if grid.above_district or grid.depth_of(0) == 1:
        return None
    if grid.level == 0:
        return grid.name
    return Grid.objects.filter(path=grid.district_path).values_list("name", flat=True).first()


@transaction.atomic
def staff_create(
    *,
    username: str,
    name: str,
    role: str,
    password: str | None = None,
    center: Center | None = None,
    room_kind: str | None = None,
    grids: Sequence[Grid] = (),
    duty: str = GridAssignment.Duty.WORKER,
    synthetic: bool = False,
    **extra: Any,
) -> Staff:
    user_model = get_user_model()
    user = user_model(username=username, is_staff=has(role, ADMIN_SITE))
    user.is_superuser = has(role, ADMIN_SITE)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    room = center.rooms.get(kind=room_kind) if (center and room_kind) else None
    if role == Role.GRID_WORKER:
        extra = dict.fromkeys(Staff.FIVE_ROLES, True) | extra
    staff = Staff.objects.create(
        user=user, name=name, role=role, center=center, room=room, is_synthetic=synthetic, **extra
    )
    GridAssignment.objects.bulk_create(
        GridAssignment(staff=staff, grid=grid, duty=duty) for grid in grids
    )
    return staff


# --- officers of the stationed departments ---------------------------------------------------


@transaction.atomic
def officer_add(
    *, by: Actor, department: Department, name: str, title: str = "", phone: str = ""
) -> Staff:
    """An officer stationed in the center by their department (民警, 检察官, 法官, 司法所干部…).

    The officer has no login of their own (an administrator may give one in 管理后台): they
    take part in consultations through their department, whose opinion the center records."""
    center = department.center
    require_keep_departments(by, center)
    errors: dict[str, str] = {}
    clean = {}
    for field, label, value, limit, required in (
        ("name", _("姓名"), name, 50, True),
        ("title", _("职务"), title, 50, False),
    ):
        try:
            clean[field] = clean_text(
                value, field=field, label=label, max_length=limit, required=required
            )
        except ValidationError as exc:
            errors |= {k: v[0] for k, v in exc.message_dict.items()}
    phone = (phone or "").strip()
    if phone:
        try:
            phone = normalize_phone(phone[:40])
        except InvalidPhone as exc:
            errors["phone"] = str(exc)
    if errors:
        raise ValidationError(errors)
    police = department.kind == DepartmentKind.POLICE
    staff = staff_create(
        username=f"officer-{uuid.uuid4().hex[:12]}",
        name=clean["name"],
        role=Role.POLICE if police else Role.OFFICER,
        center=center,
        room_kind=RoomKind.POLICE_LIAISON if police else None,
        title=clean["title"],
        phone=phone,
        full_time=True,
    )
    staff.department = department
    staff.save(update_fields=["department"])
    return staff


@transaction.atomic
def officer_deactivate(*, by: Actor, officer: Staff) -> Staff:
    """The officer leaves the center (离岗); their past opinions and tasks stay."""
    if officer.department_id is None or officer.center_id is None:
        raise ValidationError(_("该人员不是入驻部门人员"))
    require_keep_departments(by, officer.center)
    Staff.objects.filter(pk=officer.pk).update(active=False)
    officer.active = False
    return officer
