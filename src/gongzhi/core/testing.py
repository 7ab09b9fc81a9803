"""A small named district and personas shared by every test (see conftest.py).

Built through the same services the application uses.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar
from unittest import mock

from django.db import OperationalError
from django.db.backends.utils import CursorWrapper

from gongzhi.core.roles import Role
from gongzhi.grids.models import Grid
from gongzhi.grids.services import grid_add_child, grid_create_root
from gongzhi.org.models import CenterLevel, GridAssignment, RoomKind
from gongzhi.org.services import center_create, staff_create
from gongzhi.people.models import Household, Resident
from gongzhi.people.services import household_create, resident_create, resident_tag_add

if TYPE_CHECKING:
    from collections.abc import Iterator

    from django.db.models import Model

    from gongzhi.core.states import StateTable

PASSWORD = "test-pass-123"  # noqa: S105


@dataclass
class District:
    root: Grid
    jinquan: Grid  # 金泉路社区 (level 1)
    xifeng: Grid  # 西峰镇 (level 1)
    group1: Grid  # level 2 under 金泉路
    courtyard: Grid  # 公园路46号楼院 (level 3)
    building: Grid  # level 4
    unit_a: Grid  # level 5, the gridworker's unit
    unit_b: Grid  # level 5 sibling of unit_a
    unit_x: Grid  # level 5 under 西峰镇
    users: dict = field(default_factory=dict)
    households: dict = field(default_factory=dict)
    residents: dict = field(default_factory=dict)


def _chain(parent: Grid, names: list[str]) -> list[Grid]:
    out = []
    for name in names:
        parent = grid_add_child(parent=parent, name=name)
        out.append(parent)
    return out


# Checksum-valid synthetic IDs (GB 11643).
IDS = {
    "a_head": "620902199003071233",
    "a_spouse": "62090219920415002X",
    "b_head": "620902198511200017",
    "x_head": "622102196802030010",
}


def build_district() -> District:
    from gongzhi.core.idcard import check_char

    ids = {k: v[:17] + check_char(v[:17]) for k, v in IDS.items()}
    root = grid_create_root()
    jinquan = grid_add_child(parent=root, name="金泉路社区")
    group1, courtyard, building, unit_a = _chain(
        jinquan, ["第一居民小组", "公园路46号楼院", "1号楼", "1单元"]
    )
    unit_b = grid_add_child(parent=building, name="2单元")
    xifeng = grid_add_child(parent=root, name="西峰镇")
    *_, unit_x = _chain(xifeng, ["西峰村", "一组", "3号院", "1单元"])
    d = District(root, jinquan, xifeng, group1, courtyard, building, unit_a, unit_b, unit_x)

    jq_center = center_create(grid=jinquan, name="金泉路社区综治中心", level=CenterLevel.COMMUNITY)
    xf_center = center_create(grid=xifeng, name="西峰镇综治中心", level=CenterLevel.TOWNSHIP)
    mk = staff_create
    d.users["admin"] = mk(username="admin", name="管理员", role=Role.ADMIN, password=PASSWORD).user
    d.users["leader"] = mk(
        username="leader", name="区领导", role=Role.LEADER, password=PASSWORD
    ).user
    d.users["center"] = mk(
        username="center",
        name="中心甲",
        role=Role.CENTER_STAFF,
        center=jq_center,
        password=PASSWORD,
    ).user
    d.users["xifeng_center"] = mk(
        username="xifeng_center",
        name="西峰乙",
        role=Role.CENTER_STAFF,
        center=xf_center,
        password=PASSWORD,
    ).user
    d.users["gridworker"] = mk(
        username="gridworker",
        name="网格员甲",
        role=Role.GRID_WORKER,
        grids=[unit_a],
        password=PASSWORD,
        full_time=True,
    ).user
    d.users["gridworker_b"] = mk(
        username="gridworker_b",
        name="网格员乙",
        role=Role.GRID_WORKER,
        grids=[unit_b],
        password=PASSWORD,
    ).user
    d.users["police"] = mk(
        username="police",
        name="民警丙",
        role=Role.POLICE,
        center=jq_center,
        room_kind=RoomKind.POLICE_LIAISON,
        grids=[jinquan],
        duty=GridAssignment.Duty.POLICE,
        password=PASSWORD,
    ).user
    for username, role, room in (
        ("mediator", Role.MEDIATOR, RoomKind.MEDIATION),
        ("counselor", Role.COUNSELOR, RoomKind.COUNSELING),
    ):
        d.users[username] = mk(
            username=username,
            name=username,
            role=role,
            center=jq_center,
            room_kind=room,
            password=PASSWORD,
        ).user

    admin = d.users["admin"]
    for key, unit in (("a", unit_a), ("b", unit_b), ("x", unit_x)):
        d.households[key] = household_create(by=admin, unit=unit, house_number="101")
    d.residents["a_head"] = resident_create(
        by=admin,
        household=d.households["a"],
        name="茹玉芳",
        id_number=ids["a_head"],
        phone="13800001234",
        relation="head",
    )
    d.residents["a_spouse"] = resident_create(
        by=admin,
        household=d.households["a"],
        name="欧阳明月",
        id_number=ids["a_spouse"],
        phone="13900005678",
        relation="spouse",
    )
    d.residents["b_head"] = resident_create(
        by=admin,
        household=d.households["b"],
        name="周金玉",
        id_number=ids["b_head"],
        phone="13700002468",
        relation="head",
    )
    d.residents["x_head"] = resident_create(
        by=admin,
        household=d.households["x"],
        name="陈树林",
        id_number=ids["x_head"],
        phone="13600001357",
        relation="head",
    )
    resident_tag_add(by=admin, resident=d.residents["a_head"], tag="elderly_alone")
    resident_tag_add(by=admin, resident=d.residents["a_spouse"], tag="community_correction")
    resident_tag_add(by=admin, resident=d.residents["b_head"], tag="released_prisoner")
    return d


M = TypeVar("M", bound="Model")


def fresh(obj: M) -> M:
    """Reload a model instance (tests compare against the database, not memory)."""
    return type(obj)._default_manager.get(pk=obj.pk)


_KEEP_WHEN_DOWN = {"SAVEPOINT", "RELEASE", "ROLLBACK"}


@contextmanager
def database_down() -> Iterator[None]:
    """Every SQL statement fails with OperationalError, as during a PostgreSQL restart,
    except the savepoint statements the test's own transaction needs."""
    real = CursorWrapper._execute  # type: ignore[attr-defined]  # Django's private hook

    def failing(self: CursorWrapper, sql: str, params: Any, *ignored: Any) -> Any:
        if str(sql).split(None, 1)[0].upper() in _KEEP_WHEN_DOWN:
            return real(self, sql, params, *ignored)
        raise OperationalError("server closed the connection unexpectedly")

    with mock.patch.object(CursorWrapper, "_execute", failing):
        yield


def table_pairs(table: StateTable) -> list[tuple[str, str]]:
    """Every (state, action) pair of a core.states.StateTable, for table-driven tests."""
    return [(state, action) for state in table.states.values for action in table.actions]


def row_of(obj: Model) -> dict:
    """The object's row as stored now (to show a refused action wrote nothing)."""
    return type(obj)._default_manager.filter(pk=obj.pk).values().get()


__all__ = [
    "District",
    "PASSWORD",
    "build_district",
    "fresh",
    "Household",
    "Resident",
    "row_of",
    "table_pairs",
]
