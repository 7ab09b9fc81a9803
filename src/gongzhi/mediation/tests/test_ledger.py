"""矛盾纠纷排查化解台账: filters by period, type, grid, outcome and risk; the .xlsx export read
back with openpyxl; the pager past page one; the migration that names the committee."""

import datetime as dt
import importlib
import io
from decimal import Decimal

import pytest
import time_machine
from django.apps import apps
from openpyxl import load_workbook

from gongzhi.core.models import AuditLog
from gongzhi.mediation import services as svc
from gongzhi.mediation.models import Dispute
from gongzhi.org.models import Center


def _register(by, center, **over):
    fields = {"title": "纠纷", "facts": "f", "dispute_type": "邻里纠纷", "kinds": ["people"]}
    return svc.dispute_register(by=by, center=center, **(fields | over))


@pytest.fixture
def disputes(district, xifeng):
    by = district.users["xifeng_center"]
    with time_machine.travel(dt.datetime(2026, 3, 10, 2, tzinfo=dt.UTC), tick=False):
        march = _register(by, xifeng, title="三月邻里纠纷")
    with time_machine.travel(dt.datetime(2026, 6, 10, 2, tzinfo=dt.UTC), tick=False):
        june = _register(
            by,
            xifeng,
            title="六月损害赔偿",
            dispute_type="损害赔偿",
            risk_grade="medium",
            amount=Decimal("1250.50"),
        )
        svc.party_add(by=by, dispute=june, side="applicant", name="陈树林")
    return march, june


def _titles(client, **params):
    html = client.get("/mediation/", params).content.decode()
    return {t for t in ("三月邻里纠纷", "六月损害赔偿") if t in html}


def test_the_ledger_filters_by_period_type_risk_and_outcome(district, login, disputes):
    client = login("xifeng_center")
    assert _titles(client, start="2026-06-01", end="2026-06-30") == {"六月损害赔偿"}
    assert _titles(client, end="2026-03-10") == {"三月邻里纠纷"}
    assert _titles(client, dispute_type="邻里纠纷") == {"三月邻里纠纷"}
    assert _titles(client, risk_grade="medium") == {"六月损害赔偿"}
    assert _titles(client, outcome="open") == {"三月邻里纠纷", "六月损害赔偿"}
    assert _titles(client, outcome="written") == set()
    assert _titles(client, grid=district.xifeng.pk) == {"三月邻里纠纷", "六月损害赔偿"}


@pytest.mark.parametrize(
    "params",
    [
        {"grid": "unit_a"},
        {"start": "2026-13-45"},
        {"start": "2026-06-30", "end": "2026-06-01"},
        {"risk_grade": "x" * 500},
    ],
)
def test_a_bad_or_foreign_filter_shows_an_error_and_no_rows(district, login, disputes, params):
    if params.get("grid") == "unit_a":
        params = {"grid": district.unit_a.pk}  # another center's grid
    r = login("xifeng_center").get("/mediation/", params)
    assert r.status_code == 200 and _titles(login("xifeng_center"), **params) == set()
    assert "invalid-feedback" in r.content.decode() or "alert" in r.content.decode()


@pytest.mark.parametrize("params", [{"start": "2026-13-45"}, {"risk_grade": "x" * 500}])
def test_a_bad_filter_exports_nothing_and_says_why(district, login, disputes, params):
    before = AuditLog.objects.count()
    r = login("xifeng_center").get("/mediation/ledger.xlsx", params)
    assert r.status_code == 400 and "未导出" in r.content.decode()
    assert AuditLog.objects.count() == before


def test_a_nul_in_a_filter_is_a_400_naming_it_and_shows_no_rows(district, login, disputes):
    r = login("xifeng_center").get("/mediation/", {"dispute_type": "\x00"})
    html = r.content.decode()
    assert r.status_code == 400 and "dispute_type" in html and "NUL" in html
    assert not {"三月邻里纠纷", "六月损害赔偿"} & {
        t for t in ("三月邻里纠纷", "六月损害赔偿") if t in html
    }


def test_control_characters_in_a_filter_are_dropped(district, login, disputes):
    client = login("xifeng_center")
    assert _titles(client, dispute_type="邻里\x07纠纷\x1b") == {"三月邻里纠纷"}


def test_the_export_reads_back_with_the_ledger_columns_and_masked_parties(
    district, login, disputes
):
    r = login("xifeng_center").get("/mediation/", {"risk_grade": "medium"})
    assert "/mediation/ledger.xlsx?risk_grade=medium" in r.content.decode()
    r = login("xifeng_center").get("/mediation/ledger.xlsx", {"risk_grade": "medium"})
    ws = load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][:7] == (
        "序号",
        "案号",
        "受理日期",
        "受理单位",
        "纠纷类型",
        "纠纷名称",
        "简要情况",
    )
    assert len(rows) == 3 and rows[2][1] == disputes[1].number and rows[2][5] == "六月损害赔偿"
    assert rows[2][7] == "申请人:陈**" and rows[2][11] == "中"
    assert rows[2][8] == 1250.5  # a number the clerk can sum, not the text "1250.50"
    assert AuditLog.objects.filter(
        action=AuditLog.Action.EXPORT, target_type="mediation.dispute"
    ).exists()


def test_a_mediator_without_export_rights_is_refused(district, login):
    assert login("mediator").get("/mediation/ledger.xlsx").status_code == 403


def test_the_list_pages_past_the_first_with_its_filters(district, login, xifeng):
    by = district.users["xifeng_center"]
    for _ in range(51):
        _register(by, xifeng)
    r = login("admin").get("/mediation/", {"page": 2, "dispute_type": "邻里纠纷"})
    assert r.status_code == 200 and "dispute_type=" in r.content.decode()


def test_the_migration_names_the_committee_in_old_numbers(district, xifeng):
    jq = Center.objects.get(grid=district.jinquan)
    a = _register(district.users["xifeng_center"], xifeng)
    b = _register(district.users["center"], jq)
    Dispute.objects.filter(pk=a.pk).update(number="调解〔2026〕第0001号")
    Dispute.objects.filter(pk=b.pk).update(number="调解〔2026〕第0001号")
    migration = importlib.import_module(
        "gongzhi.mediation.migrations.0002_party_id_signing_and_committee_numbers"
    )
    migration.name_the_committee(apps, None)
    migration.name_the_committee(apps, None)  # a second run changes nothing
    numbers = dict(Dispute.objects.values_list("pk", "number"))
    assert numbers == {a.pk: "西峰镇调〔2026〕第0001号", b.pk: "金泉路社区调〔2026〕第0001号"}
    migration.unname_the_committee(apps, None)
    assert set(Dispute.objects.values_list("number", flat=True)) == {"调解〔2026〕第0001号"}
