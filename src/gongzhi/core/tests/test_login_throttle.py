"""Staff password sign-in: locked per username + address after repeated failures (django-axes),
lock-outs audited, unlocked by the axes_reset_* commands (issue 12, finding 5)."""

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.urls import reverse

from gongzhi.core.models import AuditLog
from gongzhi.core.testing import PASSWORD

pytestmark = pytest.mark.django_db
ATTACKER = "203.0.113.7"


def _sign_in(client, password, username="center", ip=ATTACKER):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_thirty_wrong_passwords_then_the_right_one_is_refused(client, district):
    for i in range(30):
        _sign_in(client, f"wrong-{i}")

    response = _sign_in(client, PASSWORD)

    assert response.status_code == 429
    assert "登录已锁定" in response.content.decode()
    assert not _signed_in(client)


def test_the_lock_is_per_username_and_address(client, district):
    for i in range(6):
        _sign_in(client, f"wrong-{i}")

    assert _sign_in(client, PASSWORD, ip="198.51.100.20").status_code == 302
    client.logout()
    assert _sign_in(client, PASSWORD, username="gridworker").status_code == 302


def test_a_lock_out_is_written_to_the_audit_log(client, district):
    for i in range(5):
        _sign_in(client, f"wrong-{i}")

    row = AuditLog.objects.get(action=AuditLog.Action.LOCKOUT)
    assert row.actor == district.users["center"] and ATTACKER in row.reason


def test_back_off_lengthens_the_lock_with_each_further_lock(client, district, settings):
    from gongzhi.core.login_throttle import cool_off

    for i in range(5):
        _sign_in(client, f"wrong-{i}")
    first = cool_off(_FakeRequest())
    for i in range(10):
        _sign_in(client, f"again-{i}")
    later = cool_off(_FakeRequest())

    assert first.total_seconds() == settings.LOGIN_LOCKOUT_MINUTES * 60
    assert later == first * 4


class _FakeRequest:
    axes_ip_address = ATTACKER
    axes_credentials = {"username": "center"}
    POST = {}


@pytest.mark.parametrize("command", ["axes_reset_username", "axes_reset_ip_username", "axes_reset"])
def test_an_administrator_unlocks_with_a_gongzhi_command(client, district, command):
    for i in range(8):
        _sign_in(client, f"wrong-{i}")
    assert _sign_in(client, PASSWORD).status_code == 429

    args = {
        "axes_reset_username": ["center"],
        "axes_reset_ip_username": [ATTACKER, "center"],
        "axes_reset": [],
    }[command]
    call_command(command, *args)

    assert _sign_in(client, PASSWORD).status_code == 302 and _signed_in(client)


@pytest.mark.parametrize(
    "username", ["", " ", "x" * 5000, "ad\x0bmin", "管理员\u202e", "' OR 1=1 --"]
)
def test_garbage_usernames_never_answer_500(client, district, username):
    for _ in range(7):
        response = _sign_in(client, "wrong", username=username)
        assert response.status_code in (200, 429)
    assert not _signed_in(client)
    assert AccessAttempt.objects.count() <= 1


def test_a_nul_in_the_username_is_a_400_before_any_sign_in_attempt(client, district):
    for _ in range(7):
        response = _sign_in(client, "wrong", username="ad\x00min")
        assert response.status_code == 400 and "username" in response.content.decode()
    assert not _signed_in(client)
    assert not AccessAttempt.objects.exists()
