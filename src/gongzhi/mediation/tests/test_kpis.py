"""调解成功率, 协议履行率 and 司法确认率 over the disputes a user may see."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from gongzhi.mediation import services as svc
from gongzhi.mediation.models import JudicialConfirmation, Performance
from gongzhi.mediation.selectors import mediation_kpis

from .conftest import agreement_fields, consent_both


def test_kpis_count_agreements_performance_and_confirmation(district, xifeng, nursery):
    by = district.users["xifeng_center"]
    dispute, applicant, respondent = nursery
    consent_both(by, applicant, respondent)
    agreement = svc.agreement_create(by=by, dispute=dispute, **agreement_fields())
    svc.performance_record(by=by, agreement=agreement, status=Performance.Status.PARTLY)
    confirmation = svc.judicial_confirmation_apply(
        by=by, agreement=agreement, court="肃州区人民法院"
    )
    svc.judicial_confirmation_decide(
        by=by, confirmation=confirmation, result=JudicialConfirmation.Result.CONFIRMED
    )
    failed = svc.dispute_register(
        by=by, center=xifeng, title="土地边界", facts="f", dispute_type="山林土地", kinds=["people"]
    )
    svc.dispute_fail(by=by, dispute=failed, note="双方分歧过大", routes_explained=True)

    kpis = mediation_kpis(by)
    assert (kpis.success_rate, kpis.performance_rate, kpis.confirmation_rate) == (
        Decimal("50.00"),
        Decimal("0.00"),
        Decimal("100.00"),
    )
    assert mediation_kpis(district.users["center"]).accepted == 0  # another center's scope


def test_a_failure_is_refused_until_the_other_routes_were_explained(district, nursery):
    dispute, *_ = nursery
    with pytest.raises(ValidationError, match="仲裁、行政处理、诉讼"):
        svc.dispute_fail(
            by=district.users["xifeng_center"], dispute=dispute, note="x", routes_explained=False
        )
