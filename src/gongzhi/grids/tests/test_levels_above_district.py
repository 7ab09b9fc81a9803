"""A city above two districts (issue 18): each district's staff see their district, the
city's staff see both, and the KPIs add up from the unit grid to the city."""

import datetime as dt

import pytest
import time_machine

from gongzhi.cases.kpis import kpis_compute, kpis_compute_live, kpis_per_child, kpis_per_level
from gongzhi.cases.kpis.daily import kpi_seal
from gongzhi.cases.kpis.periods import period_custom
from gongzhi.cases.kpis.rollup import kpi_row
from gongzhi.cases.models import Case, Category, Channel
from gongzhi.cases.services import case_create
from gongzhi.core.access import district_wide, scope_paths
from gongzhi.core.testing import PASSWORD
from gongzhi.grids.models import Grid, Level
from gongzhi.grids.selectors import grid_ancestors
from gongzhi.grids.testing import build_city
from gongzhi.org.models import Department, DepartmentKind
from gongzhi.people.models import Household
from gongzhi.people.services import household_create

SUZHOU, YUMEN = "620902", "620981"
MONDAY = dt.datetime(2030, 3, 4, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
LATER = MONDAY + dt.timedelta(days=60)
MARCH = period_custom(dt.date(2030, 3, 1), dt.date(2030, 3, 31))
CASES = {SUZHOU: 3, YUMEN: 2}


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def city(db):
    c = build_city(PASSWORD)
    with time_machine.travel(MONDAY, tick=False):
        for code, n in CASES.items():
            for i in range(n):
                case_create(
                    by=c.users[f"center_{code}"],
                    title=f"楼道灯坏了{i}",
                    description="楼道灯不亮",
                    channel=Channel.HOTLINE,
                    grid=c.units[code],
                    category=Category.objects.get(code="0102"),
                    address="1号楼",
                )
            household_create(by=c.users[f"center_{code}"], unit=c.units[code], house_number="101")
    return c


def _codes(qs) -> set[str]:
    return {g.code[:6] for g in qs}


def test_levels_above_the_district_keep_the_districts_levels_and_codes(city):
    suzhou = city.districts[SUZHOU]
    assert (city.city.level, suzhou.level, city.units[SUZHOU].level) == (-1, 0, 5)
    assert suzhou.code == SUZHOU and city.units[SUZHOU].code == SUZHOU + "001001001001001"
    assert city.units[SUZHOU].full_name == "肃州区城关社区第一组1号院1号楼1单元"
    assert city.units[SUZHOU].district_path == suzhou.path
    assert city.city.district_path == ""
    assert [g.level_label for g in grid_ancestors(city.units[YUMEN])][:3] == ["市", "区", "一级"]
    # A district center's departments are the district's own bureaus, not 肃州区's.
    court = Department.objects.get(center__grid=city.districts[YUMEN], kind=DepartmentKind.COURT)
    assert court.name == "玉门市人民法院"


def test_a_districts_staff_see_only_their_district(city):
    for who in ("leader", "center"):
        user = city.users[f"{who}_{SUZHOU}"]
        assert scope_paths(user) == (city.districts[SUZHOU].path,)
        assert not district_wide(user)
        assert _codes(Grid.objects.restrict(user)) == {SUZHOU}
        assert {c.grid.code[:6] for c in Case.objects.restrict(user)} == {SUZHOU}
        assert Case.objects.restrict(user).count() == CASES[SUZHOU]
        assert {h.unit.code[:6] for h in Household.objects.restrict(user)} == {SUZHOU}
    worker = city.users[f"worker_{YUMEN}"]
    assert list(Grid.objects.restrict(worker)) == [city.units[YUMEN]]


def test_the_citys_staff_see_both_districts(city):
    # The city is this deployment's root: its leader sees the whole deployment.
    assert scope_paths(city.users["city_leader"]) is None
    assert scope_paths(city.users["city_center"]) == (city.city.path,)
    for who in ("city_leader", "city_center"):
        user = city.users[who]
        assert _codes(Grid.objects.restrict(user)) == {"620900", SUZHOU, YUMEN}
        assert Case.objects.restrict(user).count() == sum(CASES.values())
        assert Household.objects.restrict(user).count() == 2


def test_the_admin_site_is_for_the_administrators_of_the_whole_deployment(city, client):
    """The admin pages are not scoped: a district's administrator uses the scoped pages."""
    from gongzhi.core.roles import Role
    from gongzhi.org.models import Center
    from gongzhi.org.services import staff_create

    def admin_of(grid, username):
        center = Center.objects.get(grid=grid)
        return staff_create(username=username, name="管理员", role=Role.ADMIN, center=center).user

    district_admin = admin_of(city.districts[SUZHOU], "admin_suzhou")
    city_admin = admin_of(city.city, "admin_city")
    assert district_admin.is_superuser and scope_paths(district_admin) is not None
    client.force_login(district_admin)
    refused = client.get("/admin/people/resident/")
    assert refused.status_code == 302 and "/admin/login/" in refused["Location"]
    client.force_login(city_admin)
    assert client.get("/admin/people/resident/").status_code == 200


def test_the_kpis_add_up_from_the_unit_grid_to_the_city(city):
    with time_machine.travel(LATER, tick=False):
        while kpi_seal():
            pass
        due = {}
        for code in CASES:
            chain = [*grid_ancestors(city.units[code]), city.units[code]]
            assert [g.level for g in chain] == [-1, 0, 1, 2, 3, 4, 5]
            for grid in chain[1:]:  # every level of the district holds its cases
                assert kpi_row(period=MARCH, grid=grid, now=LATER)["accept_due"] == CASES[code]
            due[code] = kpi_row(period=MARCH, grid=city.districts[code], now=LATER)
        city_row = kpi_row(period=MARCH, grid=city.city, now=LATER)
        for name in ("accept_due", "accept_timely", "close_due", "closed"):
            assert city_row[name] == sum(row[name] for row in due.values())
        assert city_row["accept_due"] == sum(CASES.values())

        leader = city.users["city_leader"]
        figures = kpis_compute(period=MARCH, grid=city.city, user=leader)
        assert figures == kpis_compute_live(period=MARCH, grid=city.city)
        assert figures.accept_timely.denominator == sum(CASES.values())
        per_district = kpis_per_child(grid=city.city, period=MARCH, user=leader)
        assert {p: k.accept_timely.denominator for p, k in per_district.items()} == {
            city.districts[c].path: n for c, n in CASES.items()
        }
        townships = kpis_per_level(root=city.city, level=Level.TOWNSHIP, period=MARCH, user=leader)
        assert {p: k.accept_timely.denominator for p, k in townships.items()} == {
            city.townships[c].path: n for c, n in CASES.items()
        }
        units = kpis_per_level(root=None, level=Level.UNIT, period=MARCH)
        assert sum(k.accept_timely.denominator for k in units.values()) == sum(CASES.values())
        # A district leader's figures stop at their district.
        mine = kpis_compute(
            period=MARCH, grid=city.districts[YUMEN], user=city.users["leader_620981"]
        )
        assert mine.accept_timely.denominator == CASES[YUMEN]


def test_the_kpi_pages_open_at_the_users_own_level(city, client):
    assert client.login(username="city_leader", password=PASSWORD)
    response = client.get("/kpis/", follow=True)
    assert response.status_code == 200
    assert response.context["grid"] == city.city
    assert [child.name for child, _k in response.context["children"]] == ["肃州区", "玉门市"]
    client.logout()
    assert client.login(username=f"leader_{YUMEN}", password=PASSWORD)
    response = client.get("/kpis/", follow=True)
    assert response.context["grid"] == city.districts[YUMEN]
    assert client.get(f"/kpis/grid/{city.districts[SUZHOU].pk}/").status_code == 404


def test_a_single_district_keeps_its_scopes_and_levels(district):
    assert Grid.objects.filter(level__lt=Level.DISTRICT).count() == 0
    assert scope_paths(district.users["leader"]) is None
    assert scope_paths(district.users["admin"]) is None
    assert district.root.level_label == "区"
    assert district.root.district_path == district.root.path


def test_a_city_added_above_a_district_keeps_its_rows_in_place(district):
    from gongzhi.grids.services import GridError, grid_add_above

    seen = {
        who: set(Grid.objects.restrict(district.users[who]).values_list("pk", flat=True))
        for who in ("center", "gridworker", "xifeng_center")
    }
    codes = dict(Grid.objects.values_list("pk", "code"))
    with pytest.raises(GridError):
        grid_add_above(name="甘肃省", code="620000", level=Level.PROVINCE)  # not a city's parent
    city = grid_add_above(name="酒泉市", code="620900", level=Level.CITY)
    root = Grid.objects.get(pk=district.root.pk)
    assert (root.depth, root.level, Grid.objects.get_parent(root)) == (2, 0, city)
    assert codes == {k: v for k, v in Grid.objects.values_list("pk", "code") if k != city.pk}
    assert Grid.objects.get(pk=district.unit_a.pk).full_name.startswith(root.name + "金泉路社区")
    for who, pks in seen.items():
        user = type(district.users[who]).objects.get(pk=district.users[who].pk)
        assert set(Grid.objects.restrict(user).values_list("pk", flat=True)) == pks
    leader = type(district.users["leader"]).objects.get(pk=district.users["leader"].pk)
    assert scope_paths(leader) is None  # no center: the deployment's leader


def test_the_command_center_rolls_up_the_districts_into_the_city(city, client):
    from gongzhi.command.selectors import grid_table, live_counts, scope_root

    staff = city.users["city_center"]
    assert scope_root(staff) == city.city
    table = grid_table(staff, city.city)
    assert {r["name"]: r["open"] for r in table["rows"]} == {"肃州区": 3, "玉门市": 2}
    assert table["total"]["open"] == live_counts(staff, city.city)["open"] == 5
    yumen = city.users[f"leader_{YUMEN}"]
    assert scope_root(yumen) == city.districts[YUMEN]
    assert live_counts(yumen, city.districts[YUMEN])["open"] == CASES[YUMEN]
    assert client.login(username="city_center", password=PASSWORD)
    assert client.get("/command/").status_code == 200
    export = client.get(f"/kpis/grid/{city.city.pk}/export.xlsx")
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    from gongzhi.command.panels import PANELS

    for name in PANELS:  # every panel and its export opens on the city
        assert client.get(f"/command/api/{name}/?grid={city.city.pk}").status_code == 200, name
        assert client.get(f"/command/api/{name}.xlsx?grid={city.city.pk}").status_code == 200
    rates = client.get(f"/command/api/rates/?grid={city.city.pk}").json()
    assert "肃州区" in str(rates) and "玉门市" in str(rates)


def test_the_command_adds_a_city_above_the_district_and_refuses_bad_input(district):
    import io

    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="代码应为数字"):
        call_command("grid_add_above", "--level", "city", "--name", "酒泉市", "--code", "x")
    with pytest.raises(CommandError, match="下一级"):
        call_command("grid_add_above", "--level", "province", "--name", "甘肃省", "--code", "1")
    assert Grid.objects.filter(depth=1).get() == district.root
    out = io.StringIO()
    call_command(
        "grid_add_above", "--level", "city", "--name", "酒泉市", "--code", "620900", stdout=out
    )
    assert "已添加 酒泉市" in out.getvalue()
    assert Grid.objects.get(depth=1).level == Level.CITY
    assert Grid.objects.get(pk=district.root.pk).depth == 2
