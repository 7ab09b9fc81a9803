"""Writes for centers, rooms and staff."""

from django.contrib.auth import get_user_model
from django.db import transaction

from gongzhi.core.roles import ADMIN_SITE, Role, has
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
    """A center with its hall and five rooms, and the four stationed departments."""
    center = Center.objects.create(
        grid=grid, name=name, level=level, is_synthetic=synthetic, **extra
    )
    Room.objects.bulk_create(
        Room(center=center, kind=kind, name=str(label)) for kind, label in RoomKind.choices
    )
    Department.objects.bulk_create(
        Department(center=center, kind=kind, name=f"{grid.name}{label}")
        for kind, label in DepartmentKind.choices
    )
    return center


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
