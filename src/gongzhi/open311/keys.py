"""API keys: create (shown once), revoke, authenticate, and a per-key POST throttle."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from gongzhi.core import clock
from gongzhi.core.memo import Memo
from gongzhi.core.roles import Role

from .models import ApiKey

KEY_PREFIX = "o311_"
SYSTEM_USERNAME = "open311"
# Write last_used_at at most this often, so a busy key does not add an UPDATE per request.
TOUCH_EVERY = dt.timedelta(minutes=1)
# Live keys by hash, per process, for OPEN311_MEMO_SECONDS: a revocation in this process
# forgets at once (apps.py), in another within that time (docs/decisions.md).
KEYS = Memo("open311.keys", settings.OPEN311_MEMO_SECONDS)


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def system_user():
    """The account Open311 cases are created by when a key names none.

    A leader-role profile: district-wide scope (cases may come from any grid) without the
    "change" capability, and an unusable password, so nobody can sign in as it.
    """
    from gongzhi.org.services import staff_create

    user = get_user_model().objects.filter(username=SYSTEM_USERNAME).first()
    if user is None:
        user = staff_create(username=SYSTEM_USERNAME, name="开放接口", role=Role.LEADER).user
    return user


@transaction.atomic
def apikey_create(*, name: str, user=None) -> tuple[ApiKey, str]:
    """A new key; returns (row, raw key). The raw key is not stored anywhere."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "请填写密钥名称"})
    if ApiKey.objects.filter(name=name).exists():
        raise ValidationError({"name": f"密钥名称已存在:{name}"})
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        name=name, prefix=raw[:12], key_hash=hash_key(raw), user=user or system_user()
    )
    return key, raw


@transaction.atomic
def apikey_revoke(*, name_or_prefix: str) -> ApiKey:
    """Revoke by exact name or by the printed prefix (which must match a single key)."""
    needle = (name_or_prefix or "").strip()
    if not needle:
        raise ValidationError({"key": "请指定密钥名称或前缀"})
    found = list(
        ApiKey.objects.select_for_update().filter(Q(name=needle) | Q(prefix__startswith=needle))
    )
    exact = [k for k in found if k.name == needle]
    if exact:
        found = exact
    if not found:
        raise ValidationError({"key": f"找不到密钥:{needle}"})
    if len(found) > 1:
        raise ValidationError({"key": f"前缀 {needle} 对应多个密钥,请写全名称"})
    key = found[0]
    if key.revoked_at is None:
        key.revoked_at = clock.now()
        key.save(update_fields=["revoked_at"])
    return key


def apikey_authenticate(raw: str | None) -> ApiKey | None:
    """The live key for this raw value, or None (missing, unknown or revoked)."""
    if not raw:
        return None
    digest = hash_key(raw)

    def load() -> ApiKey | None:
        # A unique look-up: .order_by()[:1] spares compiling the ORDER BY that .first() adds.
        qs = ApiKey.objects.select_related("user__staff").filter(
            key_hash=digest, revoked_at__isnull=True
        )
        return next(iter(qs.order_by()[:1]), None)

    key: ApiKey | None = KEYS.get(digest, load)
    if key is not None:
        now = clock.now()
        if key.last_used_at is None or now - key.last_used_at > TOUCH_EVERY:
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
            key.last_used_at = now
    return key


def rate() -> tuple[int, int]:
    """(requests, seconds) per key from settings.OPEN311_RATE, e.g. (60, 60) or "60/60".

    Without the setting, the GONGZHI_OPEN311_RATE environment variable (default 60/60)
    applies, so a deployment or a benchmark can change it without editing settings.
    """
    value = getattr(settings, "OPEN311_RATE", None) or os.environ.get(
        "GONGZHI_OPEN311_RATE", "60/60"
    )
    if isinstance(value, str):
        value = value.split("/")
    limit, seconds = (int(v) for v in value)
    if limit < 1 or seconds < 1:
        raise ValueError(f"OPEN311_RATE must be positive, got {value!r}")
    return limit, seconds


def apikey_throttled(key: ApiKey) -> bool:
    """Count one POST in the current fixed window; True when the key is over its rate.

    Django's cache holds the counter: shared across processes with Redis, per process
    with the default local-memory cache.
    """
    limit, seconds = rate()
    window = int(clock.now().timestamp()) // seconds
    bucket = f"open311:rate:{key.pk}:{window}"
    cache.add(bucket, 0, timeout=seconds + 1)
    try:
        count = cache.incr(bucket)
    except ValueError:  # evicted between add and incr
        cache.set(bucket, 1, timeout=seconds + 1)
        count = 1
    return count > limit
