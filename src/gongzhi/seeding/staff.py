"""Grid workers, grid leaders and community police officers, created in bulk.

Synthetic staff get user rows with ONE shared unusable password hash: hashing 14,298
passwords would take longer than building the rest of the district.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from gongzhi.core import clock
from gongzhi.core.roles import Role
from gongzhi.grids.models import Level
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
from gongzhi.seeding.bulk import FastInsert
from gongzhi.seeding.district import Node, Tree, apportion
from gongzhi.seeding.identity import NamePool, PhonePool
from gongzhi.seeding.scale import Scale

FIVE_ROLES = dict.fromkeys(Staff.FIVE_ROLES, True)


def _coverage(rng: random.Random, units: list[Node], workers: int) -> list[list[Node]]:
    """The units each worker serves: every unit has a worker, every worker has a unit."""
    if not units or not workers:
        return []
    if workers >= len(units):
        per_unit = apportion(workers, [rng.uniform(0.5, 1.5) for _ in units], [1] * len(units))
        return [[unit] for unit, n in zip(units, per_unit, strict=True) for _ in range(n)]
    per_worker = apportion(len(units), [1.0] * workers, [1] * workers)
    out, start = [], 0
    for n in per_worker:  # neighbouring units, so a worker's patch is contiguous
        out.append(units[start : start + n])
        start += n
    return out


class StaffWriter:
    """User, Staff and GridAssignment rows through FastInsert (ids assigned here)."""

    def __init__(self, batch_size: int, *, prefix: str = ""):
        self.batch_size = batch_size
        self.prefix = prefix  # usernames of a province's other districts: "620981-gw00001"
        self.users = FastInsert(get_user_model())
        self.staff = FastInsert(Staff)
        self.assignments = FastInsert(GridAssignment)
        self.password = make_password(None)  # unusable; computed once for every account
        self._joined = self.users.prep("date_joined", clock.now())
        self._rows: dict[FastInsert, list[tuple]] = {t: [] for t in self._tables}

    @property
    def _tables(self) -> tuple[FastInsert, ...]:
        return (self.users, self.staff, self.assignments)  # in foreign-key order

    def add_staff(self, username: str, **fields) -> int:
        """A user and its Staff row; `fields` are Staff columns. Returns the staff id."""
        user_id = self.users.next_id()
        user = {"id": user_id, "username": self.prefix + username, "password": self.password}
        self._rows[self.users].append(self.users.row(user | {"date_joined": self._joined}))
        staff_id = self.staff.next_id()
        staff = {"id": staff_id, "user_id": user_id, "is_synthetic": True}
        self._rows[self.staff].append(self.staff.row(staff | fields))
        return staff_id

    def assign(self, staff_id: int, grid_id: int, duty: str) -> None:
        row = {"id": self.assignments.next_id(), "staff_id": staff_id, "grid_id": grid_id}
        self._rows[self.assignments].append(self.assignments.row(row | {"duty": str(duty)}))

    def finish(self) -> None:
        for table in self._tables:
            rows = self._rows[table]
            for start in range(0, len(rows), self.batch_size):
                table.write(rows[start : start + self.batch_size])
            table.finish()


def workers_create(
    tree: Tree,
    scale: Scale,
    rng: random.Random,
    *,
    writer: StaffWriter,
    names: NamePool,
    phones: PhonePool,
    log: Callable[[str], None],
) -> dict[str, int]:
    """Grid workers covering every level-5 unit; the first of each level-2 grid leads it."""
    coverage = _coverage(rng, tree.units, scale.workers)
    leaders: dict[int, int] = {}  # level-2 grid id → staff id (网格长)
    for i, units in enumerate(coverage, start=1):
        full_time = rng.random() < 0.35
        staff_id = writer.add_staff(
            f"gw{i:05d}",
            name=names.full(rng.choice("MF")),
            role=str(Role.GRID_WORKER),
            phone=phones.mobile(),
            full_time=full_time,
            working_hours="工作日 8:30-17:30" if full_time else "兼职,按需入户",
            **FIVE_ROLES,
        )
        for unit in units:
            writer.assign(staff_id, unit.grid.pk, GridAssignment.Duty.WORKER)
        village = units[0].parent.parent.parent
        leaders.setdefault(village.grid.pk, staff_id)
    for grid_id, staff_id in leaders.items():
        writer.assign(staff_id, grid_id, GridAssignment.Duty.LEADER)
    log(f"  网格员: {len(coverage):,}  网格长: {len(leaders):,}")
    return {"workers": len(coverage), "leaders": len(leaders)}


def police_create(
    tree: Tree,
    centers: dict[int, Center],
    rng: random.Random,
    *,
    writer: StaffWriter,
    names: NamePool,
    phones: PhonePool,
    log: Callable[[str], None],
) -> int:
    """A community police officer (社区民警) for every level-1 and level-2 grid.

    Each is stationed in the police liaison room of the level-1 grid's center.
    """
    grids = tree.levels[Level.TOWNSHIP] + tree.levels[Level.VILLAGE]
    ids = [c.pk for c in centers.values()]
    rooms = dict(
        Room.objects.filter(center_id__in=ids, kind=RoomKind.POLICE_LIAISON).values_list(
            "center__grid_id", "pk"
        )
    )
    depts = dict(
        Department.objects.filter(center_id__in=ids, kind=DepartmentKind.POLICE).values_list(
            "center__grid_id", "pk"
        )
    )
    for i, node in enumerate(grids, start=1):
        home = node.level1.grid.pk
        staff_id = writer.add_staff(
            f"police{i:04d}",
            name=names.full("M" if rng.random() < 0.8 else "F"),
            role=str(Role.POLICE),
            center_id=centers[home].pk,
            room_id=rooms[home],
            department_id=depts[home],
            phone=phones.mobile(),
            full_time=True,
        )
        writer.assign(staff_id, node.grid.pk, GridAssignment.Duty.POLICE)
    log(f"  社区民警: {len(grids):,}")
    return len(grids)


# Who works in each room of a center (the police liaison room has the community officers).
ROOM_ROLES = {
    RoomKind.HALL: (Role.CENTER_STAFF, "窗口工作人员"),
    RoomKind.MEDIATION: (Role.MEDIATOR, "人民调解员"),
    RoomKind.COUNSELING: (Role.COUNSELOR, "心理咨询师"),
    RoomKind.CARE: (Role.CARE_WORKER, "关爱专干"),
    RoomKind.SOCIAL_ORGS: (Role.SOCIAL_WORKER, "社会组织联络员"),
}
# The officer each stationed department sends (the police send the community officers).
OFFICER_TITLES = {
    DepartmentKind.PROCURATORATE: "检察官",
    DepartmentKind.COURT: "法官",
    DepartmentKind.JUSTICE: "司法所干部",
    DepartmentKind.PETITION: "信访干部",
    DepartmentKind.HUMAN_RESOURCES: "劳动保障专干",
    DepartmentKind.CIVIL_AFFAIRS: "民政专干",
}


def rooms_staff_create(
    centers: dict[int, Center],
    rng: random.Random,
    *,
    writer: StaffWriter,
    names: NamePool,
    phones: PhonePool,
    log: Callable[[str], None],
) -> dict[str, int]:
    """One person in the hall and each room of every center, and one officer from each
    stationed department. The police department's officers are the community police, whom
    police_create put in the level-1 centers; the district center gets one of its own."""
    ids = [c.pk for c in centers.values()]
    district = next(c.pk for c in centers.values() if c.level == CenterLevel.DISTRICT)
    rooms = Room.objects.filter(center_id__in=ids).values_list("center_id", "kind", "pk")
    depts = Department.objects.filter(center_id__in=ids).values_list("center_id", "kind", "pk")
    number = {center.pk: i for i, center in enumerate(centers.values(), start=1)}
    room_staff = officers = 0
    police_room = {(c, k): pk for c, k, pk in rooms}[(district, RoomKind.POLICE_LIAISON)]
    for center_id, kind, room_id in rooms:
        if kind not in ROOM_ROLES:
            continue
        role, title = ROOM_ROLES[kind]
        writer.add_staff(
            f"c{number[center_id]:02d}-{kind}",
            name=names.full(rng.choice("MF")),
            role=str(role),
            center_id=center_id,
            room_id=room_id,
            title=title,
            phone=phones.landline(),
            full_time=True,
            working_hours="工作日 8:30-12:00, 14:30-18:00",
        )
        room_staff += 1
    for center_id, kind, dept_id in depts:
        if kind == DepartmentKind.POLICE and center_id == district:
            writer.add_staff(
                f"c{number[center_id]:02d}-police",
                name=names.full("M"),
                role=str(Role.POLICE),
                center_id=center_id,
                room_id=police_room,
                department_id=dept_id,
                title="民警",
                phone=phones.mobile(),
                full_time=True,
            )
            officers += 1
        if kind not in OFFICER_TITLES:
            continue
        writer.add_staff(
            f"c{number[center_id]:02d}-{kind}",
            name=names.full("M" if rng.random() < 0.6 else "F"),
            role=str(Role.OFFICER),
            center_id=center_id,
            department_id=dept_id,
            title=OFFICER_TITLES[kind],
            phone=phones.landline(),
            full_time=True,
        )
        officers += 1
    log(f"  科室工作人员: {room_staff:,}  入驻部门人员: {officers:,}")
    return {"room_staff": room_staff, "officers": officers}
