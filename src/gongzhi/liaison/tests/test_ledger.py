"""转公安台账: the referral list's filters (period, status, unit, grid) and its .xlsx export,
read back with openpyxl: the ledger columns, a row's values, the reporter masked."""

import datetime as dt
import io

import pytest
import time_machine
from openpyxl import load_workbook

from gongzhi.cases.models import Category, Channel
from gongzhi.cases.services import case_act, case_create
from gongzhi.core.models import AuditLog
from gongzhi.liaison import services as svc
from gongzhi.liaison.models import PoliceReferral


def _refer(district, title, grid, unit, when, **contact):
    by = district.users["center"]
    with time_machine.travel(when, tick=False):
        c = case_create(
            by=by,
            title=title,
            description="居民反映",
            channel=Channel.WINDOW,
            grid=grid,
            category=Category.objects.get(parent__name="治安防控", name="治安隐患或线索"),
            **contact,
        )
        c = case_act(case=c, by=by, action="accept", expected_version=c.version)
        return svc.police_referral_send(by=by, case=c, police_unit=unit, reason="涉嫌盗窃")


@pytest.fixture
def referrals(district):
    march = _refer(
        district,
        "三月撬门线索",
        district.unit_a,
        "东关派出所",
        dt.datetime(2026, 3, 10, 2, tzinfo=dt.UTC),
        contact_name="欧阳明月",
        contact_phone="13900005678",
    )
    june = _refer(
        district,
        "六月电诈线索",
        district.unit_b,
        "西关派出所",
        dt.datetime(2026, 6, 10, 2, tzinfo=dt.UTC),
    )
    svc.police_referral_receive(by=district.users["police"], referral=june, receipt_number="HZ-9")
    return march, june


def _titles(client, **params):
    html = client.get("/liaison/referrals/", params).content.decode()
    return {t for t in ("三月撬门线索", "六月电诈线索") if t in html}


def _sheet(response) -> list[tuple]:
    assert response.status_code == 200, response.content[:300]
    data = b"".join(response.streaming_content)
    return list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


def test_the_filters_narrow_the_referrals(district, login, referrals):
    client = login("center")
    assert _titles(client) == {"三月撬门线索", "六月电诈线索"}
    assert _titles(client, start="2026-06-01", end="2026-06-30") == {"六月电诈线索"}
    assert _titles(client, end="2026-03-10") == {"三月撬门线索"}
    assert _titles(client, status="received") == {"六月电诈线索"}
    assert _titles(client, police_unit="东关") == {"三月撬门线索"}
    assert _titles(client, grid=district.unit_a.pk) == {"三月撬门线索"}


def test_the_export_reads_back_in_ledger_columns_with_the_reporter_masked(
    district, login, referrals
):
    page = login("center").get("/liaison/referrals/", {"police_unit": "东关"}).content.decode()
    assert "/liaison/referrals/ledger.xlsx?police_unit=" in page and "导出台账" in page
    rows = _sheet(login("center").get("/liaison/referrals/ledger.xlsx", {"police_unit": "东关"}))
    assert rows[0][0].startswith("转公安台账")
    assert rows[1][:7] == (
        "序号",
        "事件编号",
        "事件标题",
        "所在网格",
        "反映人",
        "联系电话",
        "移送单位",
    )
    assert len(rows) == 3
    row = dict(zip(rows[1], rows[2], strict=True))
    assert row["事件编号"] == referrals[0].case.number and row["事件标题"] == "三月撬门线索"
    assert row["接收单位"] == "东关派出所" and row["状态"] == "已移送"
    assert row["移送时间"] == dt.datetime(2026, 3, 10, 10, 0)
    assert "欧阳明月" not in str(rows) and "13900005678" not in str(rows)
    assert row["反映人"].startswith("欧") and "*" in row["反映人"]
    assert row["联系电话"].startswith("139") and "*" in row["联系电话"]
    assert AuditLog.objects.filter(
        action=AuditLog.Action.EXPORT, target_type="liaison.policereferral"
    ).exists()


def test_another_townships_staff_see_none_of_the_referrals(district, login, referrals):
    client = login("xifeng_center")
    assert _titles(client) == set()
    assert _titles(client, grid=district.unit_a.pk) == set()
    rows = _sheet(client.get("/liaison/referrals/ledger.xlsx"))
    assert len(rows) == 2  # title and headers only


def test_police_without_export_rights_see_no_export_link_and_are_refused(
    district, login, referrals
):
    assert "ledger.xlsx" not in login("police").get("/liaison/referrals/").content.decode()
    assert login("police").get("/liaison/referrals/ledger.xlsx").status_code == 403


BAD = [
    {"start": "2026-13-45"},
    {"start": "2026-06-30", "end": "2026-06-01"},
    {"start": "2000-01-01", "end": "2026-01-01"},
    {"grid": "999999"},
    {"grid": "x" * 5000},
    {"status": "lost"},
    {"police_unit": "派" * 101},
]


@pytest.mark.parametrize("params", BAD)
def test_a_bad_filter_shows_a_chinese_message_no_rows_and_exports_nothing(
    district, login, referrals, params
):
    client = login("center")
    before = (PoliceReferral.objects.count(), AuditLog.objects.count())
    r = client.get("/liaison/referrals/", params)
    assert r.status_code == 200 and _titles(client, **params) == set()
    assert "invalid-feedback" in r.content.decode() or "alert-danger" in r.content.decode()
    r = client.get("/liaison/referrals/ledger.xlsx", params)
    assert r.status_code == 400 and "未导出" in r.content.decode()
    assert (PoliceReferral.objects.count(), AuditLog.objects.count()) == before


def test_a_foreign_grid_is_refused_in_chinese(district, login, referrals):
    r = login("xifeng_center").get("/liaison/referrals/ledger.xlsx", {"grid": district.unit_a.pk})
    assert r.status_code == 400 and "不在您的管辖范围内" in r.content.decode()


def test_control_characters_and_unknown_parameters_are_safe(district, login, referrals):
    client = login("center")
    assert _titles(client, police_unit="东\x07关\x1b") == {"三月撬门线索"}
    assert _titles(client, nonsense="1", page="zz") == {"三月撬门线索", "六月电诈线索"}
    assert client.get("/liaison/referrals/", {"status": "\x00"}).status_code == 400
