"""社会组织台账: the organisation list's filters (registration period, type, status, grid) and
its .xlsx export, read back with openpyxl: the ledger columns, a row's values, the person in
charge masked."""

import datetime as dt
import io

import pytest
import time_machine
from openpyxl import load_workbook

from gongzhi.core.models import AuditLog
from gongzhi.org.models import Center
from gongzhi.social import services as svc
from gongzhi.social.models import Organisation


@pytest.fixture
def orgs(district):
    by = district.users["center"]
    center = Center.objects.get(grid=district.jinquan)
    with time_machine.travel(dt.datetime(2026, 3, 10, 2, tzinfo=dt.UTC), tick=False):
        peace = svc.organisation_create(
            by=by,
            center=center,
            name="公园路和事佬协会",
            kind="peacemakers",
            grid=district.courtyard,
            contact="欧阳明月",
        )
    with time_machine.travel(dt.datetime(2026, 6, 10, 2, tzinfo=dt.UTC), tick=False):
        team = svc.organisation_create(
            by=by, center=center, name="金泉志愿服务队", kind="volunteer_team"
        )
        a = svc.member_add(by=by, organisation=peace, name="刘阿姨", can_mediate=True)
        b = svc.member_add(by=by, organisation=peace, name="赵大爷", can_visit=True)
        svc.member_add(by=by, organisation=team, name="钱同学")
        svc.activity_record(
            by=by,
            organisation=peace,
            title="调解宣传",
            date=dt.date(2026, 6, 1),
            hours="2.5",
            participants=[a, b],
        )
        svc.activity_record(
            by=by,
            organisation=peace,
            title="入户走访",
            date=dt.date(2026, 6, 8),
            hours="1",
            participants=[b],
        )
    return peace, team


NAMES = ("公园路和事佬协会", "金泉志愿服务队")


def _names(client, **params):
    html = client.get("/social/", params).content.decode()
    return {t for t in NAMES if t in html}


def _sheet(response) -> list[tuple]:
    assert response.status_code == 200, response.content[:300]
    data = b"".join(response.streaming_content)
    return list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


def test_the_filters_narrow_the_organisations(district, login, orgs):
    client = login("center")
    assert _names(client) == set(NAMES)
    assert _names(client, start="2026-06-01", end="2026-06-30") == {"金泉志愿服务队"}
    assert _names(client, end="2026-03-10") == {"公园路和事佬协会"}
    assert _names(client, kind="peacemakers") == {"公园路和事佬协会"}
    assert _names(client, grid=district.courtyard.pk) == {"公园路和事佬协会"}
    Organisation.objects.filter(pk=orgs[1].pk).update(active=False)
    assert _names(client, status="inactive") == {"金泉志愿服务队"}
    assert _names(client, status="active") == {"公园路和事佬协会"}


def test_the_export_reads_back_in_ledger_columns_with_the_contact_masked(district, login, orgs):
    page = login("center").get("/social/", {"kind": "peacemakers"}).content.decode()
    assert "/social/ledger.xlsx?kind=peacemakers" in page and "导出台账" in page
    rows = _sheet(login("center").get("/social/ledger.xlsx", {"kind": "peacemakers"}))
    assert rows[0][0].startswith("社会组织台账")
    assert rows[1][:6] == ("序号", "组织名称", "类型", "所属综治中心", "服务网格", "负责人")
    assert len(rows) == 3
    row = dict(zip(rows[1], rows[2], strict=True))
    assert (row["组织名称"], row["类型"], row["所属综治中心"]) == (
        "公园路和事佬协会",
        "和事佬协会",
        "金泉路社区综治中心",
    )
    assert (row["在册成员"], row["可担任调解员"], row["可参与关爱走访"]) == (2, 1, 1)
    assert (row["活动次数"], row["活动时长(小时)"]) == (2, 3.5)
    assert row["最近活动日期"] == dt.datetime(2026, 6, 8) and row["状态"] == "在册"
    assert row["登记日期"] == dt.datetime(2026, 3, 10)
    assert "欧阳明月" not in str(rows) and row["负责人"].startswith("欧") and "*" in row["负责人"]
    assert AuditLog.objects.filter(
        action=AuditLog.Action.EXPORT, target_type="social.organisation"
    ).exists()


def test_another_townships_staff_see_none_of_the_organisations(district, login, orgs):
    client = login("xifeng_center")
    assert _names(client) == set()
    assert len(_sheet(client.get("/social/ledger.xlsx"))) == 2  # title and headers only


BAD = [
    {"start": "明天"},
    {"start": "2026-06-30", "end": "2026-06-01"},
    {"start": "2000-01-01", "end": "2026-01-01"},
    {"grid": "-1"},
    {"grid": "9" * 5000},
    {"kind": "k" * 500},
    {"status": "maybe"},
]


@pytest.mark.parametrize("params", BAD)
def test_a_bad_filter_shows_a_chinese_message_no_rows_and_exports_nothing(
    district, login, orgs, params
):
    client = login("center")
    before = (Organisation.objects.count(), AuditLog.objects.count())
    r = client.get("/social/", params)
    assert r.status_code == 200 and _names(client, **params) == set()
    assert "invalid-feedback" in r.content.decode() or "alert-danger" in r.content.decode()
    r = client.get("/social/ledger.xlsx", params)
    assert r.status_code == 400 and "未导出" in r.content.decode()
    assert (Organisation.objects.count(), AuditLog.objects.count()) == before


def test_a_foreign_grid_is_refused_in_chinese(district, login, orgs):
    r = login("xifeng_center").get("/social/ledger.xlsx", {"grid": district.courtyard.pk})
    assert r.status_code == 400 and "不在您的管辖范围内" in r.content.decode()


def test_control_characters_and_unknown_parameters_are_safe(district, login, orgs):
    client = login("center")
    assert _names(client, kind="peace\x07makers") == {"公园路和事佬协会"}
    assert _names(client, nonsense="1", page="zz") == set(NAMES)
    assert client.get("/social/", {"kind": "\x00"}).status_code == 400


def test_a_mediator_without_export_rights_is_refused(district, login, orgs):
    assert login("mediator").get("/social/ledger.xlsx").status_code == 403
