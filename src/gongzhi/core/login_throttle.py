"""Staff password sign-in throttle (django-axes): lock per username + IP, with back-off.

After AXES_FAILURE_LIMIT wrong passwords from one address for one username, that pair is
locked for LOGIN_LOCKOUT_MINUTES; each further lock of the same pair doubles the cool-off
(up to 32 times). Every lock-out is written to the audit log. An administrator unlocks with
`gongzhi axes_reset_username NAME` (or axes_reset_ip / axes_reset_ip_username / axes_reset),
or by deleting the row under 访问尝试 in the admin site.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from axes.backends import AxesStandaloneBackend
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.dispatch import receiver
from django.http import HttpRequest

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

log = logging.getLogger(__name__)
MAX_DOUBLINGS = 5
USERNAME_MAX = 150  # auth.User.username; axes stores up to 255


class ThrottleBackend(AxesStandaloneBackend):
    """axes' lock check. Sign-ins with no request at all (scripts, the test client's login())
    have no client address to lock; they are not throttled, every web sign-in is."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> AbstractBaseUser | None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def axes_username(request: HttpRequest | None, credentials: dict | None = None) -> str:
    """The username axes records, cut to the column's length: Django's login form does not
    enforce the username's max_length, and a longer one must not reach the database."""
    source = credentials if credentials else getattr(request, "POST", {})
    return str(source.get("username") or "")[:USERNAME_MAX]


def cool_off(request: HttpRequest | None = None) -> dt.timedelta:
    """The lock time for this request's username + address: doubles with each earlier lock."""
    base = dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    username = axes_username(request, getattr(request, "axes_credentials", None))
    ip = getattr(request, "axes_ip_address", None)
    if not username or not ip:
        return base
    failures = (
        AccessAttempt.objects.filter(username=username, ip_address=ip)
        .values_list("failures_since_start", flat=True)
        .first()
        or 0
    )
    locks = failures // max(settings.AXES_FAILURE_LIMIT, 1)
    return base * 2 ** min(max(locks - 1, 0), MAX_DOUBLINGS)


@receiver(user_locked_out)
def audit_lockout(
    sender: object,
    request: HttpRequest | None = None,
    username: str | None = None,
    ip_address: str | None = None,
    **kwargs: Any,
) -> None:
    """Record the lock-out against the account it protects (there is no other actor)."""
    from gongzhi.core.audit import audit_record
    from gongzhi.core.models import AuditLog

    log.warning("staff sign-in locked: username=%r ip=%s", username, ip_address)
    user = get_user_model().objects.filter(username=username or "").first()
    if user is None:
        return  # an unknown username: the log line above is the record
    audit_record(
        actor=user,
        action=AuditLog.Action.LOCKOUT,
        target=user,
        fields="password",
        reason=f"连续登录失败,已锁定 (IP {ip_address})",
        request=request,
    )
