"""The command center's panels against the truth computed here from the rows themselves, on a
demo district that lived a small synthetic year (seeding.history.TINY), frozen at NOW."""

import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass

import pytest
import time_machine
from django.db import transaction
from django.test import Client

from gongzhi.cases.calendar import LOCAL
from gongzhi.cases.kpis import period_custom, period_for
from gongzhi.cases.kpis.compute import kpi_row_live, kpis_compute_live, kpiset_from_row
from gongzhi.cases.models import Case, CaseEvent
from gongzhi.cases.workflow import OPEN_STATES
from gongzhi.core.models import AuditLog
from gongzhi.core.roles import Role
from gongzhi.grids.models import Grid, Level
from gongzhi.grids.selectors import grid_children
from gongzhi.org.models import Center
from gongzhi.org.services import staff_create
from gongzhi.seeding.history import TINY
from gongzhi.seeding.scale import DEMO
from gongzhi.seeding.services import district_seed

pytestmark = pytest.mark.xdist_group("command-year")

NOW = dt.datetime(2026, 11, 18, 15, 30, tzinfo=LOCAL)  # a Wednesday afternoon
TODAY = NOW.date()
PASSWORD = "cc-pass-123"  # noqa: S105
PANELS = ("live", "trend30", "trend12", "categories", "rates", "grids", "top", "rooms", "events")


@dataclass
class Year:
    root: Grid
    jinquan: Grid
    xifeng: Grid


@pytest.fixture(scope="module")
def year(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.conf import settings

    saved = settings.MEDIA_ROOT, settings.PASSWORD_HASHERS
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), time_machine.travel(NOW, tick=False):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            district_seed(scale=DEMO, seed=11, history_volume=TINY)
            jinquan = Grid.objects.get(name="金泉路社区")
            staff_create(username="cc-leader", name="区领导", role=Role.LEADER, password=PASSWORD)
            staff_create(
                username="cc-jinquan",
                name="金泉路值班",
                role=Role.CENTER_STAFF,
                center=Center.objects.get(grid=jinquan),
                password=PASSWORD,
            )
            staff_create(username="cc-viewer", name="民警", role=Role.POLICE, password=PASSWORD)
            yield Year(Grid.objects.get(depth=1), jinquan, Grid.objects.get(name="西峰镇"))
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            settings.MEDIA_ROOT, settings.PASSWORD_HASHERS = saved


@pytest.fixture
def y(year, db):
    with time_machine.travel(NOW, tick=False):
        yield year


def _client(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.fixture
def leader(y):
    return _client("cc-leader")


@pytest.fixture
def township(y):
    return _client("cc-jinquan")


def _panel(client, name: str, grid: Grid | None = None, **params) -> dict:
    query = {"grid": grid.pk} if grid else {}
    response = client.get(f"/command/api/{name}/", query | params)
    assert response.status_code == 200, response.content.decode()
    return response.json()["data"]


def _under(grid: Grid):
    return [
        c
        for c in Case.objects.select_related("grid", "category__parent")
        if c.grid.path.startswith(grid.path)
    ]


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=LOCAL)


# --- the numbers --------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["root", "jinquan", "xifeng"])
def test_live_counts_equal_the_cases_and_calls_counted_one_by_one(y, leader, where):
    from gongzhi.hotline.models import HotlineCall
    from gongzhi.realtime.models import OneKeyCall

    grid = getattr(y, where)
    cases = _under(grid)
    data = _panel(leader, "live", grid)["counts"]
    calls = [
        c for c in OneKeyCall.objects.select_related("unit") if c.unit.path.startswith(grid.path)
    ]
    hotline = [
        h
        for h in HotlineCall.objects.select_related("center__grid", "case__grid")
        if h.started_at >= _midnight(TODAY)
        and (
            h.center.grid.path.startswith(grid.path)
            or (h.case_id and h.case.grid.path.startswith(grid.path))
        )
    ]
    assert data == {
        "today": sum(c.created_at >= _midnight(TODAY) for c in cases),
        "open": sum(c.state in OPEN_STATES for c in cases),
        "overdue": sum(c.state in OPEN_STATES and c.overdue for c in cases),
        "calls_waiting": sum(c.acknowledged_at is None and c.cancelled_at is None for c in calls),
        "hotline_today": len(hotline),
    }
    assert data["open"] > 0


