"""Signing in with a phone and a one-time SMS code: happy path and every bad input."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from gongzhi.cases.models import OutboundMessage
from gongzhi.core import crypto
from gongzhi.portal import auth
from gongzhi.portal.auth import LoginError, login_code_send, login_code_verify
from gongzhi.portal.models import LoginCode, LoginGuard, ResidentAccount

PHONE = "13811112222"
START = dt.datetime(2030, 3, 4, 9, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.django_db


def sent_code(phone=PHONE) -> str:
    return OutboundMessage.objects.filter(to=phone).latest("pk").params["code"]


def other_code(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_it_sends_a_six_digit_code_through_the_sms_outbox_and_stores_only_a_hash():
    login_code_send(phone=PHONE)

    code = sent_code()
    row = LoginCode.objects.get()
    assert len(code) == 6 and code.isdigit() and code not in row.code_hash
    assert OutboundMessage.objects.get().channel == "sms"


def test_a_correct_code_signs_in_and_creates_a_resident_account_without_staff_rights():
    login_code_send(phone=PHONE)

    account = login_code_verify(phone=PHONE, code=sent_code())

    assert account.phone == PHONE and account.phone_hash == crypto.blind_index("phone", PHONE)
    assert not account.user.is_staff and not account.user.has_usable_password()


def test_a_registry_phone_links_the_resident_and_binds_their_unit(district):
    login_code_send(phone="13800001234")

    account = login_code_verify(phone="13800001234", code=sent_code("13800001234"))

    assert (account.resident, account.unit) == (district.residents["a_head"], district.unit_a)


def test_it_rejects_a_wrong_code_and_says_how_many_tries_are_left():
    login_code_send(phone=PHONE)

    with pytest.raises(LoginError, match="验证码错误,还可以再试4次"):
        login_code_verify(phone=PHONE, code=other_code(sent_code()))
    assert not ResidentAccount.objects.exists()


def test_it_rejects_a_reused_code():
    login_code_send(phone=PHONE)
    login_code_verify(phone=PHONE, code=sent_code())

    with pytest.raises(LoginError, match="已使用"):
        login_code_verify(phone=PHONE, code=sent_code())


def test_it_rejects_an_expired_code():
    with time_machine.travel(START, tick=False):
        login_code_send(phone=PHONE)
    later = START + auth.CODE_TTL + dt.timedelta(seconds=1)
    with time_machine.travel(later, tick=False), pytest.raises(LoginError, match="已过期"):
        login_code_verify(phone=PHONE, code=sent_code())
    assert not ResidentAccount.objects.exists()


def test_five_wrong_codes_lock_the_phone_for_fifteen_minutes_even_for_the_right_code():
    with time_machine.travel(START, tick=False):
        login_code_send(phone=PHONE)
        wrong = other_code(sent_code())
        for _ in range(auth.MAX_FAILURES - 1):
            with pytest.raises(LoginError):
                login_code_verify(phone=PHONE, code=wrong)
        with pytest.raises(LoginError, match="已被锁定,请15分钟后再试"):
            login_code_verify(phone=PHONE, code=wrong)
        with pytest.raises(LoginError, match="已被锁定"):
            login_code_verify(phone=PHONE, code=sent_code())
    assert not ResidentAccount.objects.exists()


def test_the_lock_ends_after_fifteen_minutes():
    with time_machine.travel(START, tick=False):
        login_code_send(phone=PHONE)
        for _ in range(auth.MAX_FAILURES):
            with pytest.raises(LoginError):
                login_code_verify(phone=PHONE, code=other_code(sent_code()))
    with time_machine.travel(START + auth.LOCKOUT + dt.timedelta(seconds=1), tick=False):
        login_code_send(phone=PHONE)
        assert login_code_verify(phone=PHONE, code=sent_code()).phone == PHONE
    assert not LoginGuard.objects.exists()


def test_it_refuses_a_second_code_within_the_minimum_interval():
    with time_machine.travel(START, tick=False):
        login_code_send(phone=PHONE)
    soon = START + dt.timedelta(seconds=30)
    with time_machine.travel(soon, tick=False), pytest.raises(LoginError, match="请31秒后再试"):
        login_code_send(phone=PHONE)
    assert LoginCode.objects.count() == 1


def test_it_caps_codes_per_phone_per_hour():
    for i in range(auth.CODES_PER_HOUR):
        with time_machine.travel(START + i * auth.MIN_INTERVAL, tick=False):
            login_code_send(phone=PHONE)
    later = START + 10 * auth.MIN_INTERVAL
    with time_machine.travel(later, tick=False), pytest.raises(LoginError, match="最多获取5次"):
        login_code_send(phone=PHONE)
    assert LoginCode.objects.count() == auth.CODES_PER_HOUR


def test_it_rejects_a_phone_that_is_not_a_mobile_number():
    with pytest.raises(LoginError, match="请输入正确的11位手机号"):
        login_code_send(phone="09372345678")
    assert not LoginCode.objects.exists()


def test_the_verify_page_shows_the_code_in_a_demo_banner_and_signs_in(client):
    client.post(reverse("portal_login"), {"phone": PHONE})

    page = client.get(reverse("portal_verify"))
    assert f'data-demo-code="{sent_code()}"' in page.content.decode()

    response = client.post(reverse("portal_verify"), {"code": sent_code()})
    assert response.status_code == 302
    assert client.session[auth.SESSION_KEY] == ResidentAccount.objects.get().pk


def test_the_verify_page_shows_a_wrong_code_error_in_chinese_and_keeps_the_input(client):
    client.post(reverse("portal_login"), {"phone": PHONE})
    wrong = other_code(sent_code())

    response = client.post(reverse("portal_verify"), {"code": wrong})

    body = response.content.decode()
    assert "验证码错误" in body and f'value="{wrong}"' in body
    assert auth.SESSION_KEY not in client.session


def test_outside_demo_mode_no_banner_shows_the_code(client, settings):
    settings.DEMO_MODE = False
    client.post(reverse("portal_login"), {"phone": PHONE})

    page = client.get(reverse("portal_verify"))

    assert "data-demo-code" not in page.content.decode()


def test_a_resident_session_does_not_open_staff_pages(client):
    client.post(reverse("portal_login"), {"phone": PHONE})
    client.post(reverse("portal_verify"), {"code": sent_code()})
    assert auth.SESSION_KEY in client.session

    response = client.get(reverse("portal_staff_moderation"))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
