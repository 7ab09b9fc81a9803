"""The staff case map (事件地图) and each case page's place (issue 16, item 3)."""

import pytest
from django.urls import reverse

from gongzhi.cases.models import Category, State
from gongzhi.cases.selectors import case_map_points
from gongzhi.grids.models import Grid
from gongzhi.grids.testing import IN_UNIT_A, IN_UNIT_B, bound_district

from .conftest import act, report

DATA = "/cases/map/cases.json"


@pytest.fixture
def bounded(district):
    bound_district(district)
    Grid.objects.filter(pk=district.unit_a.pk).update(center_lat=39.745, center_lng=98.505)
    Grid.objects.filter(pk=district.unit_x.pk).update(center_lat=39.72, center_lng=98.36)
    return district


def numbers(response) -> set[str]:
    assert response.status_code == 200, response.content.decode()
    return {c["number"] for c in response.json()["cases"]}


def test_the_map_is_linked_from_the_staff_navigation_and_the_case_list(bounded, login):
    client = login("center")
    page = client.get(reverse("cases:inbox")).content.decode()
    assert page.count(f'href="{reverse("cases:map")}"') == 2  # the navbar and the list
    page = client.get(reverse("cases:map")).content.decode()
    assert 'data-map="cases"' in page and "leaflet/leaflet.js" in page
    assert f"{DATA}?state=open" in page  # open cases unless asked otherwise
    assert "<script>" not in page  # no inline script (CSP)


def test_cases_are_placed_at_their_point_or_approximately_at_their_grids_center(bounded, login):
    pinned = report(bounded, grid=None, lat=IN_UNIT_B[0], lng=IN_UNIT_B[1])
    unpinned = report(bounded)  # in unit_a, no coordinates
    data = login("center").get(DATA).json()
    by_number = {c["number"]: c for c in data["cases"]}
    assert (by_number[pinned.number]["lat"], by_number[pinned.number]["approx"]) == (
        IN_UNIT_B[0],
        False,
    )
    assert (by_number[unpinned.number]["lat"], by_number[unpinned.number]["approx"]) == (
        39.745,
        True,
    )
    assert by_number[pinned.number]["url"] == reverse("cases:detail", args=[pinned.number])
    assert by_number[pinned.number]["state_label"] == "上报"
    assert data["total"] == 2 and data["unplaced"] == 0


def test_the_map_shows_only_cases_in_the_users_scope(bounded, login):
    here = report(bounded)
    there = report(bounded, by="xifeng_center", grid=bounded.unit_x)
    assert numbers(login("center").get(DATA)) == {here.number}
    assert numbers(login("leader").get(DATA)) == {here.number, there.number}
    assert numbers(login("gridworker").get(DATA)) == {here.number}


def test_the_map_filters_by_state_category_and_time(bounded, login):
    open_case = report(bounded)
    rejected = report(bounded, title="另一件")
    act(bounded, rejected, "center", "reject", comment="不属于受理范围")
    other = report(
        bounded, category=Category.objects.get(code="0401"), extra={"facility": "streetlight"}
    )
    client = login("center")
    assert numbers(client.get(DATA, {"state": "open"})) == {open_case.number, other.number}
    assert numbers(client.get(DATA, {"state": "final"})) == {rejected.number}
    assert numbers(client.get(DATA, {"state": State.REJECTED})) == {rejected.number}
    assert numbers(client.get(DATA, {"state": "", "category": "0401"})) == {other.number}
    assert numbers(client.get(DATA, {"state": "", "category": "04"})) == {other.number}
    today = open_case.created_at.date().isoformat()
    assert len(numbers(client.get(DATA, {"state": "", "date_from": today}))) == 3
    assert numbers(client.get(DATA, {"state": "", "date_to": "2000-01-01"})) == set()


@pytest.mark.parametrize(
    "params",
    [
        {"state": "nonsense"},
        {"category": "zz"},
        {"date_from": "yesterday"},
        {"grid": "99999999"},
        {"date_from": "2030-01-02", "date_to": "2030-01-01"},
    ],
)
def test_a_bad_filter_gets_a_chinese_400_and_no_cases(bounded, login, params):
    report(bounded)
    response = login("center").get(DATA, params)
    assert response.status_code == 400
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in e) for e in response.json()["errors"])
    page = login("center").get(reverse("cases:map"), params).content.decode()
    assert response.json()["errors"][0] in page  # the page shows why


def test_a_foreign_grid_filter_shows_nothing(bounded, login):
    report(bounded, by="xifeng_center", grid=bounded.unit_x)
    response = login("center").get(DATA, {"grid": bounded.xifeng.pk})
    assert response.status_code == 400 and "不在您的管辖范围内" in response.json()["errors"][0]


def test_cases_without_any_place_are_counted_not_drawn(bounded, login):
    report(bounded, grid=bounded.unit_b)  # unit_b has no center
    data = login("center").get(DATA).json()
    assert data["cases"] == [] and data["unplaced"] == 1 and "没有位置" in data["summary"]


def test_the_newest_cases_are_drawn_when_there_are_more_than_the_limit(bounded):
    cases = [report(bounded, title=f"第{i}件") for i in range(4)]
    from gongzhi.cases.models import Case

    points, total, unplaced = case_map_points(Case.objects.all(), limit=3)
    assert total == 4 and unplaced == 0
    assert [p["number"] for p in points] == [c.number for c in reversed(cases)][:3]


def test_the_map_needs_a_login(client):
    assert client.get(reverse("cases:map")).status_code == 302
    assert client.get(DATA).status_code == 302


def test_each_case_page_shows_its_place_and_its_grids_outline(bounded, login):
    case = report(bounded, grid=None, lat=IN_UNIT_A[0], lng=IN_UNIT_A[1])
    page = login("center").get(reverse("cases:detail", args=[case.number])).content.decode()
    assert 'data-map="place"' in page
    assert f'data-lat="{IN_UNIT_A[0]}" data-lng="{IN_UNIT_A[1]}"' in page
    assert f"outlines.geojson?grid={bounded.unit_a.pk}" in page
    case = report(bounded)  # no point: its grid's center
    page = login("center").get(reverse("cases:detail", args=[case.number])).content.decode()
    assert 'data-lat="39.745" data-lng="98.505"' in page and "没有坐标" in page
