"""The KPI pages: figures, drill-down, scope, period selector and the .xlsx export."""

import io

import time_machine
from openpyxl import load_workbook

from gongzhi.core.models import AuditLog

from .test_kpis import LATER, run_seed_story

MARCH = "period=custom&start=2030-03-01&end=2030-03-31"


def page(login, username, grid, query=MARCH, suffix=""):
    """GET a KPI page at LATER (signed in then, so the session has not expired)."""
    with time_machine.travel(LATER, tick=False):
        return login(username).get(f"/kpis/grid/{grid.pk}/{suffix}?{query}")


def kpi_cell(html: str, name: str) -> str:
    """The rate shown in the main table's row for KPI `name`."""
    row = html.split(f'<tr data-kpi="{name}">', 1)[1].split("</tr>", 1)[0]
    return row.split("data-rate>", 1)[1].split("<", 1)[0]


def test_the_kpi_page_shows_the_seed_story_settled_in_grid_and_community(district, login):
    run_seed_story(district)
    response = page(login, "center", district.jinquan)
    html = response.content.decode()
    assert response.status_code == 200
    assert kpi_cell(html, "in_grid") == "50.00%"
    assert kpi_cell(html, "in_community") == "100.00%"
    assert "网格内化解率" in html and "社区内化解率" in html


def test_the_kpi_page_lists_each_child_with_its_own_figures(district, login):
    run_seed_story(district)
    html = page(login, "admin", district.root).content.decode()
    jinquan_row = html.split(f'<tr data-grid="{district.jinquan.pk}">', 1)[1].split("</tr>")[0]
    xifeng_row = html.split(f'<tr data-grid="{district.xifeng.pk}">', 1)[1].split("</tr>")[0]
    assert 'data-kpi="in_grid" title="1/2">50.00%' in jinquan_row
    assert 'data-kpi="in_grid" title="0/0">—' in xifeng_row


def test_a_grid_outside_the_users_subtree_is_not_found(district, login):
    assert page(login, "gridworker", district.xifeng).status_code == 404


def test_the_kpi_home_opens_the_users_own_scope_root(district, login):
    response = login("gridworker").get("/kpis/")
    assert response.status_code == 302
    assert response["Location"] == f"/kpis/grid/{district.unit_a.pk}/"


def test_a_reversed_custom_period_shows_a_clear_error_and_no_500(district, login):
    query = "period=custom&start=2030-03-31&end=2030-03-01"
    response = page(login, "center", district.jinquan, query)
    html = response.content.decode()
    assert response.status_code == 200
    assert "结束日期不能早于开始日期" in html
    assert 'value="2030-03-31"' in html  # what was typed is kept


def test_a_junk_date_is_rejected_with_a_message(district, login):
    response = page(login, "center", district.jinquan, "period=custom&start=abc&end=")
    assert response.status_code == 200
    assert "请输入有效的日期" in response.content.decode()


def test_exporting_kpis_needs_the_export_capability(district, login):
    response = page(login, "gridworker", district.unit_a, suffix="export.xlsx")
    assert response.status_code == 403
    assert not AuditLog.objects.filter(action=AuditLog.Action.EXPORT).exists()


def test_the_kpi_export_is_a_workbook_with_the_figures_and_an_audit_row(district, login):
    run_seed_story(district)
    response = page(login, "center", district.jinquan, suffix="export.xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    headers, first = rows[1], rows[2]
    assert first[headers.index("网格内化解率(%)")] == 50
    assert first[headers.index("社区内化解率(%)")] == 100
    assert len(rows) == 2 + 1 + 1  # title, headers, the grid, its one child
    audit = AuditLog.objects.get(action=AuditLog.Action.EXPORT)
    assert (audit.actor, audit.target_id) == (district.users["center"], str(district.jinquan.pk))


def test_in_the_first_days_of_a_month_the_page_shows_last_month_by_default(district, login):
    import datetime as dt

    from gongzhi.cases.calendar import LOCAL

    url = f"/kpis/grid/{district.jinquan.pk}/"
    with time_machine.travel(dt.datetime(2030, 4, 3, 10, tzinfo=LOCAL), tick=False):
        client = login("center")  # signed in then, so the session is fresh
        early = client.get(url).content.decode()
        chosen = client.get(url + "?period=month").content.decode()
    with time_machine.travel(dt.datetime(2030, 4, 12, 10, tzinfo=LOCAL), tick=False):
        client = login("center")
        later = client.get(url).content.decode()
    assert "2030-03-01" in early and 'id="kpi-default-note"' in early
    assert "2030-04-01" in chosen and 'id="kpi-default-note"' not in chosen
    assert "2030-04-01" in later and 'id="kpi-default-note"' not in later


def test_the_default_period_rule_can_be_turned_off(district, login, settings):
    import datetime as dt

    from gongzhi.cases.calendar import LOCAL

    settings.KPI_LAST_MONTH_DAYS = 0
    with time_machine.travel(dt.datetime(2030, 4, 1, 10, tzinfo=LOCAL), tick=False):
        client = login("center")
        html = client.get(f"/kpis/grid/{district.jinquan.pk}/").content.decode()
    assert "2030-04-01" in html and 'id="kpi-default-note"' not in html
