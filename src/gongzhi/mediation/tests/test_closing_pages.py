"""The steps the mediation room lacked a page for: the court's ruling on 司法确认 (and the
KPI that counts it), oral agreements, risk-grade changes, the parties' ID and signing dates in
the agreement, and a session in the minute of registration. Bad input writes nothing."""

import datetime as dt
import io

import pytest
import time_machine
from docx import Document

from gongzhi.core import clock
from gongzhi.core.masking import mask_id_number
from gongzhi.mediation import services as svc
from gongzhi.mediation.models import Dispute, JudicialConfirmation, Outcome, Party, Session
from gongzhi.mediation.selectors import mediation_kpis

from .conftest import agreement_fields, consent_both


@pytest.fixture
def applied(district, nursery):
    """The nursery dispute settled in writing, with 司法确认 applied for."""
    by = district.users["xifeng_center"]
    dispute, applicant, respondent = nursery
    consent_both(by, applicant, respondent)
    agreement = svc.agreement_create(by=by, dispute=dispute, **agreement_fields())
    svc.judicial_confirmation_apply(by=by, agreement=agreement, court="肃州区人民法院")
    return dispute


def _url(dispute, step):
    return f"/mediation/{dispute.pk}/{step}/"


def test_the_courts_ruling_is_recorded_and_counted_in_the_kpi(district, login, applied):
    by = district.users["xifeng_center"]
    assert mediation_kpis(by).confirmation_rate == 0
    client = login("xifeng_center")
    assert "登记法院裁定结果" in client.get(f"/mediation/{applied.pk}/").content.decode()
    r = client.post(
        _url(applied, "judicial_decide"),
        {"result": "confirmed", "decided_on": clock.today(), "note": "(2026)甘0902民特1号"},
    )
    assert r.status_code == 302
    confirmation = JudicialConfirmation.objects.get()
    assert confirmation.result == "confirmed" and confirmation.decided_on == clock.today()
    assert mediation_kpis(by).confirmation_rate == 100
    html = client.get(f"/mediation/{applied.pk}/").content.decode()
    assert "裁定确认有效" in html and "审查中" not in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"result": "pending"}, ""),
        ({"result": ""}, ""),
        ({"decided_on": "2999-01-01"}, "裁定日期不能晚于今天"),
        ({"decided_on": "2000-01-01"}, "裁定日期不能早于申请日期"),
        ({"note": "文号\x00"}, ""),
        ({"note": "文\x85号"}, "控制字符"),
        ({"note": "长" * 1001}, ""),
    ],
)
def test_a_bad_ruling_writes_nothing(district, login, applied, data, message):
    base = {"result": "confirmed", "decided_on": clock.today()}
    r = login("xifeng_center").post(_url(applied, "judicial_decide"), base | data)
    assert r.status_code == 400 and message in r.content.decode()
    assert JudicialConfirmation.objects.get().result == JudicialConfirmation.Result.PENDING


def test_control_characters_in_a_ruling_note_are_dropped_before_it_is_stored(
    district, login, applied
):
    data = {"result": "confirmed", "decided_on": clock.today(), "note": "文号\x07\x1b1号"}
    r = login("xifeng_center").post(_url(applied, "judicial_decide"), data)
    assert r.status_code == 302
    confirmation = JudicialConfirmation.objects.get()
    assert confirmation.result == "confirmed" and confirmation.note == "文号1号"


def test_a_ruling_is_recorded_once(district, applied):
    by = district.users["xifeng_center"]
    confirmation = JudicialConfirmation.objects.get()
    svc.judicial_confirmation_decide(by=by, confirmation=confirmation, result="rejected")
    with pytest.raises(Exception, match="不能重复登记"):
        svc.judicial_confirmation_decide(by=by, confirmation=confirmation, result="confirmed")
    assert JudicialConfirmation.objects.get().result == "rejected"


def test_another_center_cannot_record_the_ruling(district, login, applied):
    r = login("center").post(_url(applied, "judicial_decide"), {"result": "confirmed"})
    assert r.status_code == 404
    assert JudicialConfirmation.objects.get().result == JudicialConfirmation.Result.PENDING


