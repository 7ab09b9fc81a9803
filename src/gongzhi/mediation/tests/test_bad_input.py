"""Bad input: each gets a clear Chinese error and writes nothing."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from gongzhi.core import clock
from gongzhi.mediation import services as svc
from gongzhi.mediation.models import Agreement, Dispute, MediationCounter, Session

from .conftest import agreement_fields, consent_both


def test_it_rejects_an_agreement_without_both_parties_consent(district, nursery):
    by = district.users["xifeng_center"]
    dispute, applicant, _respondent = nursery
    svc.consent_record(by=by, party=applicant, consented=True)
    with pytest.raises(ValidationError, match="张德福尚未同意调解"):
        svc.agreement_create(by=by, dispute=dispute, **agreement_fields())
    assert not Agreement.objects.exists()
    assert Dispute.objects.get().outcome == ""


def test_it_rejects_an_agreement_when_a_party_refused(district, nursery):
    by = district.users["xifeng_center"]
    dispute, applicant, respondent = nursery
    svc.consent_record(by=by, party=applicant, consented=True)
    svc.consent_record(by=by, party=respondent, consented=False)
    with pytest.raises(ValidationError, match="尚未同意调解"):
        svc.agreement_create(by=by, dispute=dispute, **agreement_fields())
    assert not Agreement.objects.exists()


def test_it_rejects_a_session_dated_before_the_dispute(district, nursery):
    by = district.users["xifeng_center"]
    dispute, applicant, respondent = nursery
    consent_both(by, applicant, respondent)
    with pytest.raises(ValidationError, match="调解时间不能早于纠纷受理时间"):
        svc.session_record(
            by=by, dispute=dispute, held_at=dispute.opened_at - dt.timedelta(days=1), notes="x"
        )
    assert not Session.objects.exists()


@pytest.mark.parametrize("amount", ["八万元", "12,0x0", "1e999999", "NaN", "-5"])
def test_it_rejects_an_amount_that_is_not_a_number_in_the_service(district, xifeng, amount):
    with pytest.raises(ValidationError) as exc:
        svc.dispute_register(
            by=district.users["xifeng_center"],
            center=xifeng,
            title="t",
            facts="f",
            dispute_type="邻里纠纷",
            amount=amount,
            kinds=["people"],
        )
    assert "争议金额" in exc.value.message_dict["amount"][0]
    assert not Dispute.objects.exists() and not MediationCounter.objects.exists()


def test_it_rejects_an_amount_that_is_not_a_number_in_the_form_and_keeps_what_was_typed(
    district, xifeng, login
):
    response = login("xifeng_center").post(
        "/mediation/new/",
        {
            "center": xifeng.pk,
            "title": "邻里漏水纠纷",
            "dispute_type": "邻里纠纷",
            "facts": "楼上漏水",
            "amount": "八万元",
            "kinds": ["people"],
            "risk_grade": "low",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "争议金额应为数字" in html and 'value="八万元"' in html and "邻里漏水纠纷" in html
    assert not Dispute.objects.exists()


def test_it_rejects_an_agreement_compensation_that_is_not_a_number(district, nursery):
    by = district.users["xifeng_center"]
    dispute, applicant, respondent = nursery
    consent_both(by, applicant, respondent)
    with pytest.raises(ValidationError, match="赔偿金额应为数字"):
        svc.agreement_create(by=by, dispute=dispute, **agreement_fields(compensation="六万"))
    assert not Agreement.objects.exists()


def test_the_session_page_shows_the_error_and_writes_nothing(district, nursery, login):
    dispute, applicant, respondent = nursery
    consent_both(district.users["xifeng_center"], applicant, respondent)
    response = login("xifeng_center").post(
        f"/mediation/{dispute.pk}/session/", {"held_at": "2000-01-01T09:00", "notes": "早于受理"}
    )
    assert response.status_code == 400
    assert "调解时间不能早于纠纷受理时间" in response.content.decode()
    assert not Session.objects.exists()


def test_judicial_confirmation_after_thirty_days_is_refused(district, nursery):
    by = district.users["xifeng_center"]
    dispute, applicant, respondent = nursery
    consent_both(by, applicant, respondent)
    agreement = svc.agreement_create(by=by, dispute=dispute, **agreement_fields())
    late = clock.today() + dt.timedelta(days=31)
    with pytest.raises(ValidationError, match="30日内"):
        svc.judicial_confirmation_apply(by=by, agreement=agreement, court="法院", applied_on=late)
