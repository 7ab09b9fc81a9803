"""The nursery-fire story through the staff pages, as the 西峰镇 township center works it."""

import datetime as dt
import io

from pypdf import PdfReader

from gongzhi.core import clock
from gongzhi.mediation.models import Dispute, JudicialConfirmation, Outcome, Performance
from gongzhi.org.models import Center, Staff


def _post(client, url, data):
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[-1500:]
    return response


def test_the_township_center_settles_the_nursery_fire_through_the_pages(district, login):
    client = login("xifeng_center")
    center = Center.objects.get(grid=district.xifeng)
    _post(
        client,
        "/mediation/new/",
        {
            "center": center.pk,
            "title": "焚烧秸秆引燃苗圃赔偿纠纷",
            "dispute_type": "损害赔偿",
            "facts": "张某焚烧玉米秸秆,引燃陈某苗圃。",
            "amount": "86000",
            "kinds": ["people", "professional", "lawyer"],
            "risk_grade": "medium",
        },
    )
    dispute = Dispute.objects.get()
    base = f"/mediation/{dispute.pk}/"
    for side, name in (("applicant", "陈树林"), ("respondent", "张德福")):
        _post(client, base + "party/", {"side": side, "kind": "person", "name": name})
    staff = Staff.objects.get(user=district.users["xifeng_center"])
    _post(client, base + "mediator/", {"kind": "people", "staff": staff.pk})
    _post(client, base + "mediator/", {"kind": "professional", "volunteer_name": "林业站李工"})
    _post(client, base + "mediator/", {"kind": "lawyer", "volunteer_name": "王律师"})
    today = clock.today()
    for party in dispute.parties.all():
        _post(client, base + "consent/", {"party": party.pk, "consented": "1", "on": today})
    held = (clock.now() + dt.timedelta(minutes=5)).astimezone().strftime("%Y-%m-%dT%H:%M")
    _post(
        client,
        base + "session/",
        {
            "held_at": held,
            "notes": "双方到场,林业站评估损失。",
            "attendees": [p.pk for p in dispute.parties.all()],
        },
    )
    _post(
        client,
        base + "agreement/",
        {
            "facts": "张某焚烧秸秆引燃陈某苗圃。",
            "disputed_matters": "赔偿数额。",
            "responsibilities": "张某负全部责任。",
            "terms": "张某赔偿陈某树苗损失。",
            "compensation": "60000",
            "performance_method": "现金支付",
            "performance_deadline": today + dt.timedelta(days=10),
            "effective_on": today,
            "copies": 3,
        },
    )
    dispute.refresh_from_db()
    pdf = client.get(f"/mediation/agreements/{dispute.agreement.pk}/download.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "陈树林" in text and "张德福" in text and "60,000.00" in text
    docx = client.get(f"/mediation/agreements/{dispute.agreement.pk}/download.docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    _post(client, base + "performance/", {"status": "performed"})
    _post(client, base + "follow_up/", {"note": "回访:赔偿已付清。"})
    _post(client, base + "judicial/", {"court": "肃州区人民法院", "applied_on": today})

    assert dispute.outcome == Outcome.WRITTEN
    assert dispute.kinds == ["people", "professional", "lawyer"]
    assert dispute.agreement.performances.get().status == Performance.Status.PERFORMED
    assert JudicialConfirmation.objects.get().agreement == dispute.agreement
    assert dispute.number in client.get("/mediation/").content.decode()


def test_another_center_cannot_see_the_dispute(district, login, nursery):
    dispute, *_ = nursery
    assert login("center").get(f"/mediation/{dispute.pk}/").status_code == 404
    assert dispute.number not in login("center").get("/mediation/").content.decode()
