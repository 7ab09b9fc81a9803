"""Emergency help within reach (issue 15.7): tap-to-dial for 110/120/119 and the duty number
everywhere they appear (offline page included), hotline hours, pages kept for offline use,
and "我已安全,取消呼叫" on a one-key call."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from gongzhi.cases.models import CaseEvent
from gongzhi.core import clock
from gongzhi.org.models import Center
from gongzhi.realtime import services as realtime
from gongzhi.realtime.models import OneKeyCall

from .conftest import resident, sign_in

EMERGENCY = ('href="tel:110"', 'href="tel:120"', 'href="tel:119"')


@pytest.fixture
def duty(district):
    Center.objects.filter(grid=district.jinquan).update(duty_phone="09372880000")


def html(client, name, *args) -> str:
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


def test_the_offline_page_dials_110_120_119_and_the_district_duty_number(
    district, client, settings
):
    settings.ONE_KEY_DUTY_PHONE = "09372881234"

    page = html(client, "portal_offline")

    assert all(link in page for link in EMERGENCY)
    assert 'href="tel:09372881234"' in page
    assert "onclick" not in page and "data-reload" in page


def test_a_signed_in_resident_sees_their_communitys_duty_number(district, client, duty, settings):
    settings.ONE_KEY_DUTY_PHONE = "09372881234"
    sign_in(client, resident(district))

    for name in ("portal_offline", "portal_hotline", "portal_card", "realtime:call"):
        page = html(client, name)
        assert 'href="tel:09372880000" data-duty-phone' in page, name
        assert all(link in page for link in EMERGENCY), name


def test_the_hotline_page_shows_when_each_hotline_answers(district, client):
    Center.objects.filter(grid=district.jinquan).update(
        hotline="09372888888", hotline_hours="每天 8:00-20:00"
    )

    page = html(client, "portal_hotline")

    assert "接听时间:每天 8:00-20:00" in page and 'href="tel:09372888888"' in page


def test_the_service_worker_keeps_the_card_and_hotline_and_drops_the_card_on_sign_out(client):
    body = client.get("/sw.js").content.decode()

    assert f'const KEEP = ["{reverse("portal_card")}", "{reverse("portal_hotline")}"]' in body
    assert f'const PUBLIC_KEEP = ["{reverse("portal_hotline")}"]' in body
    assert f'const LOGOUT = "{reverse("portal_logout")}"' in body


# --- 我已安全,取消呼叫 -------------------------------------------------------------------------


def call_for(district, duty):
    return realtime.onekey_call_create(account=resident(district))


def test_a_resident_who_is_safe_cancels_and_the_call_stops_escalating(district, duty, client):
    with time_machine.travel(clock.now(), tick=False) as t:
        call = call_for(district, duty)
        sign_in(client, call.account)

        response = client.post(reverse("realtime:call_cancel", args=[call.pk]))
        t.shift(dt.timedelta(seconds=realtime.ack_timeout() + 1))
        realtime.onekey_escalate(call_id=call.pk)

    call.refresh_from_db()
    assert response.status_code == 302 and call.cancelled_at is not None
    assert call.escalation_level == 0
    assert CaseEvent.objects.filter(case=call.case, action="resident_safe").count() == 1
    page = html(client, "realtime:call_status", call.pk)
    assert "您已取消本次呼叫" in page and "data-cancel-call" not in page


def test_cancelling_twice_logs_it_once(district, duty, client):
    call = call_for(district, duty)
    sign_in(client, call.account)

    for _ in range(2):
        client.post(reverse("realtime:call_cancel", args=[call.pk]))

    assert CaseEvent.objects.filter(case=call.case, action="resident_safe").count() == 1


def test_another_resident_cannot_cancel_someone_elses_call(district, duty, client):
    call = call_for(district, duty)
    sign_in(client, resident(district, phone="13700002468"))

    response = client.post(reverse("realtime:call_cancel", args=[call.pk]))

    assert response.status_code == 404
    assert OneKeyCall.objects.get(pk=call.pk).cancelled_at is None


@pytest.mark.parametrize("pk", ["0", "99999999", "2147483648"])
def test_cancelling_a_garbage_call_id_is_a_404(district, client, pk):
    sign_in(client, resident(district))

    assert client.post(f"/realtime/call/{pk}/cancel/").status_code == 404


def test_cancelling_needs_a_post_and_a_signed_in_resident(district, duty, client):
    call = call_for(district, duty)
    url = reverse("realtime:call_cancel", args=[call.pk])

    assert client.post(url).status_code == 302  # to the sign-in page
    assert sign_in(client, call.account).get(url).status_code == 405
    assert OneKeyCall.objects.get(pk=call.pk).cancelled_at is None


def test_the_console_shows_a_cancelled_call(district, duty, login):
    call = call_for(district, duty)
    realtime.onekey_cancel(call=call, account=call.account)

    page = login("gridworker").get(reverse("realtime:staff_console")).content.decode()

    assert "居民已取消呼叫(已安全)" in page
