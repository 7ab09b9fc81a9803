"""The demo logins (`gongzhi demo_accounts`): one account per persona, all with one password."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from gongzhi.core.paths import subtree_q
from gongzhi.core.roles import ADMIN_SITE, Role, has
from gongzhi.grids.models import Grid, Level
from gongzhi.org.models import (
    Center,
    Department,
    DepartmentKind,
    GridAssignment,
    Room,
    RoomKind,
    Staff,
)
from gongzhi.org.services import staff_create
from gongzhi.seeding.names import JINQUAN, JINQUAN_COMPOUNDS, XIFENG

DEMO_PASSWORD = "gongzhi-demo"  # noqa: S105 - printed on screen on purpose; demo mode only


class DemoAccountsError(RuntimeError):
    pass


@dataclass(frozen=True)
class DemoAccount:
    username: str
    name: str
    role: str
    # Where it works: "district" (the first district's center), "top" (the tree root's center:
    # the district's, or a seeded province's), "center" (金泉路社区's), "xifeng" (西峰镇's
    # center) or "courtyard" (公园路46号楼院, the grid worker's whole compound).
    where: str
    room: str | None = None
    duty: str | None = None  # a GridAssignment duty on the center's grid (the police officer)
    department: str | None = None  # a stationed department of the center (the judge)


DEMO_ACCOUNTS = (
    DemoAccount("admin", "系统管理员", Role.ADMIN, "top"),  # the district, or the province
    DemoAccount("leader", "区领导", Role.LEADER, "district"),
    DemoAccount("center", "金泉路社区中心工作人员", Role.CENTER_STAFF, "center"),
    DemoAccount("gridworker", "金泉路社区网格员", Role.GRID_WORKER, "courtyard"),
    DemoAccount("mediator", "调解员", Role.MEDIATOR, "center", RoomKind.MEDIATION),
    DemoAccount("counselor", "心理咨询师", Role.COUNSELOR, "center", RoomKind.COUNSELING),
    DemoAccount(
        "police", "社区民警", Role.POLICE, "center", RoomKind.POLICE_LIAISON,
        GridAssignment.Duty.POLICE,
    ),
    # 西峰镇's own logins, to walk the seed's straw-fire dispute without admin.
    DemoAccount("xifeng_center", "西峰镇综治中心工作人员", Role.CENTER_STAFF, "xifeng"),
    DemoAccount("xifeng_mediator", "西峰镇人民调解员", Role.MEDIATOR, "xifeng", RoomKind.MEDIATION),
    DemoAccount(
        "xifeng_judge", "西峰镇法官工作室法官", Role.OFFICER, "xifeng",
        department=DepartmentKind.COURT,
    ),
)  # fmt: skip


@dataclass(frozen=True)
class _Places:
    district_center: Center | None
    top_center: Center | None
    jinquan: Grid
    center: Center
    courtyard: Grid
    xifeng: Center


def _places() -> _Places:
    jinquan = Grid.objects.filter(level=Level.TOWNSHIP, name=JINQUAN).first()
    center = Center.objects.filter(grid=jinquan).first() if jinquan else None
    if jinquan is None or center is None:
        raise DemoAccountsError("未找到金泉路社区及其综治中心:请先运行 gongzhi seed")
    compounds = Grid.objects.filter(subtree_q("path", jinquan.path), level=Level.COMPOUND)
    # 公园路46号楼院, the courtyard the seed describes, or the community's first one.
    courtyard = (
        compounds.filter(name=JINQUAN_COMPOUNDS[0]).first() or compounds.order_by("path").first()
    )
    if courtyard is None:
        raise DemoAccountsError("金泉路社区下没有三级网格(楼院):请先运行 gongzhi seed")
    xifeng = (
        Center.objects.filter(grid__level=Level.TOWNSHIP, grid__name=XIFENG)
        .order_by("grid__path")
        .first()
    )
    if xifeng is None:
        raise DemoAccountsError("未找到西峰镇综治中心:请先运行 gongzhi seed")
    # The first district's center (肃州区's, also under a seeded province and city).
    district_center = (
        Center.objects.filter(grid__level=Level.DISTRICT).order_by("grid__path").first()
    )
    top_center = Center.objects.filter(grid__depth=1).order_by("grid__path").first()
    return _Places(district_center, top_center, jinquan, center, courtyard, xifeng)


@transaction.atomic
def demo_accounts_ensure(*, password: str = DEMO_PASSWORD) -> list[DemoAccount]:
    """Create or reset the demo accounts; running it again leaves the same state."""
    places = _places()
    hashed = make_password(password)  # once: each hash costs a fraction of a second
    for account in DEMO_ACCOUNTS:
        _ensure(account, places, hashed)
    return list(DEMO_ACCOUNTS)


def _ensure(account: DemoAccount, places: _Places, hashed: str) -> Staff:
    center = {
        "district": places.district_center,
        "top": places.top_center,
        "center": places.center,
        "xifeng": places.xifeng,
    }.get(account.where)
    if account.where == "courtyard":
        grids, duty = [places.courtyard], GridAssignment.Duty.WORKER
    elif account.duty:
        grids, duty = [center.grid], account.duty
    else:
        grids, duty = [], GridAssignment.Duty.WORKER
    user = get_user_model().objects.filter(username=account.username).first()
    if user is None:
        staff = staff_create(
            username=account.username,
            name=account.name,
            role=account.role,
            center=center,
            room_kind=account.room,
            grids=grids,
            duty=duty,
            synthetic=True,
        )
        if account.department:
            staff.department = Department.objects.get(center=center, kind=account.department)
            staff.save(update_fields=["department"])
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
    if account.department:
        staff.department = Department.objects.get(center=center, kind=account.department)
    for flag in Staff.FIVE_ROLES:
        setattr(staff, flag, account.role == Role.GRID_WORKER)
    staff.is_synthetic = True
    staff.save()
    staff.grid_assignments.all().delete()
    GridAssignment.objects.bulk_create(
        GridAssignment(staff=staff, grid=grid, duty=duty) for grid in grids
    )
