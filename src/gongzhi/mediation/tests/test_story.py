"""The seed's nursery-fire story, end to end through the services."""

import io

from pypdf import PdfReader

from gongzhi.core import clock
from gongzhi.core.testing import fresh
from gongzhi.mediation import services as svc
from gongzhi.mediation.documents import agreement_docx, agreement_pdf
from gongzhi.mediation.models import MediationKind, Outcome, Performance
from gongzhi.mediation.selectors import mediation_kpis
from gongzhi.org.models import Staff

from .conftest import agreement_fields, consent_both


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_nursery_fire_is_settled_and_confirmed_through_the_services(district, nursery):
    by = district.users["xifeng_center"]
    dispute, applicant, respondent = nursery
    assert dispute.number == f"西峰镇调〔{clock.today().year}〕第0001号"
    svc.mediator_assign(
        by=by, dispute=dispute, kind=MediationKind.PEOPLE, staff=Staff.objects.get(user=by)
    )
    svc.mediator_assign(
        by=by,
        dispute=dispute,
        kind=MediationKind.PROFESSIONAL,
        volunteer_name="林业站李工",
        volunteer_org="西峰镇林业站",
    )
    svc.mediator_assign(
        by=by,
        dispute=dispute,
        kind=MediationKind.LAWYER,
        volunteer_name="王律师",
        volunteer_org="法律援助工作站",
    )
    consent_both(by, applicant, respondent)
    svc.session_record(
        by=by,
        dispute=dispute,
        held_at=clock.now(),
        notes="双方陈述,林业站评估树苗损失。",
        attendees=[applicant, respondent],
    )
    agreement = svc.agreement_create(by=by, dispute=dispute, **agreement_fields())
    svc.performance_record(by=by, agreement=agreement, status=Performance.Status.PERFORMED)
    svc.follow_up_record(by=by, dispute=dispute, note="回访双方,赔偿已付清,邻里和睦。")
    confirmation = svc.judicial_confirmation_apply(
        by=by, agreement=agreement, court="肃州区人民法院"
    )

    dispute = fresh(dispute)
    assert dispute.outcome == Outcome.WRITTEN
    assert dispute.kinds == [MediationKind.PEOPLE, MediationKind.PROFESSIONAL, MediationKind.LAWYER]
    assert confirmation.pk and dispute.follow_ups.count() == 1
    text = pdf_text(agreement_pdf(agreement))
    for expected in ("陈树林", "张德福", "60,000.00", dispute.number):
        assert expected in text
    assert b"word/document.xml" in agreement_docx(agreement)
    kpis = mediation_kpis(by)
    assert (kpis.success_rate, kpis.performance_rate, kpis.confirmed) == (100, 100, 0)