def test_an_oral_agreement_is_recorded_from_the_page(district, login, nursery):
    dispute, applicant, respondent = nursery
    consent_both(district.users["xifeng_center"], applicant, respondent)
    client = login("xifeng_center")
    assert client.post(_url(dispute, "oral"), {"terms": ""}).status_code == 400
    assert client.post(_url(dispute, "oral"), {"terms": "赔\x00偿"}).status_code == 400
    assert Dispute.objects.get().outcome == Outcome.PENDING
    assert (
        client.post(_url(dispute, "oral"), {"terms": "当场\x1b赔偿两千元\x07"}).status_code == 302
    )
    dispute.refresh_from_db()
    assert dispute.outcome == Outcome.ORAL and dispute.oral_terms == "当场赔偿两千元"


def test_the_risk_grade_changes_from_the_page(district, login, nursery):
    dispute, *_ = nursery
    client = login("xifeng_center")
    assert client.post(_url(dispute, "risk"), {"risk_grade": "extreme"}).status_code == 400
    assert Dispute.objects.get().risk_grade == "low"
    assert client.post(_url(dispute, "risk"), {"risk_grade": "medium"}).status_code == 302
    assert Dispute.objects.get().risk_grade == "medium"


def test_a_session_in_the_minute_of_registration_is_accepted(district, xifeng):
    by = district.users["xifeng_center"]
    at = dt.datetime(2026, 5, 6, 10, 0, 42, tzinfo=dt.UTC)
    with time_machine.travel(at, tick=False):
        dispute = svc.dispute_register(
            by=by, center=xifeng, title="t", facts="f", dispute_type="邻里纠纷", kinds=["people"]
        )
        svc.session_record(by=by, dispute=dispute, held_at=at.replace(second=0), notes="当场调解")
        with pytest.raises(Exception, match="不能早于纠纷受理时间"):
            svc.session_record(
                by=by, dispute=dispute, held_at=at - dt.timedelta(minutes=1), notes="x"
            )
    assert Session.objects.count() == 1


def test_the_agreement_shows_age_address_masked_id_and_each_partys_signing_date(
    district, login, xifeng
):
    by = district.users["xifeng_center"]
    client = login("xifeng_center")
    dispute = svc.dispute_register(
        by=by, center=xifeng, title="t", facts="f", dispute_type="邻里纠纷", kinds=["people"]
    )
    x = district.residents["x_head"]
    base = f"/mediation/{dispute.pk}/"
    r = client.post(
        base + "party/",
        {
            "side": "applicant",
            "kind": "person",
            "name": "张德福",
            "id_number": "620902199003071234",
            "address": "西峰村",
        },
    )
    assert r.status_code == 400 and "校验位" in r.content.decode() and not Party.objects.exists()
    client.post(
        base + "party/",
        {
            "side": "applicant",
            "kind": "person",
            "name": "张德福",
            "id_number": "620902199003071233",
            "address": "西峰村一组",
        },
    )
    svc.party_add(
        by=by, dispute=dispute, side="respondent", resident=x, name="", address="西峰村二组"
    )
    applicant, respondent = dispute.parties.order_by("side", "pk")
    assert applicant.id_masked == "620902********1233" and applicant.age is not None
    consent_both(by, applicant, respondent)
    agreement = svc.agreement_create(by=by, dispute=dispute, **agreement_fields())
    today = clock.today()
    assert (
        client.post(base + "sign/", {"party": applicant.pk, "signed_on": today}).status_code == 302
    )
    bad = client.post(base + "sign/", {"party": respondent.pk, "signed_on": "2999-01-01"})
    assert bad.status_code == 400 and Party.objects.get(pk=respondent.pk).signed_on is None
    docx = client.get(f"/mediation/agreements/{agreement.pk}/download.docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "620902********1233" in text and "620902199003071233" not in text
    assert f"{applicant.age}岁" in text and "住址:西峰村一组" in text
    assert mask_id_number(x.id_number) in text and x.id_number not in text
    assert f"日期:{today:%Y年%m月%d日}" in text and "日期:    年  月  日" in text
