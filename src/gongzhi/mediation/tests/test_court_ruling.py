"""The court stationed in the center records its own ruling on 司法确认 (issue 14.4): its
officer sees the dispute and the ruling step only; other officers and other centers' judges
cannot record it."""

import pytest

from gongzhi.core import clock
from gongzhi.core.roles import Role
from gongzhi.core.testing import PASSWORD
from gongzhi.mediation import services as svc
from gongzhi.mediation.models import JudicialConfirmation
from gongzhi.org.models import Center, Department, DepartmentKind
from gongzhi.org.services import staff_create

from .conftest import agreement_fields, consent_both


def _officer(username, center, kind):
    staff = staff_create(
        username=username, name=username, role=Role.OFFICER, center=center, password=PASSWORD
    )
    staff.department = Department.objects.get(center=center, kind=kind)
    staff.save()
    return staff


@pytest.fixture
def applied(district, nursery, xifeng):
    by = district.users["xifeng_center"]
    dispute, applicant, respondent = nursery
    consent_both(by, applicant, respondent)
    agreement = svc.agreement_create(by=by, dispute=dispute, **agreement_fields())
    court = Department.objects.get(center=xifeng, kind=DepartmentKind.COURT)
    svc.judicial_confirmation_apply(by=by, agreement=agreement, court=court.name)
    return dispute


def test_the_stationed_judge_records_the_courts_ruling(district, login, xifeng, applied):
    _officer("judge", xifeng, DepartmentKind.COURT)
    client = login("judge")
    page = client.get(f"/mediation/{applied.pk}/").content.decode()
    assert "登记法院裁定结果" in page and "登记当事人" not in page
    response = client.post(
        f"/mediation/{applied.pk}/judicial_decide/",
        {"result": "confirmed", "decided_on": clock.today(), "note": "(2026)甘0902民特1号"},
    )
    assert response.status_code == 302
    confirmation = JudicialConfirmation.objects.get()
    assert confirmation.result == "confirmed" and confirmation.note == "(2026)甘0902民特1号"


def test_the_judge_may_not_do_the_mediators_steps(district, login, xifeng, applied):
    _officer("judge", xifeng, DepartmentKind.COURT)
    response = login("judge").post(f"/mediation/{applied.pk}/follow_up/", {"note": "回访"})
    assert response.status_code == 403
    assert not applied.follow_ups.exists()


def test_another_departments_officer_cannot_record_the_ruling(district, login, xifeng, applied):
    _officer("petition", xifeng, DepartmentKind.PETITION)
    response = login("petition").post(
        f"/mediation/{applied.pk}/judicial_decide/",
        {"result": "confirmed", "decided_on": clock.today()},
    )
    assert response.status_code == 403
    assert JudicialConfirmation.objects.get().result == "pending"


def test_another_centers_judge_cannot_see_the_dispute(district, login, applied):
    _officer("jq_judge", Center.objects.get(grid=district.jinquan), DepartmentKind.COURT)
    client = login("jq_judge")
    assert client.get(f"/mediation/{applied.pk}/").status_code == 404
    response = client.post(
        f"/mediation/{applied.pk}/judicial_decide/",
        {"result": "confirmed", "decided_on": clock.today()},
    )
    assert response.status_code == 404
    assert JudicialConfirmation.objects.get().result == "pending"


def test_the_application_form_names_the_stationed_court(district, login, xifeng, nursery):
    by = district.users["xifeng_center"]
    dispute, applicant, respondent = nursery
    consent_both(by, applicant, respondent)
    svc.agreement_create(by=by, dispute=dispute, **agreement_fields())
    page = login("xifeng_center").get(f"/mediation/{dispute.pk}/").content.decode()
    assert 'value="肃州区人民法院驻西峰镇法官工作室"' in page
