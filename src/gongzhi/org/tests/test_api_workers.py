"""/api/v1/workers/: grid workers only, filtered by subtree and name."""

from gongzhi.core.roles import Role
from gongzhi.org.services import staff_create


def _names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["name"] for row in response.json()["results"]}


def test_only_grid_workers_are_listed(district, login):
    # The police officer is assigned to 金泉路社区 too, but is not a grid worker.
    assert _names(login("admin").get("/api/v1/workers/")) == {"网格员甲", "网格员乙"}


def test_the_grid_filter_includes_workers_anywhere_in_the_subtree(district, login):
    client = login("admin")
    assert _names(client.get("/api/v1/workers/", {"grid": district.jinquan.pk})) == {
        "网格员甲",
        "网格员乙",
    }
    assert _names(client.get("/api/v1/workers/", {"grid": district.unit_b.pk})) == {"网格员乙"}
    assert _names(client.get("/api/v1/workers/", {"grid": district.xifeng.pk})) == set()


def test_a_worker_with_two_grids_in_the_filtered_subtree_is_listed_once(district, login):
    staff_create(
        username="two",
        name="网格员丁",
        role=Role.GRID_WORKER,
        grids=[district.unit_a, district.unit_b],
    )
    response = login("admin").get("/api/v1/workers/", {"grid": district.building.pk})
    names = [row["name"] for row in response.json()["results"]]
    assert sorted(names) == ["网格员丁", "网格员乙", "网格员甲"]


def test_the_q_filter_matches_part_of_the_name(district, login):
    assert _names(login("admin").get("/api/v1/workers/", {"q": "乙"})) == {"网格员乙"}


def test_a_worker_shows_the_five_roles_and_assigned_grids(district, login):
    staff = district.users["gridworker"].staff
    body = login("center").get(f"/api/v1/workers/{staff.pk}/").json()
    assert body["five_roles"] == staff.five_role_labels()
    assert len(body["five_roles"]) == 5
    assert [g["grid"] for g in body["grids"]] == [district.unit_a.pk]
