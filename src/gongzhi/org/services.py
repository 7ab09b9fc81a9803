"""Writes for centers, rooms and staff."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from gongzhi.core.roles import Role
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


@transaction.atomic
def center_create(
    *, grid: Grid, name: str, level: str = CenterLevel.COMMUNITY, synthetic=False, **extra
) -> Center:
    """A center with its hall and five rooms, and the stationed departments."""
    center = Center.objects.create(
        grid=grid, name=name, level=level, is_synthetic=synthetic, **extra
    )
    Room.objects.bulk_create(
        Room(center=center, kind=kind, name=str(label)) for kind, label in RoomKind.choices
    )
    Department.objects.bulk_create(
        Department(center=center, kind=kind, name=department_name(grid.name, level, kind))
        for kind in DepartmentKind.values
    )
    return center


# The unit a department sends to a center: the district's own bureaus at the district center,
# their local office (派出所, 司法所, …) or a judge's / prosecutor's desk elsewhere.
_DISTRICT_UNITS = {
    DepartmentKind.POLICE: "{d}公安分局",
    DepartmentKind.PROCURATORATE: "{d}人民检察院",
    DepartmentKind.COURT: "{d}人民法院",
    DepartmentKind.JUSTICE: "{d}司法局",
    DepartmentKind.PETITION: "{d}信访局",
    DepartmentKind.HUMAN_RESOURCES: "{d}人力资源和社会保障局",
    DepartmentKind.CIVIL_AFFAIRS: "{d}民政局",
}
_LOCAL_UNITS = {
    DepartmentKind.POLICE: "{a}派出所",
    DepartmentKind.PROCURATORATE: "{d}人民检察院驻{a}检察室",
    DepartmentKind.COURT: "{d}人民法院驻{a}法官工作室",
    DepartmentKind.JUSTICE: "{a}司法所",
    DepartmentKind.PETITION: "{a}信访办",
    DepartmentKind.HUMAN_RESOURCES: "{a}劳动保障所",
    DepartmentKind.CIVIL_AFFAIRS: "{a}民政办",
}


def department_name(area: str, level: str, kind: str) -> str:
    """西峰镇 + court → 肃州区人民法院驻西峰镇法官工作室; the district center → 肃州区人民法院."""
    units = _DISTRICT_UNITS if level == CenterLevel.DISTRICT else _LOCAL_UNITS
    return units[kind].format(d=settings.DISTRICT_NAME, a=area)


@transaction.atomic
def staff_create(
    *,
    username: str,
    name: str,
    role: str,
    password: str | None = None,
    center: Center | None = None,
    room_kind: str | None = None,
    grids: list[Grid] = (),
    duty: str = GridAssignment.Duty.WORKER,
    synthetic: bool = False,
    **extra,
) -> Staff:
    user_model = get_user_model()
    user = user_model(username=username, is_staff=(role == Role.ADMIN))
    user.is_superuser = role == Role.ADMIN
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
