"""议事台账: the deliberation list's filters (period, status, funding, grid) and its .xlsx
export, read back with openpyxl: the ledger columns, the vote and 集资 totals of a row, the
proposer masked."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from gongzhi.core.models import AuditLog
from gongzhi.deliberation.models import Deliberation, LedgerEntry, Payment
from gongzhi.deliberation.services import (
    cost_share_create,
    deliberation_open,
    payment_record,
    vote_close,
    vote_record_paper,
)

from .conftest import open_deliberation, open_vote

pytestmark = pytest.mark.django_db
TITLES = ("楼院增设路灯", "单元门禁改造")


@pytest.fixture
def ledger(d, clock):
    """May 2030: the street lights, voted and funded (one household paid); June 2030: a
    unit's door access, opened without a vote or funding."""
    worker = d.users["courtyard_worker"]
    lights = open_deliberation(d)
    vote = open_vote(d, lights)
    for key in ("a", "b", "a2"):
        vote_record_paper(vote=vote, household=d.households[key], by=worker, choice="yes")
    clock.shift(dt.timedelta(days=3))
    vote_close(vote=vote)
    share = cost_share_create(
        deliberation=lights, by=worker, purpose="增设路灯", amount_per_household="50"
    )
    entry = LedgerEntry.objects.get(cost_share=share, household=d.households["a"])
    payment_record(entry=entry, by=worker, amount="50")
    clock.shift(dt.timedelta(days=30))
    doors = deliberation_open(by=worker, title="单元门禁改造", grid=d.unit_b)
    return lights, doors


def _titles(client, **params):
    html = client.get("/deliberation/", params).content.decode()
    return {t for t in TITLES if t in html}


def _sheet(response) -> list[tuple]:
    assert response.status_code == 200, response.content[:300]
    data = b"".join(response.streaming_content)
    return list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


def test_the_filters_narrow_the_deliberations(d, login, ledger):
    client = login("center")
    assert _titles(client) == set(TITLES)
    assert _titles(client, start="2030-06-01", end="2030-06-30") == {"单元门禁改造"}
    assert _titles(client, end="2030-05-06") == {"楼院增设路灯"}
    assert _titles(client, funding="yes") == {"楼院增设路灯"}
    assert _titles(client, funding="no") == {"单元门禁改造"}
    assert _titles(client, status=ledger[1].status) == {"单元门禁改造"}
    assert _titles(client, grid=d.unit_b.pk) == {"单元门禁改造"}


def test_the_export_reads_back_with_the_vote_and_funding_totals_and_the_proposer_masked(
    d, login, ledger
):
    page = login("center").get("/deliberation/", {"funding": "yes"}).content.decode()
    assert "/deliberation/ledger.xlsx?funding=yes" in page and "导出台账" in page
    rows = _sheet(login("center").get("/deliberation/ledger.xlsx", {"funding": "yes"}))
    assert rows[0][0].startswith("议事台账")
    assert rows[1][:6] == ("序号", "议题", "议事范围", "提议人", "发起日期", "状态")
    assert len(rows) == 3
    row = dict(zip(rows[1], rows[2], strict=True))
    lights = Deliberation.objects.get(pk=ledger[0].pk)
    assert (row["议题"], row["状态"]) == ("楼院增设路灯", lights.get_status_display())
    assert row["发起日期"] == dt.datetime(2030, 5, 6)
    assert (row["应投户数"], row["实投户数"], row["同意"], row["表决结果"]) == (4, 3, 3, "通过")
    assert (row["集资用途"], row["每户金额(元)"], row["集资户数"]) == ("增设路灯", 50, 4)
    assert (row["应收金额(元)"], row["已收金额(元)"], row["已支出(元)"], row["结余(元)"]) == (
        200,
        50,
        0,
        50,
    )
    assert "茹玉芳" not in str(rows) and "茹" in row["提议人"] and "*" in row["提议人"]
    assert AuditLog.objects.filter(
        action=AuditLog.Action.EXPORT, target_type="deliberation.deliberation"
    ).exists()


def test_a_row_without_vote_or_funding_leaves_those_columns_empty(d, login, ledger):
    rows = _sheet(login("center").get("/deliberation/ledger.xlsx", {"funding": "no"}))
    row = dict(zip(rows[1], rows[2], strict=True))
    assert row["议题"] == "单元门禁改造" and row["表决结果"] is None and row["集资户数"] is None


def test_another_townships_staff_see_none_of_the_deliberations(d, login, ledger):
    client = login("xifeng_center")
    assert _titles(client) == set()
    assert len(_sheet(client.get("/deliberation/ledger.xlsx"))) == 2  # title and headers only


BAD = [
    {"start": "2030-02-30"},
    {"start": "2030-06-30", "end": "2030-06-01"},
    {"start": "2000-01-01", "end": "2030-01-01"},
    {"grid": "0"},
    {"grid": "1" * 5000},
    {"status": "s" * 500},
    {"funding": "perhaps"},
]


@pytest.mark.parametrize("params", BAD)
def test_a_bad_filter_shows_a_chinese_message_no_rows_and_exports_nothing(d, login, ledger, params):
    client = login("center")
    before = (Deliberation.objects.count(), Payment.objects.count(), AuditLog.objects.count())
    r = client.get("/deliberation/", params)
    assert r.status_code == 200 and _titles(client, **params) == set()
    assert "invalid-feedback" in r.content.decode() or "alert-danger" in r.content.decode()
    r = client.get("/deliberation/ledger.xlsx", params)
    assert r.status_code == 400 and "未导出" in r.content.decode()
    after = (Deliberation.objects.count(), Payment.objects.count(), AuditLog.objects.count())
    assert after == before


def test_a_foreign_grid_is_refused_in_chinese(d, login, ledger):
    r = login("xifeng_center").get("/deliberation/ledger.xlsx", {"grid": d.courtyard.pk})
    assert r.status_code == 400 and "不在您的管辖范围内" in r.content.decode()


def test_control_characters_and_unknown_parameters_are_safe(d, login, ledger):
    client = login("center")
    assert _titles(client, funding="y\x07es") == {"楼院增设路灯"}
    assert _titles(client, nonsense="1", page="zz") == set(TITLES)
    assert client.get("/deliberation/", {"funding": "\x00"}).status_code == 400


def test_a_grid_worker_without_export_rights_is_refused(d, login, ledger):
    assert "ledger.xlsx" not in login("courtyard_worker").get("/deliberation/").content.decode()
    assert login("courtyard_worker").get("/deliberation/ledger.xlsx").status_code == 403
