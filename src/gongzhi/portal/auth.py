"""Resident sign-in with a phone number and a one-time SMS code.

Residents are signed in with their own session key (SESSION_KEY), never with Django's
auth login: a resident session must not open staff pages, and a staff session in the same
browser keeps working. The code travels through the pluggable SMS backend (cases.notify);
the default backend logs it, and in demo mode the verify page shows it in a banner.
"""

from __future__ import annotations

import datetime as dt
import secrets
from functools import wraps

from django.conf import settings
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from gongzhi.cases.models import OutboundMessage
from gongzhi.cases.notify import outbound_queue
from gongzhi.core import clock, crypto
from gongzhi.core.phone import InvalidPhone, normalize_phone

from . import kiosk
from .models import LoginCode, LoginGuard, ResidentAccount

SESSION_KEY = "resident_account_id"
CODE_TTL = dt.timedelta(minutes=5)
MIN_INTERVAL = dt.timedelta(seconds=60)
CODES_PER_HOUR = 5
MAX_FAILURES = 5  # wrong codes from one client before that client is locked out
LOCKOUT = dt.timedelta(minutes=15)
MAX_CODE_ATTEMPTS = 10  # wrong guesses at one code, from any client, before it is void
SMS_TEMPLATE = "portal_login_code"


class LoginError(Exception):
    """A sign-in problem with a Chinese message for the resident."""


def clean_mobile(raw: str) -> str:
    try:
        phone = normalize_phone(raw)
    except InvalidPhone:
        raise LoginError(_("请输入正确的11位手机号")) from None
    if not phone.startswith("1"):
        raise LoginError(_("请输入正确的11位手机号"))
    return phone


def _code_hash(phone: str, code: str) -> str:
    return crypto.blind_index("login_code", f"{phone}:{code}")