def test_the_30_day_trend_equals_the_kpi_counters_computed_live_day_by_day(y, leader):
    points = _panel(leader, "trend30", y.jinquan)["points"]
    assert len(points) == 30 and points[-1]["day"] == TODAY.isoformat()
    for point in points:
        day = dt.date.fromisoformat(point["day"])
        row = kpi_row_live(period=period_custom(day, day), grid=y.jinquan, now=NOW)
        kpis = kpiset_from_row(row)
        assert (point["accept_due"], point["close_due"], point["closed"]) == (
            row["accept_due"],
            row["close_due"],
            row["closed"],
        ), day
        assert point["on_time_closure"] == kpis.on_time_closure.percent
        assert point["satisfaction"] == kpis.satisfaction.percent
    assert sum(p["accept_due"] for p in points) > 0


def test_the_12_month_trend_equals_the_live_kpis_of_each_month(y, leader):
    points = _panel(leader, "trend12", y.root)["points"]
    assert [p["month"] for p in points][-1] == "2026-11" and len(points) == 12
    for point in points:
        first = dt.date.fromisoformat(point["month"] + "-01")
        last = min((first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1), TODAY)
        row = kpi_row_live(period=period_custom(first, last), now=NOW)
        assert (point["accept_due"], point["closed"]) == (row["accept_due"], row["closed"])
        assert point["satisfaction"] == kpiset_from_row(row).satisfaction.percent
    assert sum(p["closed"] for p in points) > 0


def test_without_sealed_days_the_trends_come_from_the_cases_alike(y, leader):
    from gongzhi.cases.models import KpiDay, KpiSealed

    before = {name: _panel(leader, name, y.root)["points"] for name in ("trend30", "trend12")}
    assert KpiDay.objects.exists()
    KpiDay.objects.all().delete()
    KpiSealed.objects.all().delete()
    for name, points in before.items():
        assert _panel(leader, name, y.root)["points"] == points, name


def test_categories_count_the_last_30_days_cases_by_top_level_category(y, leader):
    since = _midnight(TODAY - dt.timedelta(days=29))
    truth = Counter(
        (c.category.parent or c.category).name for c in _under(y.root) if c.created_at >= since
    )
    rows = _panel(leader, "categories", y.root)["rows"]
    assert {r["name"]: r["count"] for r in rows} == dict(truth)
    assert [r["count"] for r in rows] == sorted((r["count"] for r in rows), reverse=True)


def test_the_rates_per_township_equal_the_live_kpis(y, leader):
    data = _panel(leader, "rates", y.root, period="quarter")
    period = period_for("quarter")
    assert [r["name"] for r in data["rows"]] == [g.name for g in grid_children(y.root)]
    for row, child in zip(data["rows"], grid_children(y.root), strict=True):
        kpis = kpis_compute_live(period=period, grid=child, now=NOW)
        for name in ("response", "resolution", "satisfaction", "in_grid", "in_community"):
            rate = getattr(kpis, name)
            assert row[name] == {
                "percent": rate.percent,
                "numerator": rate.numerator,
                "denominator": rate.denominator,
            }, (child.name, name)
    assert any(r["in_grid"]["denominator"] for r in data["rows"])


def test_the_top_grids_are_those_with_the_most_open_cases(y, leader):
    open_by_grid = Counter(c.grid_id for c in _under(y.root) if c.state in OPEN_STATES)
    rows = _panel(leader, "top", y.root)["rows"]
    assert rows and len(rows) <= 10
    assert [r["open"] for r in rows] == sorted(open_by_grid.values(), reverse=True)[: len(rows)]
    for r in rows:
        assert open_by_grid[r["id"]] == r["open"]


def test_the_rooms_figures_count_disputes_and_care_work(y, leader):
    from gongzhi.care.models import Visit, VisitPlan
    from gongzhi.mediation.models import Dispute

    data = _panel(leader, "rooms", y.root)
    month = _midnight(TODAY.replace(day=1))
    year_start = _midnight(TODAY.replace(month=1, day=1))
    disputes = list(Dispute.objects.all())
    settled = [d for d in disputes if d.outcome in ("written", "oral")]
    ended = [d for d in disputes if d.outcome and d.outcome_at >= year_start]
    assert data["mediation"]["ongoing"] == sum(not d.outcome for d in disputes)
    assert data["mediation"]["month"] == sum(d.opened_at >= month for d in disputes)
    rate = data["mediation"]["success_rate"]
    expected = sum(d.outcome_at >= year_start for d in settled) / len(ended) if ended else None
    assert rate == (None if expected is None else round(100 * expected, 2))
    assert data["care"]["plans"] == VisitPlan.objects.filter(active=True).count() > 0
    assert data["care"]["visits_month"] == Visit.objects.filter(visited_at__gte=month).count()
    assert (
        data["care"]["overdue"]
        == VisitPlan.objects.filter(active=True, next_due_on__lt=TODAY).count()
    )


