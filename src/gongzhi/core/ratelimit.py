"""Per-client limits on the public write paths (django-ratelimit over the shared cache).

Each limited action has limits per client address and, where someone is signed in, per
account (or per registered kiosk). The cache is per process in the embedded mode and shared
through Redis when REDIS_URL is set; the rates can be changed in settings.CLIENT_RATE_LIMITS.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited

# action: {key kind: rate}; the kinds are "ip", "account" and "device".
DEFAULT_LIMITS: dict[str, dict[str, str]] = {
    "sms_send": {"ip": "10/h"},
    "board_post": {"ip": "30/h", "account": "10/h"},
    "live_question": {"ip": "30/m", "account": "6/m"},
    "kiosk_ticket": {"ip": "20/m", "device": "10/m"},
}


class RateLimited(Exception):
    """Too many requests from one client; the message is for the resident (HTTP 429)."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _("操作过于频繁,请稍后再试"))


def limits() -> dict[str, dict[str, str]]:
    return getattr(settings, "CLIENT_RATE_LIMITS", None) or DEFAULT_LIMITS


def _constant(value: str, _group: str, _request: HttpRequest) -> str:
    return value


def rate_limit_check(
    request: HttpRequest,
    action: str,
    *,
    account: str | int | None = None,
    device: str | int | None = None,
) -> None:
    """Count this request against every limit of `action`; RateLimited when one is exceeded."""
    values = {"account": account, "device": device}
    for kind, rate in limits().get(action, {}).items():
        key: str | Callable[[str, HttpRequest], str]
        if kind == "ip":
            key = "ip"
        elif values.get(kind) is None:
            continue
        else:
            key = partial(_constant, str(values[kind]))
        group = f"gongzhi.{action}.{kind}"
        if is_ratelimited(request, group=group, key=key, rate=rate, increment=True):
            raise RateLimited()
