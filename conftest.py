import os
import time
from collections import Counter

os.environ.setdefault("GONGZHI_MODE", "test")

import pytest  # noqa: E402

pytest_plugins = [
    "gongzhi.core.pytest_browser",
    "gongzhi.core.pytest_dbtemplate",
    "gongzhi.core.pytest_seeded",
]


def pytest_collection_finish(session: pytest.Session) -> None:
    """Two tests with one id would run once under pytest-xdist, which hands out tests by id
    (pytest 9.2 gave the 27 API fuzz cases one id, and 26 of them silently never ran)."""
    ids = Counter(item.nodeid for item in session.items)
    twice = [nodeid for nodeid, n in ids.items() if n > 1]
    if twice:
        raise pytest.UsageError("tests with the same id: " + ", ".join(sorted(twice)[:5]))


@pytest.fixture
def threaded_db(transactional_db, django_db_serialized_rollback):
    """A committed, file-based database that several threads can open at once.

    Serialized rollback restores the migration-seeded rows (categories, policies) at the start;
    gongzhi.core.pytest_seeded puts them back after the flush at the end for later tests.
    """


@pytest.fixture
def district(db):
    """The small named district with personas: see gongzhi.core.testing."""
    from gongzhi.core.testing import build_district

    return build_district()


@pytest.fixture
def login(client):
    """login("gridworker") → a Django test client signed in as that persona."""

    def _login(username: str):
        from gongzhi.core.testing import PASSWORD

        assert client.login(username=username, password=PASSWORD)
        return client

    return _login


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Per-client rate limits live in the cache; each test starts with none counted."""
    from django.core.cache import cache

    from gongzhi.core.memo import forget_all

    cache.clear()
    forget_all()  # per-process memos (core/memo.py): rows of the last test are gone


@pytest.fixture(autouse=True)
def _default_language():
    """A test that switches the language (translation.activate, override) must not leave it
    switched for the next test on this worker."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture
def pinned_rate_window(monkeypatch):
    """django-ratelimit counts in fixed clock windows: a test that sends many requests could
    straddle a window's end on a slow machine and see the count start again. Pin its clock."""
    import types

    import django_ratelimit.core

    now = float(int(time.time()) // 3600 * 3600 + 1800)  # mid-hour: inside every window
    monkeypatch.setattr(django_ratelimit.core, "time", types.SimpleNamespace(time=lambda: now))


@pytest.fixture
def center_api(district):
    """A DRF API client with the township center staff's token."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    client = APIClient()
    token = Token.objects.create(user=district.users["center"])
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client
