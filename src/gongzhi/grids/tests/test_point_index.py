"""Point to grid through the per-process STRtree index and its version token (issue 16, 2)."""

import math

import pytest

from gongzhi.grids import geo
from gongzhi.grids.geo import (
    boundaries_changed,
    boundary_token,
    grid_for_point,
    point_index,
)
from gongzhi.grids.models import Grid
from gongzhi.grids.services import grid_boundary_set
from gongzhi.grids.testing import (
    IN_UNIT_A,
    IN_UNIT_B,
    IN_UNIT_X,
    UNIT_A,
    bound_district,
    box,
)


@pytest.fixture
def bounded(district):
    bound_district(district)
    return district


def test_a_point_lands_in_the_deepest_grid_containing_it(bounded):
    assert grid_for_point(*IN_UNIT_A) == bounded.unit_a
    assert grid_for_point(*IN_UNIT_B) == bounded.unit_b
    assert grid_for_point(*IN_UNIT_X) == bounded.unit_x


def test_a_point_inside_the_district_but_outside_every_township_lands_in_the_district(bounded):
    assert grid_for_point(39.1, 99.3) == bounded.root


@pytest.mark.parametrize(
    "lat, lng", [(30.0, 100.0), (0, 0), (math.nan, 98.5), (39.7, math.inf), (-91, 500)]
)
def test_a_point_outside_the_district_or_not_a_number_finds_no_grid(bounded, lat, lng):
    assert grid_for_point(lat, lng) is None


def test_a_point_on_the_edge_between_two_units_goes_to_the_first_in_tree_order(bounded):
    on_edge = (39.745, UNIT_A[2])  # unit_a's east edge is unit_b's west edge
    assert grid_for_point(*on_edge) == bounded.unit_a


def test_a_child_boundary_reaching_outside_its_parent_never_wins_there(bounded):
    # unit_b's boundary stretched far beyond its building: outside the building it is ignored.
    grid_boundary_set(grid=bounded.unit_b, boundary=box(98.51, 39.74, 98.548, 39.75))
    assert grid_for_point(39.745, 98.54) == bounded.jinquan  # outside 第一居民小组
    assert grid_for_point(*IN_UNIT_B) == bounded.unit_b


def test_a_hole_in_a_boundary_is_not_inside_it(bounded):
    outer = box(*UNIT_A)["coordinates"][0]
    hole = [
        [98.504, 39.744],
        [98.506, 39.744],
        [98.506, 39.746],
        [98.504, 39.746],
        [98.504, 39.744],
    ]
    grid_boundary_set(
        grid=bounded.unit_a, boundary={"type": "Polygon", "coordinates": [outer, hole]}
    )
    assert grid_for_point(39.745, 98.505) == bounded.building
    assert grid_for_point(39.741, 98.501) == bounded.unit_a


def test_without_any_boundary_no_point_finds_a_grid(district):
    assert grid_for_point(*IN_UNIT_A) is None


def test_a_boundary_change_changes_the_token_and_the_next_look_up_uses_it(bounded):
    before = boundary_token()
    index = point_index()
    assert index.token == before
    grid_boundary_set(grid=bounded.unit_a, boundary=None)
    assert boundary_token() != before
    assert grid_for_point(*IN_UNIT_A) == bounded.building
    assert point_index().token == boundary_token()


def test_saving_a_grid_with_a_new_boundary_refreshes_its_box_and_the_token(bounded):
    before = boundary_token()
    grid = Grid.objects.get(pk=bounded.unit_b.pk)
    grid.boundary = box(98.51, 39.741, 98.515, 39.749)
    grid.save()
    grid.refresh_from_db()
    assert (grid.min_lng, grid.min_lat, grid.max_lng, grid.max_lat) == (
        98.51,
        39.741,
        98.515,
        39.749,
    )
    assert boundary_token() != before
    assert grid_for_point(39.7485, 98.518) == bounded.building


def test_saving_a_grid_without_touching_its_boundary_keeps_the_token(bounded):
    before = boundary_token()
    grid = Grid.objects.get(pk=bounded.unit_b.pk)
    grid.name = "二单元"
    grid.save()
    assert boundary_token() == before


def test_the_index_is_built_once_per_token_and_reused(bounded, monkeypatch):
    point_index()
    builds = []
    real = geo.build_index
    monkeypatch.setattr(geo, "build_index", lambda token: builds.append(token) or real(token))
    for _ in range(5):
        grid_for_point(*IN_UNIT_A)
    assert builds == []
    boundaries_changed()
    grid_for_point(*IN_UNIT_A)
    assert builds == [boundary_token()]


def test_an_index_holding_a_deleted_grid_is_rebuilt_instead_of_failing(bounded):
    grid_for_point(*IN_UNIT_A)  # the index now knows unit_a by its primary key
    geo._current["index"].pks[geo._current["index"].at[bounded.unit_a.pk]] = 10**9
    assert grid_for_point(*IN_UNIT_A) == bounded.unit_a


def test_a_broken_stored_boundary_is_left_out_of_the_index_rather_than_failing(bounded):
    Grid.objects.filter(pk=bounded.unit_a.pk).update(
        boundary={"type": "Point", "coordinates": [1, 2]}
    )
    boundaries_changed()
    assert grid_for_point(*IN_UNIT_A) == bounded.building


def test_a_look_up_with_a_current_index_is_one_query(bounded, django_assert_num_queries):
    grid_for_point(*IN_UNIT_A)  # builds the index
    with django_assert_num_queries(1):  # the row and the stored token together
        assert grid_for_point(*IN_UNIT_B) == bounded.unit_b
    with django_assert_num_queries(1):  # the token only
        assert grid_for_point(30.0, 100.0) is None


def test_a_token_changed_by_another_process_is_noticed_on_the_next_look_up(bounded):
    grid_for_point(*IN_UNIT_A)
    # Another process imported boundaries: only the rows and the stored token changed here.
    Grid.objects.filter(pk=bounded.unit_a.pk).update(boundary=None)
    from gongzhi.grids.models import BoundaryVersion

    BoundaryVersion.objects.filter(pk=geo.VERSION_PK).update(token="elsewhere")
    assert grid_for_point(*IN_UNIT_A) == bounded.building
    assert point_index().token == "elsewhere"


def test_the_grid_found_is_the_same_as_the_orm_loads_it(bounded):
    Grid.objects.filter(pk=bounded.unit_a.pk).update(is_synthetic=True, center_lat=39.745)
    found = grid_for_point(*IN_UNIT_A)
    loaded = Grid.objects.get(pk=bounded.unit_a.pk)
    for field in Grid._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(loaded, field.attname), field.name
    assert found.is_synthetic is True and not found._state.adding
    found.name = "一单元"
    found.save()  # a found grid saves like any other, its boundary untouched
    assert Grid.objects.get(pk=found.pk).boundary == loaded.boundary