def _lock_message(until: dt.datetime, now: dt.datetime) -> str:
    minutes = max(1, int((until - now).total_seconds() + 59) // 60)
    return _("验证码错误次数过多,该手机号已被锁定,请%(n)d分钟后再试") % {"n": minutes}


def _guard_key(phone_hash: str, client: str) -> str:
    """The lock-out is per phone and client address, so nobody can lock someone else's
    phone; a code itself dies after MAX_CODE_ATTEMPTS wrong guesses from anywhere."""
    return crypto.blind_index("login_guard", f"{phone_hash}|{client}") if client else phone_hash


def _check_lock(guard_key: str, now: dt.datetime) -> None:
    guard = LoginGuard.objects.filter(phone_hash=guard_key).first()
    if guard and guard.locked_until and guard.locked_until > now:
        raise LoginError(_lock_message(guard.locked_until, now))


@transaction.atomic
def login_code_send(*, phone: str, client: str = "") -> LoginCode:
    """Issue a code and queue its SMS; enforces the minimum interval and the hourly cap."""
    phone = clean_mobile(phone)
    phone_hash = crypto.blind_index("phone", phone)
    now = clock.now()
    _check_lock(_guard_key(phone_hash, client), now)
    recent = LoginCode.objects.filter(
        phone_hash=phone_hash, created_at__gt=now - dt.timedelta(hours=1)
    )
    last = recent.first()
    if last and now - last.created_at < MIN_INTERVAL:
        wait = int((MIN_INTERVAL - (now - last.created_at)).total_seconds()) + 1
        raise LoginError(_("发送过于频繁,请%(n)d秒后再试") % {"n": wait})
    if recent.count() >= CODES_PER_HOUR:
        raise LoginError(
            _("该手机号一小时内最多获取%(n)d次验证码,请稍后再试") % {"n": CODES_PER_HOUR}
        )
    code = f"{secrets.randbelow(1_000_000):06d}"
    row = LoginCode.objects.create(
        phone_hash=phone_hash,
        code_hash=_code_hash(phone, code),
        created_at=now,
        expires_at=now + CODE_TTL,
    )
    outbound_queue(channel="sms", to=phone, template=SMS_TEMPLATE, params={"code": code})
    return row


def demo_code_for(phone: str) -> str | None:
    """Demo mode only: the last code sent to this phone, read back from the SMS outbox."""
    if not settings.DEMO_MODE:
        return None
    msg = (
        OutboundMessage.objects.filter(channel="sms", template=SMS_TEMPLATE, to=phone)
        .order_by("-created_at", "-pk")
        .first()
    )
    return (msg.params or {}).get("code") if msg else None


def login_code_verify(*, phone: str, code: str, client: str = "") -> ResidentAccount:
    """Check a code; returns the account (created on first sign-in). Raises LoginError.

    A wrong code still writes its counters (that is what makes brute force stop), so the
    counting commits in its own transaction before the error is raised.
    """
    phone = clean_mobile(phone)
    code = (code or "").strip()
    phone_hash = crypto.blind_index("phone", phone)
    guard_key = _guard_key(phone_hash, client)
    with transaction.atomic():
        # Row lock first, lock check second: parallel guesses queue on the code's row and
        # each sees the failures counted before it (one atomic step, issue 12).
        latest = LoginCode.objects.select_for_update().filter(phone_hash=phone_hash).first()
        now = clock.now()
        _check_lock(guard_key, now)
        if latest is None:
            raise LoginError(_("请先获取验证码"))
        if latest.attempts >= MAX_CODE_ATTEMPTS:
            raise LoginError(_("该验证码错误次数过多,已失效,请重新获取"))
        matches = secrets.compare_digest(latest.code_hash, _code_hash(phone, code))
        if matches and latest.used_at:
            raise LoginError(_("该验证码已使用过,请重新获取"))
        if matches and latest.expires_at <= now:
            raise LoginError(_("验证码已过期,请重新获取"))
        if matches:
            latest.used_at = now
            latest.save(update_fields=["used_at"])
            LoginGuard.objects.filter(phone_hash=guard_key).delete()
            return _account_for(phone, now)
        error = _count_failure(latest, guard_key, now)
    raise LoginError(error)


def _count_failure(latest: LoginCode, guard_key: str, now: dt.datetime) -> str:
    latest.attempts += 1
    latest.save(update_fields=["attempts"])
    guard, _created = LoginGuard.objects.select_for_update().get_or_create(phone_hash=guard_key)
    guard.failures += 1
    if guard.failures >= MAX_FAILURES:
        guard.failures, guard.locked_until = 0, now + LOCKOUT
        guard.save()
        return _lock_message(guard.locked_until, now)
    guard.save()
    return _("验证码错误,还可以再试%(n)d次") % {"n": MAX_FAILURES - guard.failures}


def _account_for(phone: str, now: dt.datetime) -> ResidentAccount:
    from .services import account_get_or_create

    account = account_get_or_create(phone=phone)
    account.last_login_at = now
    account.save(update_fields=["last_login_at"])
    return account


def resident_login(request, account: ResidentAccount) -> None:
    request.session.cycle_key()  # a fresh session id on sign-in (fixation)
    request.session[SESSION_KEY] = account.pk
    if kiosk.config(request) is not None:
        # At the hall's kiosk a sign-in lasts for this visit only (see portal.kiosk).
        request.session.set_expiry(0)
        kiosk.touch_expired(request)


def resident_logout(request) -> None:
    request.session.pop(SESSION_KEY, None)


def current_account(request) -> ResidentAccount | None:
    if hasattr(request, "_resident_account"):
        return request._resident_account
    if kiosk.touch_expired(request):
        resident_logout(request)  # the kiosk stood idle: the last visitor has gone
    pk = request.session.get(SESSION_KEY)
    account = None
    if pk:
        account = ResidentAccount.objects.select_related("unit", "resident").filter(pk=pk).first()
    request._resident_account = account
    return account


def resident_required(view):
    """Views for signed-in residents; others go to the sign-in page and come back."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        account = current_account(request)
        if account is None:
            login = reverse("portal_login")
            return redirect(f"{login}?{urlencode({'next': request.get_full_path()})}")
        request.resident_account = account
        return view(request, *args, **kwargs)

    return wrapper
