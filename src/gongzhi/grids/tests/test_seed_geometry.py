"""The seed's synthetic boundaries: every level tiles its parent, so a point inside the
district falls in exactly one grid per level (issue 16, item 1)."""

import io
import random
from dataclasses import replace

import numpy as np
import pytest
import shapely
from django.core.management import call_command

from gongzhi.grids.geo import grid_for_point
from gongzhi.grids.geometry import parse
from gongzhi.grids.models import Grid, Level
from gongzhi.seeding.district import tree_plan
from gongzhi.seeding.geometry import DISTRICT_OUTLINE, SEAT, tree_geometry
from gongzhi.seeding.scale import DEMO, FULL

# The full-scale generator (all 36 level-1 grids) with small counts below level 1.
SMALL_FULL = replace(FULL, grids=(40, 45, 52, 61), name="small")
TOLERANCE = 1e-6  # degrees (about 10 cm): coordinates are snapped to 1e-7


def planned(scale, seed=2020):
    tree = tree_plan(scale, random.Random(seed))
    tree_geometry(tree, seed=seed)
    return tree


def shapes_of(nodes):
    return [parse(n.grid.boundary) for n in nodes]


def random_points(rng, shape, n):
    minx, miny, maxx, maxy = shape.bounds
    xs, ys = rng.uniform(minx, maxx, n * 4), rng.uniform(miny, maxy, n * 4)
    inside = shapely.contains_xy(shape, xs, ys)
    return list(zip(xs[inside][:n], ys[inside][:n], strict=True))


def test_the_36_level1_grids_tile_the_district_extent():
    tree = planned(SMALL_FULL)
    district = parse(tree.root.grid.boundary)
    level1 = shapes_of(tree.levels[Level.TOWNSHIP])
    assert len(level1) == 36
    union = shapely.union_all(level1)
    assert union.symmetric_difference(district).area < 1e-6 * district.area
    assert sum(s.area for s in level1) == pytest.approx(district.area, rel=1e-6)  # no overlap
    minx, miny, maxx, maxy = district.bounds
    assert minx >= 98.2 and miny >= 39.0 and maxx <= 99.4 and maxy <= 40.0


def test_the_urban_level1_grids_surround_the_seat_and_the_towns_lie_around_them():
    tree = planned(SMALL_FULL)
    seat = shapely.Point(SEAT)
    by_name = {n.grid.name: n for n in tree.levels[Level.TOWNSHIP]}
    at_seat = [n for n in tree.levels[Level.TOWNSHIP] if parse(n.grid.boundary).covers(seat)]
    assert len(at_seat) == 1 and not at_seat[0].rural
    urban = shapely.union_all([parse(n.grid.boundary) for n in by_name.values() if not n.rural])
    assert urban.area < 0.05 * parse(tree.root.grid.boundary).area  # a town, not the district
    xifeng = parse(by_name["西峰镇"].grid.boundary)
    assert xifeng.centroid.x < SEAT[0]  # west of the seat, as the real town


def test_every_level_splits_its_parent_exactly_at_full_scale_shape():
    tree = planned(SMALL_FULL)
    for level in tree.levels[:-1]:
        for node in level:
            parent = parse(node.grid.boundary)
            kids = shapes_of(node.children)
            assert all(k.is_valid and not k.is_empty for k in kids)
            assert all(parent.buffer(TOLERANCE).contains(k) for k in kids)
            assert sum(k.area for k in kids) == pytest.approx(parent.area, rel=1e-5)


def test_a_random_point_falls_in_exactly_one_grid_per_level():
    tree = planned(DEMO)
    district = parse(tree.root.grid.boundary)
    rng = np.random.default_rng(7)
    levels = [shapes_of(nodes) for nodes in tree.levels]
    for x, y in random_points(rng, district, 300):
        point = shapely.Point(x, y)
        for shapes in levels:
            assert sum(s.covers(point) for s in shapes) == 1


def test_the_geometry_is_the_same_for_the_same_seed_and_changes_with_another():
    first, again, other = planned(DEMO), planned(DEMO), planned(DEMO, seed=7)
    units = [n.grid.boundary for n in first.units]
    assert units == [n.grid.boundary for n in again.units]
    assert units != [n.grid.boundary for n in other.units]


def test_the_outline_is_a_simple_polygon_inside_the_real_extent():
    outline = shapely.Polygon(DISTRICT_OUTLINE)
    assert outline.is_valid and outline.covers(shapely.Point(SEAT))


@pytest.fixture
def demo(db):
    call_command("seed", "--scale", "demo", "--no-history", stdout=io.StringIO())  # the map only


def test_the_demo_seed_stores_a_boundary_box_and_center_on_every_grid(demo):
    assert not Grid.objects.filter(boundary__isnull=True).exists()
    for grid in Grid.objects.all():
        shape = parse(grid.boundary)
        assert (grid.min_lng, grid.min_lat, grid.max_lng, grid.max_lat) == pytest.approx(
            shape.bounds
        )
        assert shape.covers(shapely.Point(grid.center_lng, grid.center_lat))


def test_the_seat_lands_in_a_unit_of_an_urban_community_after_the_demo_seed(demo):
    grid = grid_for_point(SEAT[1], SEAT[0])
    assert grid is not None and grid.level == Level.UNIT
    level1 = Grid.objects.get(path=grid.path[: 2 * Grid.steplen])
    assert level1.name in ("金泉路社区", "西北街街道")


def test_every_demo_unit_is_found_from_its_own_center(demo):
    for unit in Grid.objects.filter(level=Level.UNIT):
        assert grid_for_point(unit.center_lat, unit.center_lng) == unit
