import re

import pytest
from django.urls import reverse

from gongzhi.core.paths import subtree_q
from gongzhi.org.models import GridAssignment
from gongzhi.people.models import Household, Resident, ResidentTag


def shown_count(body: str, key: str) -> int:
    match = re.search(rf'data-count="{key}">(?:<a [^>]*>)?([\d,]+)', body)
    return int(match.group(1).replace(",", ""))


def db_counts(grid) -> dict[str, int]:
    return {
        "households": Household.objects.filter(subtree_q("unit__path", grid.path)).count(),
        "residents": Resident.objects.filter(subtree_q("grid__path", grid.path)).count(),
        "care_targets": ResidentTag.objects.filter(subtree_q("resident__grid__path", grid.path), kind="care")
        .values("resident_id").distinct().count(),
        "workers": GridAssignment.objects.filter(subtree_q("grid__path", grid.path), duty="worker")
        .values("staff_id").distinct().count(),
    }  # fmt: skip


@pytest.mark.parametrize("grid_name", ["root", "jinquan", "xifeng", "building", "unit_a"])
def test_the_counts_shown_equal_the_database_counts(district, login, grid_name):
    grid = getattr(district, grid_name)
    body = login("admin").get(reverse("grids:detail", args=[grid.pk])).content.decode()
    expected = db_counts(grid)
    assert {key: shown_count(body, key) for key in expected} == expected
    assert expected["residents"] > 0  # the check compares something real


def test_each_child_row_shows_its_own_counts(district, login):
    body = login("admin").get(reverse("grids:detail", args=[district.building.pk])).content.decode()
    for unit in (district.unit_a, district.unit_b):
        row = re.search(rf'<tr data-grid="{unit.pk}">(.*?)</tr>', body, re.S).group(1)
        shown = re.search(r'data-child-count="residents">(\d+)', row).group(1)
        assert int(shown) == db_counts(unit)["residents"]


def test_breadcrumbs_run_from_the_users_scope_down(district, login):
    body = login("center").get(reverse("grids:detail", args=[district.unit_a.pk])).content.decode()
    crumbs = re.search(r'id="grid-crumbs">(.*?)</ol>', body, re.S).group(1)
    names = re.findall(r">([^<>]+)</a>", crumbs)
    assert names == ["金泉路社区", "第一居民小组", "公园路46号楼院", "1号楼"]


def test_the_admin_breadcrumbs_start_at_the_district(district, login):
    body = login("admin").get(reverse("grids:detail", args=[district.unit_x.pk])).content.decode()
    crumbs = re.search(r'id="grid-crumbs">(.*?)</ol>', body, re.S).group(1)
    assert re.findall(r">([^<>]+)</a>", crumbs)[0] == "肃州区"


@pytest.mark.parametrize("grid_name", ["xifeng", "jinquan", "unit_b"])
def test_a_grid_worker_cannot_open_grids_outside_their_unit(district, login, grid_name):
    url = reverse("grids:detail", args=[getattr(district, grid_name).pk])
    assert login("gridworker").get(url).status_code == 404


def test_a_grid_worker_lands_on_their_own_unit(district, login):
    response = login("gridworker").get(reverse("grids:tree"))
    assert response.status_code == 200
    assert response.context["grid"] == district.unit_a


def test_the_unit_page_shows_its_workers_with_their_roles(district, login):
    body = login("center").get(reverse("grids:detail", args=[district.unit_a.pk])).content.decode()
    workers = re.search(r'id="grid-workers">(.*?)</ul>', body, re.S).group(1)
    assert "网格员甲" in workers and "网格员乙" not in workers
    assert "专职" in workers and "信息采集员" in workers


def test_the_unit_page_lists_its_households(district, login):
    body = (
        login("gridworker").get(reverse("grids:detail", args=[district.unit_a.pk])).content.decode()
    )
    assert reverse("people:household_detail", args=[district.households["a"].pk]) in body
    assert reverse("people:household_detail", args=[district.households["b"].pk]) not in body


def test_only_writers_see_the_register_household_button(district, login):
    url = reverse("grids:detail", args=[district.unit_a.pk])
    assert "登记新户" in login("gridworker").get(url).content.decode()
    assert "登记新户" not in login("leader").get(url).content.decode()


def test_the_grid_tree_opens_on_the_users_own_grid(district, login):
    # Signing in lands on each role's own page (core/tests/test_navigation.py), no longer here.
    assert login("center").get(reverse("grids:tree")).context["grid"] == district.jinquan
