"""Per-client limits on the public write paths, nobody can lock someone else's phone, and the
kiosk issues tickets only from a registered device (issue 12, finding 6)."""

import uuid

import pytest
from django.core import signing
from django.urls import reverse

from gongzhi.cases.models import Case, OutboundMessage
from gongzhi.hall import services as hall_services
from gongzhi.hall.models import Ticket
from gongzhi.org.models import Center
from gongzhi.portal.auth import LoginError, login_code_send, login_code_verify
from gongzhi.portal.kiosk import DEVICE_COOKIE, DEVICE_SALT, device_token
from gongzhi.portal.models import LoginCode

from .conftest import resident, sign_in

pytestmark = pytest.mark.django_db
ATTACKER, VICTIM_IP = "203.0.113.9", "198.51.100.4"


def _send(client, phone, ip=ATTACKER):
    return client.post(reverse("portal_login"), {"phone": phone}, REMOTE_ADDR=ip)


def test_one_client_cannot_send_codes_to_25_phones(client):
    answers = [_send(client, f"1390000{i:04d}").status_code for i in range(25)]

    assert answers[:10] == [302] * 10 and set(answers[10:]) == {429}
    assert OutboundMessage.objects.filter(channel="sms").count() == 10
    page = _send(client, "13900009999").content.decode()
    assert "操作过于频繁" in page


def test_another_client_still_gets_its_code(client):
    for i in range(12):
        _send(client, f"1390000{i:04d}")
    assert _send(client, "13811112222", ip=VICTIM_IP).status_code == 302


def test_wrong_codes_from_one_client_do_not_lock_the_phone_for_its_owner():
    phone = "13812345678"
    login_code_send(phone=phone, client=ATTACKER)
    for _ in range(5):
        with pytest.raises(LoginError):
            login_code_verify(phone=phone, code="000000", client=ATTACKER)
    with pytest.raises(LoginError, match="锁定"):
        login_code_verify(phone=phone, code="000000", client=ATTACKER)

    LoginCode.objects.all().delete()  # the owner asks for a fresh code from their own phone
    login_code_send(phone=phone, client=VICTIM_IP)
    code = OutboundMessage.objects.filter(to=phone).latest("pk").params["code"]
    account = login_code_verify(phone=phone, code=code, client=VICTIM_IP)
    assert account.phone == phone


def test_a_code_dies_after_ten_wrong_guesses_from_any_number_of_clients():
    phone = "13812345679"
    login_code_send(phone=phone, client=ATTACKER)
    code = OutboundMessage.objects.filter(to=phone).latest("pk").params["code"]
    wrong = "111111" if code != "111111" else "222222"
    for i in range(10):
        with pytest.raises(LoginError):
            login_code_verify(phone=phone, code=wrong, client=f"203.0.113.{i + 20}")

    with pytest.raises(LoginError, match="已失效"):
        login_code_verify(phone=phone, code=code, client=VICTIM_IP)


def _post(client, text="楼道灯坏了"):
    return client.post(
        reverse("portal_post_new"),
        {"text": text, "is_public": "on", "key": uuid.uuid4().hex},
        REMOTE_ADDR=ATTACKER,
    )


def test_a_resident_cannot_post_thirty_in_a_row(client, district):
    sign_in(client, resident(district, unit=district.unit_a))

    answers = [_post(client, f"第{i}条反映").status_code for i in range(30)]

    assert answers[:10] == [302] * 10 and set(answers[10:]) == {429}
    assert Case.objects.count() == 10
    assert "操作过于频繁" in _post(client).content.decode()


def test_the_posting_limit_answers_json_to_the_offline_queue(client, district):
    sign_in(client, resident(district, unit=district.unit_a))
    for i in range(10):
        _post(client, f"第{i}条反映")

    response = client.post(
        reverse("portal_post_new"),
        {"text": "再来一条", "key": uuid.uuid4().hex},
        HTTP_X_PORTAL_FETCH="1",
        REMOTE_ADDR=ATTACKER,
    )
    assert response.status_code == 429 and "操作过于频繁" in response.json()["errors"]["__all__"]


# --- the kiosk ---------------------------------------------------------------------------
@pytest.fixture
def hall(district):
    center = Center.objects.get(grid=district.jinquan)
    svc = hall_services.service_create(
        by=district.users["admin"], center=center, name="矛盾调解", prefix="A"
    )
    return center, svc


def _ticket(client, svc):
    return client.post(reverse("portal_kiosk_ticket"), {"service": svc.pk}, REMOTE_ADDR=ATTACKER)


def test_an_anonymous_browser_gets_no_ticket_even_in_kiosk_mode(client, hall):
    center, svc = hall
    client.get(reverse("portal_kiosk"), {"center": center.pk})

    response = _ticket(client, svc)

    assert response.status_code == 403 and "未登记为自助取号终端" in response.content.decode()
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    "cookie",
    [
        "",
        "garbage",
        "x" * 5000,
        "\x00",
        "eyJjIjoxfQ:forged:signature",
        signing.dumps({"c": 1, "by": 1}, salt="another-salt"),
        signing.dumps({"c": "x"}, salt=DEVICE_SALT),
    ],
    ids=[
        "empty",
        "garbage",
        "oversized",
        "nul",
        "forged",
        "other-salt",
        "bad-center",
    ],  # stable for xdist
)
def test_forged_or_garbage_device_tokens_are_refused(client, hall, cookie):
    client.cookies[DEVICE_COOKIE] = cookie
    assert _ticket(client, hall[1]).status_code == 403
    assert not Ticket.objects.exists()


def test_center_staff_register_the_kiosk_and_then_it_issues_tickets(client, district, hall):
    center, svc = hall
    client.force_login(district.users["center"])
    page = client.get(reverse("hall:desk", args=[center.pk])).content.decode()
    assert reverse("portal_kiosk_register", args=[center.pk]) in page

    response = client.post(reverse("portal_kiosk_register", args=[center.pk]))
    token = response.cookies[DEVICE_COOKIE].value
    client.logout()
    client.cookies[DEVICE_COOKIE] = token

    assert _ticket(client, svc).status_code == 200 and Ticket.objects.count() == 1


def test_staff_of_another_township_cannot_register_a_kiosk_for_this_hall(client, district, hall):
    client.force_login(district.users["xifeng_center"])
    response = client.post(reverse("portal_kiosk_register", args=[hall[0].pk]))
    assert response.status_code == 403 and DEVICE_COOKIE not in response.cookies


def test_a_token_stops_working_when_its_registrar_is_deactivated(client, district, hall):
    center, svc = hall
    staff = district.users["center"]
    client.cookies[DEVICE_COOKIE] = device_token(center=center, by=staff)
    assert _ticket(client, svc).status_code == 200
    staff.is_active = False
    staff.save()
    assert _ticket(client, svc).status_code == 403


def test_a_registered_kiosk_cannot_fill_the_queue(client, district, hall):
    center, svc = hall
    client.cookies[DEVICE_COOKIE] = device_token(center=center, by=district.users["center"])

    answers = [_ticket(client, svc).status_code for _ in range(40)]

    assert answers[:10] == [200] * 10 and set(answers[10:]) == {429}
    assert Ticket.objects.count() == 10
