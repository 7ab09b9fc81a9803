"""`gongzhi seed --scale province --districts N`: a province, a city and N districts."""

import io
from dataclasses import replace

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from gongzhi.core.access import scope_paths
from gongzhi.grids.models import Grid, Level
from gongzhi.org.models import Center, CenterLevel
from gongzhi.people.models import Resident
from gongzhi.seeding.province import MAX_DISTRICTS, district_names
from gongzhi.seeding.scale import DEMO, SCALES
from gongzhi.seeding.services import SeedError
from gongzhi.seeding.stats import district_stats

TINY = replace(DEMO, grids=(6, 8, 10, 12), workers=10, residents=60, batch_size=25)


def _seed(*args):
    out = io.StringIO()
    call_command("seed", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def province(db, monkeypatch):
    monkeypatch.setitem(SCALES, "demo", TINY)
    _seed("--scale", "province", "--districts", "2", "--per-district", "demo")


def test_districts_take_jiuquans_real_codes_first_then_synthetic_ones():
    names = district_names(9)
    assert names[:3] == [
        ("620902", "肃州区", False),
        ("620981", "玉门市", False),
        ("620982", "敦煌市", False),
    ]
    assert names[7] == ("620960", "合成区60(演示)", True)
    assert len({code for code, _n, _s in names}) == 9
    for bad in (0, MAX_DISTRICTS + 1):
        with pytest.raises(SeedError, match="区县数量"):
            district_names(bad)


def test_it_builds_a_province_a_city_and_the_districts_each_at_the_scale_asked(province):
    tops = list(Grid.objects.filter(level__lt=Level.DISTRICT).values_list("name", "depth"))
    assert tops == [("甘肃省", 1), ("酒泉市", 2)]
    assert Grid.objects.find_problems() == ([], [], [], [], [])
    districts = list(Grid.objects.filter(level=Level.DISTRICT))
    assert [(d.code, d.name, d.depth) for d in districts] == [
        ("620902", "肃州区", 3),
        ("620981", "玉门市", 3),
    ]
    for district in districts:
        under = Grid.objects.filter(path__startswith=district.path)
        assert under.filter(level=Level.UNIT).count() == TINY.grids[-1]
        assert Resident.objects.filter(grid__path__startswith=district.path).count() == 60
        assert under.exclude(code__startswith=district.code).count() == 0
        assert Center.objects.get(grid=district).level == CenterLevel.DISTRICT
    assert Resident.objects.values("id_hash").distinct().count() == 120
    # No two districts overlap on the map.
    a, b = districts
    assert a.max_lng < b.min_lng or b.max_lng < a.min_lng


def test_each_centers_leader_sees_their_own_subtree(province):
    users = get_user_model().objects
    yumen = Grid.objects.get(code="620981")
    assert scope_paths(users.get(username="leader-620981")) == (yumen.path,)
    assert scope_paths(users.get(username="leader-620000")) is None  # the province: the root
    city = users.get(username="leader-620900")
    assert Resident.objects.restrict(city).count() == 120
    assert Resident.objects.restrict(users.get(username="leader-620902")).count() == 60
    # The second district's accounts carry its code; the first keeps the usual names.
    assert users.filter(username="gw00001").exists()
    assert users.filter(username="620981-gw00001").exists()


def test_stats_show_the_levels_above_the_district_only_where_they_exist(province):
    levels = [label for _lv, label, _n in district_stats().levels]
    assert levels[:3] == ["省", "市", "区"]


def test_bad_options_are_refused_in_chinese_and_write_nothing(db):
    with pytest.raises(CommandError, match="需要 --districts"):
        _seed("--scale", "province")
    with pytest.raises(CommandError, match="只能与 --scale province"):
        _seed("--scale", "demo", "--districts", "2")
    with pytest.raises(CommandError, match="区县数量"):
        _seed("--scale", "province", "--districts", "0")
    assert not Grid.objects.exists()


def test_the_demo_accounts_put_the_leader_in_the_first_district_and_the_admin_on_top(province):
    from gongzhi.seeding.accounts import demo_accounts_ensure

    demo_accounts_ensure(password="demo-pass-1")  # noqa: S106
    users = get_user_model().objects
    suzhou = Grid.objects.get(code="620902")
    assert scope_paths(users.get(username="leader")) == (suzhou.path,)
    assert scope_paths(users.get(username="admin")) is None
    assert users.get(username="center").staff.center.grid.full_name == "肃州区金泉路社区"