def test_recent_events_are_the_latest_timeline_lines_of_the_subtree(y, leader):
    events = _panel(leader, "events", y.jinquan)["events"]
    truth = [
        e.pk
        for e in CaseEvent.objects.select_related("case__grid").order_by("-at", "-pk")
        if e.case.grid.path.startswith(y.jinquan.path)
    ][:20]
    assert [e["id"] for e in events] == truth
    newest = truth[0]
    assert _panel(leader, "events", y.jinquan, after=newest)["events"] == []


# --- drill-down ---------------------------------------------------------------------------------


def test_each_levels_rows_add_up_to_the_level_above_from_district_to_unit(y, leader):
    grid, seen = y.root, []
    while True:
        data = _panel(leader, "grids", grid)
        total = data["total"]
        rows = data["rows"]
        for key in ("open", "overdue", "today"):
            assert sum(r[key] for r in rows) == total[key], (grid.name, key)
        assert total["open"] == sum(c.state in OPEN_STATES for c in _under(grid))
        for r in rows:
            if not r["own"]:  # a child's row is that child's own total one level down
                child = _panel(leader, "grids", Grid.objects.get(pk=r["id"]))["total"]
                assert (child["open"], child["overdue"], child["today"]) == (
                    r["open"],
                    r["overdue"],
                    r["today"],
                )
        seen.append(grid.level)
        children = [r for r in rows if not r["own"]]
        if not children:
            break
        busiest = max(children, key=lambda r: (r["open"], -r["id"]))
        grid = Grid.objects.get(pk=busiest["id"])
    assert seen == [
        Level.DISTRICT,
        Level.TOWNSHIP,
        Level.VILLAGE,
        Level.COMPOUND,
        Level.BUILDING,
        Level.UNIT,
    ]


def test_the_dashboard_links_each_child_for_drilling_down(y, leader):
    page = leader.get("/command/", {"grid": y.root.pk}).content.decode()
    assert "/command/api/grids/?grid=" in page
    child = _panel(leader, "grids", y.root)["rows"][0]
    drilled = leader.get("/command/", {"grid": child["id"]})
    assert drilled.status_code == 200 and child["name"] in drilled.content.decode()


# --- scope and bad parameters --------------------------------------------------------------------


def test_a_township_center_opens_on_its_own_township_and_sees_only_it(y, township):
    data = _panel(township, "grids")
    assert data["grid"]["id"] == y.jinquan.pk
    assert data["total"]["open"] == sum(c.state in OPEN_STATES for c in _under(y.jinquan))
    response = township.get("/command/api/live/", {"grid": y.xifeng.pk})
    assert response.status_code == 404
    assert response.json() == {"detail": "网格不存在或不在您的管辖范围内"}
    assert township.get("/command/", {"grid": y.xifeng.pk}).status_code == 404


@pytest.mark.parametrize(
    ("path", "params", "status", "message"),
    [
        ("/command/api/live/", {"grid": "999999999"}, 404, "网格不存在"),
        ("/command/api/live/", {"grid": "abc"}, 400, "参数 grid 应为网格编号"),
        ("/command/api/live/", {"grid": "-3"}, 400, "参数 grid 应为网格编号"),
        ("/command/api/live/", {"grid": "9" * 40}, 400, "参数 grid 应为网格编号"),
        ("/command/api/trend30/", {"end": "2026-02-30"}, 400, "参数 end 应为日期"),
        ("/command/api/trend30/", {"end": "昨天"}, 400, "参数 end 应为日期"),
        ("/command/api/trend12/", {"end": "2099-01-01"}, 400, "参数 end 应在2000年至今天之间"),
        ("/command/api/categories/", {"end": "1999-12-31"}, 400, "参数 end 应在2000年至今天之间"),
        ("/command/api/rates/", {"period": "zzz"}, 400, "参数 period 应为"),
        ("/command/api/events/", {"after": "x"}, 400, "参数 after 应为事件编号"),
        ("/command/api/nosuch/", {}, 404, "没有名为「nosuch」的面板"),
        ("/command/report.pdf", {"month": "2026-13"}, 400, "参数 month 应为月份"),
        ("/command/report.pdf", {"month": "garbage"}, 400, "参数 month 应为月份"),
        ("/command/report.pdf", {"month": "2099-01"}, 400, "参数 month 应在2000年1月至本月之间"),
        ("/command/api/grids.xlsx", {"grid": "abc"}, 400, "参数 grid 应为网格编号"),
    ],
)
def test_bad_parameters_get_a_clear_4xx(y, leader, path, params, status, message):
    response = leader.get(path, params)
    assert response.status_code == status
    assert message in response.json()["detail"]


