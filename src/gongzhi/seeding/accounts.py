"""The demo logins (`gongzhi demo_accounts`): one account per persona, all with one password."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from gongzhi.core.paths import subtree_q
from gongzhi.core.roles import ADMIN_SITE, Role, has
from gongzhi.grids.models import Grid, Level
from gongzhi.org.models import Center, GridAssignment, Room, RoomKind, Staff
from gongzhi.org.services import staff_create
from gongzhi.seeding.names import JINQUAN, JINQUAN_COMPOUNDS

DEMO_PASSWORD = "gongzhi-demo"  # noqa: S105 - printed on screen on purpose; demo mode only


class DemoAccountsError(RuntimeError):
    pass


@dataclass(frozen=True)
class DemoAccount:
    username: str
    name: str
    role: str
    where: str  # "district", "center" or "unit": which part of the demo district it works in
    room: str | None = None
    duty: str | None = None  # a GridAssignment duty on 金泉路社区 (the police officer)


DEMO_ACCOUNTS = (
    DemoAccount("admin", "系统管理员", Role.ADMIN, "district"),
    DemoAccount("leader", "区领导", Role.LEADER, "district"),
    DemoAccount("center", "金泉路社区中心工作人员", Role.CENTER_STAFF, "center"),
    DemoAccount("gridworker", "金泉路社区网格员", Role.GRID_WORKER, "unit"),
    DemoAccount("mediator", "调解员", Role.MEDIATOR, "center", RoomKind.MEDIATION),
    DemoAccount("counselor", "心理咨询师", Role.COUNSELOR, "center", RoomKind.COUNSELING),
    DemoAccount(
        "police", "社区民警", Role.POLICE, "center", RoomKind.POLICE_LIAISON,
        GridAssignment.Duty.POLICE,
    ),
)  # fmt: skip


@dataclass(frozen=True)
class _Places:
    district_center: Center | None
    jinquan: Grid
    center: Center
    unit: Grid


def _places() -> _Places:
    jinquan = Grid.objects.filter(level=Level.TOWNSHIP, name=JINQUAN).first()
    center = Center.objects.filter(grid=jinquan).first() if jinquan else None
    if jinquan is None or center is None:
        raise DemoAccountsError("未找到金泉路社区及其综治中心:请先运行 gongzhi seed")
    units = Grid.objects.filter(subtree_q("path", jinquan.path), level=Level.UNIT)
    # Prefer a unit in 公园路46号楼院, the courtyard the seed describes.
    unit = (
        units.filter(full_name__contains=JINQUAN_COMPOUNDS[0]).order_by("path").first()
        or units.order_by("path").first()
    )
    if unit is None:
        raise DemoAccountsError("金泉路社区下没有五级网格:请先运行 gongzhi seed")
    district_center = Center.objects.filter(grid__depth=1).first()
    return _Places(district_center, jinquan, center, unit)


@transaction.atomic
def demo_accounts_ensure(*, password: str = DEMO_PASSWORD) -> list[DemoAccount]:
    """Create or reset the demo accounts; running it again leaves the same state."""
    places = _places()
    hashed = make_password(password)  # once: each hash costs a fraction of a second
    for account in DEMO_ACCOUNTS:
        _ensure(account, places, hashed)
    return list(DEMO_ACCOUNTS)


def _ensure(account: DemoAccount, places: _Places, hashed: str) -> Staff:
    center = {"district": places.district_center, "center": places.center}.get(account.where)
    if account.where == "unit":
        grids, duty = [places.unit], GridAssignment.Duty.WORKER
    elif account.duty:
        grids, duty = [places.jinquan], account.duty
    else:
        grids, duty = [], GridAssignment.Duty.WORKER
    user = get_user_model().objects.filter(username=account.username).first()
    if user is None:
        staff = staff_create(
            username=account.username, name=account.name, role=account.role, center=center,
            room_kind=account.room, grids=grids, duty=duty, synthetic=True,
        )  # fmt: skip
    else:  # an earlier run, or a bare user of that name: give it the persona's profile
        staff = Staff.objects.filter(user=user).first() or Staff(user=user)
        _reset(staff, account, center, grids, duty)
    user = staff.user
    user.password = hashed
    user.is_active = True
    user.is_superuser = user.is_staff = has(account.role, ADMIN_SITE)
    user.save(update_fields=["password", "is_active", "is_superuser", "is_staff"])
    return staff


def _reset(staff: Staff, account: DemoAccount, center, grids: list[Grid], duty: str) -> None:
    """Put an existing demo staff row back to the persona (someone may have edited it)."""
    staff.name, staff.role, staff.active, staff.center = account.name, account.role, True, center
    staff.room = Room.objects.get(center=center, kind=account.room) if account.room else None
    staff.department = None
    for flag in Staff.FIVE_ROLES:
        setattr(staff, flag, account.role == Role.GRID_WORKER)
    staff.is_synthetic = True
    staff.save()
    staff.grid_assignments.all().delete()
    GridAssignment.objects.bulk_create(
        GridAssignment(staff=staff, grid=grid, duty=duty) for grid in grids
    )
