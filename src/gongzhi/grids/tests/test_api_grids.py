"""/api/v1/grids/: filters and the subtree summary."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongzhi.grids.selectors import grid_children, grid_subtree_summary
from gongzhi.grids.services import grid_add_child


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_the_parent_filter_lists_only_direct_children(district, login):
    response = login("admin").get("/api/v1/grids/", {"parent": district.building.pk})
    assert _ids(response) == [district.unit_a.pk, district.unit_b.pk]


def test_each_grid_names_its_parent(district, login):
    rows = login("admin").get("/api/v1/grids/").json()["results"]
    parents = {row["id"]: row["parent"] for row in rows}
    assert parents[district.root.pk] is None
    assert parents[district.unit_a.pk] == district.building.pk
    assert parents[district.jinquan.pk] == district.root.pk


def test_the_level_filter_keeps_one_level(district, login):
    response = login("admin").get("/api/v1/grids/", {"level": 5})
    assert set(_ids(response)) == {district.unit_a.pk, district.unit_b.pk, district.unit_x.pk}


def test_the_q_filter_matches_names_and_code_prefixes(district, login):
    client = login("admin")
    by_name = _ids(client.get("/api/v1/grids/", {"q": "西峰镇"}))
    by_code = set(_ids(client.get("/api/v1/grids/", {"q": district.building.code})))
    assert by_name == [district.xifeng.pk]
    assert by_code == {district.building.pk, district.unit_a.pk, district.unit_b.pk}


def test_filters_stay_inside_the_users_scope(district, login):
    response = login("gridworker").get("/api/v1/grids/", {"parent": district.building.pk})
    assert _ids(response) == [district.unit_a.pk]


def test_the_summary_matches_the_selector_for_the_grid_and_each_child(district, login):
    response = login("center").get(f"/api/v1/grids/{district.jinquan.pk}/summary/")
    assert response.status_code == 200, response.content
    body = response.json()
    children = list(grid_children(district.jinquan))
    expected = grid_subtree_summary(district.jinquan, children)
    assert body["total"] == expected["total"]
    assert body["total"]["residents"] == 3
    assert {c["id"]: c["counts"] for c in body["children"]} == {
        c.pk: expected["children"][c.path] for c in children
    }
    assert [w["id"] for w in body["workers"]] == [w.pk for w in expected["workers"]]


def test_a_child_with_nothing_in_it_reports_zero_counts(district, login):
    empty = grid_add_child(parent=district.root, name="空镇")
    body = login("admin").get(f"/api/v1/grids/{district.root.pk}/summary/").json()
    counts = {c["id"]: c["counts"] for c in body["children"]}
    assert counts[empty.pk] == {"households": 0, "residents": 0, "care_targets": 0, "workers": 0}


def test_the_summary_of_a_grid_outside_the_scope_is_a_404(district, login):
    response = login("xifeng_center").get(f"/api/v1/grids/{district.jinquan.pk}/summary/")
    assert response.status_code == 404


def test_the_summary_costs_the_same_queries_for_more_children(district, login):
    client = login("admin")
    client.get(f"/api/v1/grids/{district.root.pk}/summary/")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/api/v1/grids/{district.root.pk}/summary/")
    for name in ("甲镇", "乙镇", "丙镇"):
        grid_add_child(parent=district.root, name=name)
    with CaptureQueriesContext(connection) as more:
        client.get(f"/api/v1/grids/{district.root.pk}/summary/")
    assert len(more.captured_queries) == len(few.captured_queries)
