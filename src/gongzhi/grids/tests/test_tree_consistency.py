from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongzhi.core.testing import fresh
from gongzhi.grids.models import Grid
from gongzhi.grids.selectors import count_under, counts_per_child
from gongzhi.grids.services import grid_add_child, grid_move, grid_rename
from gongzhi.people.models import Resident


def test_child_codes_extend_the_parent_code(district):
    assert district.root.code == "620902"
    assert district.jinquan.code == "620902001"
    assert district.unit_a.code.startswith(district.building.code)
    assert len(district.unit_a.code) == 6 + 5 * 3


def test_counting_residents_under_a_grid_is_one_query(district):
    with CaptureQueriesContext(connection) as ctx:
        n = count_under(Resident.objects.all(), "grid__path", district.jinquan)
    assert n == 3
    assert len(ctx.captured_queries) == 1


def test_counts_per_child_is_one_grouped_query(district):
    with CaptureQueriesContext(connection) as ctx:
        counts = counts_per_child(Resident.objects.all(), "grid__path", district.root)
    assert len(ctx.captured_queries) == 1
    assert counts == {district.jinquan.path: 3, district.xifeng.path: 1}


def test_renaming_a_grid_rewrites_descendant_full_names(district):
    grid_rename(grid=district.courtyard, name="公园路46号院")
    unit = fresh(district.unit_a)
    assert unit.full_name == "金泉路社区第一居民小组公园路46号院1号楼1单元"
    assert fresh(district.courtyard).name == "公园路46号院"


def test_moving_a_subtree_rewrites_codes_paths_and_names(district):
    target = grid_add_child(parent=fresh(district.xifeng), name="西峰二组")
    moved = grid_move(grid=district.courtyard, new_parent=target)
    assert moved.code.startswith(target.code)
    for grid in Grid.objects.filter(path__startswith=moved.path):
        assert grid.code.startswith(moved.code)
        assert grid.full_name.startswith("西峰镇西峰二组公园路46号楼院")
    assert count_under(Resident.objects.all(), "grid__path", fresh(district.xifeng)) == 4
    assert count_under(Resident.objects.all(), "grid__path", fresh(district.jinquan)) == 0
    assert Grid.objects.find_problems() == ([], [], [], [], [])
