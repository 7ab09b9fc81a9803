from django.urls import reverse

from gongzhi.core.testing import fresh
from gongzhi.grids.models import Grid


def change_data(grid, **overrides):
    data = {
        "name": grid.name,
        "parent_code": "",
        "boundary": "null",
        "center_lat": "",
        "center_lng": "",
    }
    return data | overrides


def test_adding_a_grid_in_the_admin_gives_it_the_next_code_under_its_parent(district, login):
    url = reverse("admin:grids_grid_add")
    response = login("admin").post(
        url, change_data(district.building, name="3单元", parent_code=district.building.code)
    )
    assert response.status_code == 302
    added = Grid.objects.get(name="3单元")
    assert added.code == district.building.code + "003"
    assert added.full_name == district.building.full_name + "3单元"
    assert Grid.objects.find_problems() == ([], [], [], [], [])


def test_adding_below_a_unit_is_refused_with_a_chinese_message(district, login):
    before = Grid.objects.count()
    url = reverse("admin:grids_grid_add")
    body = (
        login("admin")
        .post(url, change_data(district.unit_a, name="x", parent_code=district.unit_a.code))
        .content.decode()
    )
    assert "五级网格(单元楼)下不能再划分网格" in body
    assert Grid.objects.count() == before


def test_renaming_in_the_admin_rewrites_descendant_full_names(district, login):
    url = reverse("admin:grids_grid_change", args=[district.courtyard.pk])
    login("admin").post(url, change_data(district.courtyard, name="公园路46号院"))
    assert fresh(district.unit_a).full_name == "金泉路社区第一居民小组公园路46号院1号楼1单元"


def test_moving_in_the_admin_goes_through_grid_move_and_keeps_codes_consistent(district, login):
    url = reverse("admin:grids_grid_change", args=[district.unit_b.pk])
    target = Grid.objects.filter(level=4).exclude(pk=district.building.pk).get()
    response = login("admin").post(url, change_data(district.unit_b, parent_code=target.code))
    assert response.status_code == 302
    moved = fresh(district.unit_b)
    assert moved.path.startswith(target.path) and moved.code.startswith(target.code)
    assert moved.full_name == target.full_name + "2单元"
    assert fresh(district.residents["b_head"]).grid.path.startswith(target.path)
    assert Grid.objects.find_problems() == ([], [], [], [], [])


def test_moving_to_the_wrong_level_is_refused(district, login):
    url = reverse("admin:grids_grid_change", args=[district.unit_b.pk])
    body = (
        login("admin")
        .post(url, change_data(district.unit_b, parent_code=district.xifeng.code))
        .content.decode()
    )
    assert "只能移动到上一级网格之下" in body
    assert fresh(district.unit_b).path == district.unit_b.path


def test_the_grid_changelist_searches_by_code_prefix(district, login):
    url = reverse("admin:grids_grid_changelist") + f"?q={district.xifeng.code}"
    body = login("admin").get(url).content.decode()
    assert "西峰村" in body and "金泉路社区" not in body


def test_grids_cannot_be_deleted_in_the_admin(district, login):
    url = reverse("admin:grids_grid_delete", args=[district.unit_b.pk])
    assert login("admin").post(url, {"post": "yes"}).status_code == 403
    assert Grid.objects.filter(pk=district.unit_b.pk).exists()
