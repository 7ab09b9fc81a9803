import re
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongzhi.core.roles import Role
from gongzhi.org.services import staff_create


def shown_staff(response) -> set[int]:
    return {int(pk) for pk in re.findall(r'data-staff="(\d+)"', response.content.decode())}


def staff_pk(district, username) -> int:
    return district.users[username].staff.pk


def workers(**params) -> str:
    url = reverse("org:worker_list")
    return f"{url}?{urlencode(params)}" if params else url


@pytest.mark.parametrize(
    ("username", "visible"),
    [
        ("gridworker", ("gridworker",)),
        ("gridworker_b", ("gridworker_b",)),
        ("center", ("gridworker", "gridworker_b")),
        ("leader", ("gridworker", "gridworker_b")),
        ("xifeng_center", ()),
    ],
)
def test_the_directory_lists_grid_workers_in_the_users_subtree(district, login, username, visible):
    response = login(username).get(workers())
    assert shown_staff(response) == {staff_pk(district, u) for u in visible}


def test_other_roles_are_not_listed_as_grid_workers(district, login):
    response = login("admin").get(workers())
    assert staff_pk(district, "police") not in shown_staff(response)


def test_a_sibling_units_worker_detail_is_not_found(district, login):
    url = reverse("org:staff_detail", args=[staff_pk(district, "gridworker_b")])
    assert login("gridworker").get(url).status_code == 404


def test_the_worker_detail_shows_grids_and_the_five_roles(district, login):
    url = reverse("org:staff_detail", args=[staff_pk(district, "gridworker")])
    body = login("center").get(url).content.decode()
    assert "网格员甲" in body
    assert district.unit_a.full_name in body
    for role in ("法治宣传员", "治安联防员", "纠纷调解员", "帮教转化员", "信息采集员"):
        assert role in body


def test_the_grid_filter_keeps_workers_of_the_subtree(district, login):
    response = login("center").get(workers(grid=district.unit_b.pk))
    assert shown_staff(response) == {staff_pk(district, "gridworker_b")}


def test_a_grid_filter_outside_the_scope_lists_nobody(district, login):
    response = login("gridworker").get(workers(grid=district.unit_b.pk))
    assert response.status_code == 200
    assert shown_staff(response) == set()


def test_the_full_time_filter(district, login):
    client = login("center")
    assert shown_staff(client.get(workers(full_time="1"))) == {staff_pk(district, "gridworker")}
    assert shown_staff(client.get(workers(full_time="0"))) == {staff_pk(district, "gridworker_b")}


def test_searching_by_name(district, login):
    response = login("center").get(workers(q="乙"))
    assert shown_staff(response) == {staff_pk(district, "gridworker_b")}


def test_a_worker_with_two_grids_in_the_filtered_subtree_is_listed_once(district, login):
    extra = staff_create(
        username="two_grids",
        name="网格员丙",
        role=Role.GRID_WORKER,
        grids=[district.unit_a, district.unit_b],
    )
    body = login("center").get(workers(grid=district.building.pk)).content.decode()
    assert body.count(f'data-staff="{extra.pk}"') == 1


def _directory_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(workers()).status_code == 200
    return len(ctx.captured_queries)


def test_the_directory_query_count_does_not_grow_with_workers(district, login):
    client = login("center")
    before = _directory_queries(client)
    for n in range(4):
        staff_create(
            username=f"extra{n}",
            name=f"新网格员{n}",
            role=Role.GRID_WORKER,
            grids=[district.unit_a, district.unit_b],
        )
    assert _directory_queries(client) == before
