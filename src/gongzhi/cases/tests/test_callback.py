"""Calling the resident back (issue 15.2): tap-to-dial for the case's holder, through the
audited reveal (reason 回电), logged on the timeline; the house number shows on the case."""

import pytest
from django.urls import reverse

from gongzhi.cases.models import CaseEvent
from gongzhi.cases.services import case_act
from gongzhi.core.models import AuditLog
from gongzhi.core.testing import fresh
from gongzhi.org.models import Center
from gongzhi.portal import services as portal
from gongzhi.realtime import services as realtime


@pytest.fixture
def held_case(district):
    """茹玉芳's post, accepted and taken in hand by her grid worker."""
    account = portal.account_get_or_create(phone="13800001234")
    case = portal.post_create(account=account, text="公园路46号楼院杂草清除不及时")
    case_act(case=case, by=district.users["center"], action="accept", expected_version=1)
    case_act(case=case, by=district.users["gridworker"], action="self_handle", expected_version=2)
    return fresh(case)


def callback_url(case) -> str:
    return reverse("cases:callback", args=[case.number])


def test_the_holder_sees_call_back_and_the_house_number_on_the_case(held_case, login):
    page = login("gridworker").get(reverse("cases:detail", args=[held_case.number]))

    html = page.content.decode()
    assert callback_url(held_case) in html
    assert "门牌号 101" in html  # her registry household's number
    assert "13800001234" not in html  # masked until the tap


def test_calling_back_reveals_the_number_audited_and_logs_it_on_the_timeline(held_case, login):
    client = login("gridworker")

    response = client.post(callback_url(held_case))

    assert response.status_code == 200
    assert 'href="tel:13800001234"' in response.content.decode()
    audit = AuditLog.objects.get(action="reveal", target_id=str(held_case.pk))
    assert (audit.reason, audit.actor.username, audit.fields) == ("回电", "gridworker", "phone")
    event = CaseEvent.objects.get(case=held_case, action="callback")
    assert event.actor.username == "gridworker"
    detail = client.get(reverse("cases:detail", args=[held_case.number])).content.decode()
    assert "回电" in detail.split('id="timeline"')[1]


@pytest.mark.parametrize("who", ["gridworker_b", "mediator"])
def test_staff_who_do_not_hold_the_case_cannot_reveal_the_number(held_case, login, who):
    client = login(who)

    response = client.post(callback_url(held_case))

    assert response.status_code in (403, 404)
    assert "13800001234" not in response.content.decode()
    assert not AuditLog.objects.filter(target_id=str(held_case.pk)).exists()
    assert not CaseEvent.objects.filter(case=held_case, action="callback").exists()


def test_another_grids_center_gets_a_404(held_case, login):
    response = login("xifeng_center").post(callback_url(held_case))

    assert response.status_code == 404
    assert not AuditLog.objects.exists()


@pytest.mark.parametrize("ref", ["SJ0", "x" * 5000, "SJ\x00\x07", "%E2%80%AE", "999999999999"])
def test_garbage_case_references_get_a_404_and_reveal_nothing(district, login, ref):
    response = login("center").post(f"/cases/{ref}/callback/")

    # A NUL anywhere in the request is refused at the door (core.middleware), before any look-up.
    assert response.status_code == (400 if "\x00" in ref else 404)
    assert not AuditLog.objects.exists()


def test_calling_back_needs_a_post(held_case, login):
    assert login("gridworker").get(callback_url(held_case)).status_code == 405


def test_the_staff_member_who_answered_a_one_key_call_calls_back_an_unmatched_resident(
    district, login
):
    Center.objects.filter(grid=district.jinquan).update(duty_phone="09372880000")
    account = portal.account_get_or_create(phone="13512345678")  # not in the registry
    request = portal.bind_request_create(
        account=account, unit=district.unit_a, house_number="5-102"
    )
    portal.bind_request_decide(by=district.users["center"], request=request, approve=True)
    call = realtime.onekey_call_create(account=fresh(account))
    realtime.onekey_ack(call=call, by=district.users["gridworker"])
    client = login("gridworker")

    console = client.get(reverse("realtime:staff_console")).content.decode()
    detail = client.get(reverse("cases:detail", args=[call.case.number])).content.decode()
    response = client.post(callback_url(call.case))

    assert "门牌号 5-102" in console and callback_url(call.case) in console
    reporter = detail.split('id="reporter"')[1].split("</dd>")[0]
    assert "135****5678" in reporter and "匿名" not in reporter and "5-102" in reporter
    assert 'href="tel:13512345678"' in response.content.decode()
    assert AuditLog.objects.filter(reason="回电", target_id=str(call.case.pk)).count() == 1
