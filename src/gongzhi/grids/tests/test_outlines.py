"""Grid outlines for maps (GeoJSON, within the user's restrict() scope, simplified for the
zoom), the locate endpoint, and child_outlines() for dashboards (issue 16, item 3)."""

import json

import pytest
import shapely
from django.urls import reverse

from gongzhi.grids.geo import child_outlines
from gongzhi.grids.geometry import parse
from gongzhi.grids.selectors import grid_outlines_for, level_for_zoom, map_bounds_for
from gongzhi.grids.services import grid_boundary_set
from gongzhi.grids.testing import IN_UNIT_A, IN_UNIT_X, bound_district

URL = "/grids/outlines.geojson"


@pytest.fixture
def bounded(district):
    bound_district(district)
    return district


def names(data) -> set[str]:
    return {f["properties"]["name"] for f in data["features"]}


def test_the_district_map_draws_the_townships_for_a_district_wide_user(bounded, login):
    response = login("leader").get(URL, {"zoom": 9})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    data = response.json()
    assert data["type"] == "FeatureCollection" and names(data) == {"金泉路社区", "西峰镇"}
    assert {f["properties"]["level"] for f in data["features"]} == {1}


def test_deeper_zooms_draw_deeper_levels_within_the_view(bounded, login):
    client = login("leader")
    bbox = "98.49,39.735,98.53,39.755"  # the courtyard of 金泉路社区
    data = client.get(URL, {"zoom": 16, "bbox": bbox}).json()
    assert names(data) == {"1单元", "2单元"}
    data = client.get(URL, {"zoom": 16, "bbox": "98.30,39.65,98.31,39.66"}).json()
    assert names(data) == set()  # 西峰's unit lies elsewhere


def test_a_community_center_sees_only_its_own_subtree(bounded, login):
    data = login("center").get(URL, {"zoom": 9}).json()
    assert names(data) == {"金泉路社区"}  # never above its own top level, never 西峰镇
    data = login("center").get(URL, {"zoom": 16}).json()
    assert names(data) == {"1单元", "2单元"}
    data = login("gridworker").get(URL, {"zoom": 9}).json()
    assert names(data) == {"1单元"}


def test_residents_and_visitors_see_only_the_district_and_its_townships(bounded, client):
    data = client.get(URL, {"zoom": 17, "bbox": "98.2,39.0,99.4,40.0"}).json()
    assert names(data) == {"金泉路社区", "西峰镇"}
    assert client.get(URL, {"parent": bounded.jinquan.pk}).json()["features"] == []
    assert client.get(URL, {"grid": bounded.unit_a.pk}).status_code == 400


def test_parent_gives_the_children_of_a_grid_in_scope(bounded, login):
    data = login("center").get(URL, {"parent": bounded.building.pk}).json()
    assert names(data) == {"1单元", "2单元"}
    response = login("center").get(URL, {"parent": bounded.xifeng.pk})
    assert response.status_code == 400 and "不在您的管辖范围内" in response.json()["error"]


def test_grid_gives_that_grid_alone(bounded, login):
    data = login("center").get(URL, {"grid": bounded.unit_a.pk}).json()
    assert names(data) == {"1单元"}
    assert login("center").get(URL, {"grid": bounded.unit_x.pk}).status_code == 400


@pytest.mark.parametrize(
    "params",
    [
        {"zoom": "x"},
        {"zoom": "99"},
        {"zoom": "nan"},
        {"bbox": "1,2,3"},
        {"bbox": "a,b,c,d"},
        {"bbox": "10,10,5,5"},
        {"bbox": "0,0,0,inf"},
        {"parent": "-1"},
        {"parent": "9" * 30},
        {"grid": "1e400"},
        {"level": "7"},
    ],
)
def test_garbage_parameters_get_a_chinese_400(bounded, login, params):
    response = login("leader").get(URL, params)
    assert response.status_code == 400
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["error"])


def test_a_lower_zoom_simplifies_the_outlines(bounded, login):
    wiggly = [[98.45 + i * 0.0001, 39.70 + (i % 2) * 0.00005] for i in range(1001)]
    ring = [*wiggly, [98.55, 39.78], [98.45, 39.78], wiggly[0]]
    grid_boundary_set(grid=bounded.jinquan, boundary={"type": "Polygon", "coordinates": [ring]})
    coarse = grid_outlines_for(bounded.users["leader"], zoom=9, level=1)
    fine = grid_outlines_for(bounded.users["leader"], zoom=None, level=1)

    def vertices(data):
        return sum(len(f["geometry"]["coordinates"][0]) for f in data["features"])

    assert vertices(coarse) < 50 < 1000 < vertices(fine)
    jinquan = next(f for f in coarse["features"] if f["properties"]["name"] == "金泉路社区")
    assert shapely.geometry.shape(jinquan["geometry"]).is_valid


def test_the_zoom_picks_a_level():
    assert [level_for_zoom(z) for z in (None, 8, 11, 13, 15, 18)] == [1, 1, 2, 3, 4, 5]


def test_child_outlines_adds_the_callers_figures(bounded):
    data = child_outlines(bounded.root, zoom=12, properties=lambda g: {"open_cases": len(g.name)})
    assert names(data) == {"金泉路社区", "西峰镇"}
    for f in data["features"]:
        assert f["properties"]["open_cases"] == len(f["properties"]["name"])
        assert parse(f["geometry"]).is_valid
    assert json.dumps(data)  # plain JSON types only


def test_map_bounds_cover_the_users_scope(bounded):
    assert map_bounds_for(bounded.users["leader"]) == [98.2, 39.0, 99.4, 40.0]
    assert map_bounds_for(bounded.users["center"]) == [98.45, 39.70, 98.55, 39.78]


def test_locate_names_the_grid_of_a_point_in_scope(bounded, login):
    url = reverse("grids:locate")
    lat, lng = IN_UNIT_A
    found = login("center").get(url, {"lat": lat, "lng": lng}).json()["grid"]
    assert found["id"] == bounded.unit_a.pk
    lat, lng = IN_UNIT_X
    answer = login("center").get(url, {"lat": lat, "lng": lng}).json()
    assert answer["grid"] is None and "管辖范围" in answer["message"]
    answer = login("center").get(url, {"lat": 30, "lng": 100}).json()
    assert answer["grid"] is None and "不在本区" in answer["message"]
    assert login("center").get(url, {"lat": "x", "lng": 1}).status_code == 400
    assert login("center").get(url, {"lat": 39.7}).status_code == 400


def test_locate_is_for_staff(bounded, client):
    lat, lng = IN_UNIT_A
    assert client.get(reverse("grids:locate"), {"lat": lat, "lng": lng}).status_code == 403
