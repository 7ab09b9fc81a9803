"""Production refuses to start with a weak or demo SECRET_KEY, or without a field key.

Called from settings.py (no Django imports beyond the exception), so `gongzhi` fails at once,
before any command runs, with a message saying what to set.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

MIN_LENGTH = 50  # Django's own deploy check (security.W009) asks for 50
MIN_FIELD_KEY_LENGTH = 32
MIN_DISTINCT = 10
DEMO_MARKERS = ("gongzhi-demo", "django-insecure", "changeme", "secret")


def key_problem(value: str, min_length: int = MIN_LENGTH) -> str | None:
    """Why a key is too weak for production, or None."""
    if not value:
        return "is not set"
    if len(value) < min_length:
        return f"is shorter than {min_length} characters"
    if len(set(value)) < MIN_DISTINCT:
        return f"has fewer than {MIN_DISTINCT} different characters"
    if any(marker in value.lower() for marker in DEMO_MARKERS):
        return "is a demo or placeholder key"
    return None


def require_strong_keys(secret_key: str, field_keys: list[str]) -> None:
    hint = " (generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))')"
    problem = key_problem(secret_key)
    if problem:
        raise ImproperlyConfigured(f"SECRET_KEY {problem}{hint}")
    if not field_keys:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS (or FIELD_ENCRYPTION_KEY) must be set in production: "
            "without it, changing SECRET_KEY makes every encrypted ID and phone unreadable" + hint
        )
    problem = key_problem(field_keys[0], MIN_FIELD_KEY_LENGTH)
    if problem:
        raise ImproperlyConfigured(f"the newest FIELD_ENCRYPTION_KEYS entry {problem}{hint}")
    if field_keys[0] == secret_key:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must differ from SECRET_KEY")
