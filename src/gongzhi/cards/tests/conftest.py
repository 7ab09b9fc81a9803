from dataclasses import dataclass

import pytest

from gongzhi.core.roles import Role
from gongzhi.core.testing import PASSWORD
from gongzhi.grids.models import Grid
from gongzhi.grids.services import grid_add_child
from gongzhi.org.models import CenterLevel, GridAssignment
from gongzhi.org.services import center_create, staff_create


@pytest.fixture(autouse=True)
def immediate_tasks(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class Street:
    community: Grid
    building: Grid
    unit_1: Grid
    unit_2: Grid


@pytest.fixture
def street(district) -> Street:
    """A community with a phoned center, a grid worker on unit 1 and a community police."""
    community = grid_add_child(parent=district.root, name="东关社区")
    center_create(
        grid=community,
        name="东关社区综治中心",
        level=CenterLevel.COMMUNITY,
        duty_phone="0931-8812345",
        hotline="12345",
        address="东关路8号",
    )
    group = grid_add_child(parent=community, name="第二居民小组")
    compound = grid_add_child(parent=group, name="东关花园")
    building = grid_add_child(parent=compound, name="3号楼")
    unit_1 = grid_add_child(parent=building, name="1单元")
    unit_2 = grid_add_child(parent=building, name="2单元")
    staff_create(
        username="dg_worker",
        name="马晓红",
        role=Role.GRID_WORKER,
        grids=[unit_1],
        phone="13912340001",
        working_hours="周一至周五 8:30-17:30",
        password=PASSWORD,
    )
    staff_create(
        username="dg_leader",
        name="杨建国",
        role=Role.GRID_WORKER,
        grids=[compound],
        phone="13912340002",
        duty=GridAssignment.Duty.LEADER,
    )
    staff_create(
        username="dg_police",
        name="李警官",
        role=Role.POLICE,
        grids=[group],
        phone="13912340003",
        duty=GridAssignment.Duty.POLICE,
    )
    return Street(community, building, unit_1, unit_2)