def test_bad_parameters_on_the_pages_are_a_clear_4xx_page(y, leader):
    bad = leader.get("/command/wall/", {"grid": "abc"})
    assert bad.status_code == 400 and "参数 grid 应为网格编号" in bad.content.decode()
    assert leader.get("/command/wall/", {"grid": "999999999"}).status_code == 404


def test_only_leaders_administrators_and_center_staff_may_look(y):
    police = _client("cc-viewer")
    response = police.get("/command/api/live/")
    assert response.status_code == 403 and "指挥中心" in response.json()["detail"]
    assert police.get("/command/").status_code == 403
    assert Client().get("/command/api/live/").status_code == 403
    assert Client().get("/command/").status_code == 302  # to the sign-in page


def test_the_navigation_links_the_command_center_for_the_leader_and_the_center(y, leader, township):
    for client in (leader, township):
        assert 'href="/command/"' in client.get("/kpis/", follow=True).content.decode()
    assert 'href="/command/"' not in _client("cc-viewer").get("/grids/").content.decode()


# --- downloads -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PANELS)
def test_every_panels_numbers_download_as_a_spreadsheet_that_reads_back(y, leader, name):
    from openpyxl import load_workbook

    from gongzhi.command.panels import PANELS as TABLE

    response = leader.get(f"/command/api/{name}.xlsx", {"grid": y.jinquan.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert "演示数据" in rows[0][0] and y.jinquan.name in rows[0][0]
    headers, expected = TABLE[name].sheet(_panel(leader, name, y.jinquan))
    assert rows[1] == list(headers)
    assert [[v if v is not None else "" for v in r] for r in rows[2:]] == [
        [v if v is not None else "" for v in r] for r in expected
    ]
    assert AuditLog.objects.filter(
        action=AuditLog.Action.EXPORT, target_id=str(y.jinquan.pk)
    ).exists()


def test_the_grids_spreadsheet_has_a_row_per_child_and_the_total(y, leader):
    from openpyxl import load_workbook

    response = leader.get("/command/api/grids.xlsx", {"grid": y.root.pk})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))[2:]
    data = _panel(leader, "grids", y.root)
    assert [r[0] for r in rows[:-1]] == [r["name"] for r in data["rows"]]
    assert rows[-1][2] == data["total"]["open"]


def test_the_monthly_report_is_a_pdf_with_the_months_figures(y, township):
    from pypdf import PdfReader

    from gongzhi.command.report import report_figures

    response = township.get("/command/report.pdf", {"month": "2026-10"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "金泉路社区综治工作月度报告" in text
    assert "2026-10-01 — 2026-10-31" in text
    figures = report_figures(response.wsgi_request.user, y.jinquan, dt.date(2026, 10, 1))
    for label in ("受理及时率", "满意率", "网格内化解率", "矛盾纠纷调解室", "关爱工作室"):
        assert label in text
    assert str(figures["kpis"].closure) in text
    assert figures["kpis"].closure.denominator > 0


# --- the grid map -------------------------------------------------------------------------------


def test_the_map_draws_every_child_with_the_figures_of_its_row(y, leader):
    for grid in (y.root, y.jinquan):
        data = _panel(leader, "grids", grid)
        rows = {r["id"]: r for r in data["rows"] if not r["own"]}
        features = data["map"]["features"]
        assert data["map"]["missing"] == 0 and len(features) == len(rows) > 0
        for f in features:
            row = rows[f["properties"]["id"]]
            for key in ("open", "overdue", "overdue_rate", "today", "has_children"):
                assert f["properties"][key] == row[key], (f["properties"]["name"], key)
            assert f["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_the_grids_panel_reads_the_cases_in_one_aggregate_query_per_level(y, leader):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    table = Case._meta.db_table
    for grid in (y.root, y.jinquan):
        _panel(leader, "grids", grid)  # warm: the boundary index, the session
        with CaptureQueriesContext(connection) as ctx:
            _panel(leader, "grids", grid)
        on_cases = [q["sql"] for q in ctx.captured_queries if table in q["sql"]]
        assert len(on_cases) == 1, on_cases
        assert "GROUP BY" in on_cases[0]


def test_the_map_is_leaflet_from_this_server_and_tiles_only_when_configured(y, leader, settings):
    for url in ("/command/", "/command/wall/"):
        page = leader.get(url).content.decode()
        assert "/static/leaflet/leaflet.js" in page and "/static/leaflet/leaflet.css" in page
        assert 'data-tile-url=""' in page  # the offline default: outlines on a plain background
    settings.MAP_TILE_URL = "https://t{s}.tiles.example.gov.cn/{z}/{x}/{y}.png"
    page = leader.get("/command/wall/").content.decode()
    assert 'data-tile-url="https://t{s}.tiles.example.gov.cn/{z}/{x}/{y}.png"' in page
