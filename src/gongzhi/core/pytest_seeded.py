"""The migration-seeded rows are back after a transactional test, whatever runs next.

Django's serialized rollback restores the rows data migrations wrote (categories, policies,
checklists) at the *start* of a transactional test; the flush at its end leaves every table
empty. Django and pytest-django therefore run transactional tests after all the others. Under
`pytest -n N --dist loadgroup` that order does not hold: pytest-xdist hands out the biggest
xdist group first (the browser tests), so the worker that ran them would run its later tests
on an empty database.

After a transactional test, this plugin restores the seeded rows from Django's serialized copy
unless the next test on this process restores them itself (a transactional test with
serialized rollback) or there is no next test. So a run of browser tests pays for one restore
at its end, not one per test.

Register in the root conftest.py with `pytest_plugins = ["gongzhi.core.pytest_seeded"]`.
"""

from __future__ import annotations

from collections.abc import Generator

import pytest

# alias -> Django's serialized copy of the migrated test database (serialize_db_to_string).
_SEEDED: dict[str, str] = {}


def serialized_copy(alias: str) -> str:
    """Django's serialized copy of `alias`, kept here the first time it is asked for.

    Keep it before Playwright starts (pytest_browser does): from then on Django's connection
    handles in this thread are context-local, new handles without the copy."""
    if alias not in _SEEDED:
        from django.db import connections

        conn = connections[alias]
        data = getattr(conn, "_test_serialized_contents", None)
        _SEEDED[alias] = data if data is not None else conn.creation.serialize_db_to_string()
    return _SEEDED[alias]


def _marked(item: pytest.Item) -> tuple[bool, bool]:
    """(transaction, serialized_rollback) from the test's django_db mark, if any."""
    from pytest_django.plugin import validate_django_db

    marker = item.get_closest_marker("django_db")
    if marker is None:
        return False, False
    transaction, reset_sequences, _dbs, serialized_rollback, _apps = validate_django_db(marker)
    return bool(transaction or reset_sequences), bool(serialized_rollback)


def is_transactional(item: pytest.Item) -> bool:
    fixtures = getattr(item, "fixturenames", ())
    return "transactional_db" in fixtures or "live_server" in fixtures or _marked(item)[0]


def restores_itself(item: pytest.Item) -> bool:
    """A transactional test with serialized rollback restores the seeded rows at its start."""
    if not is_transactional(item):
        return False
    return "django_db_serialized_rollback" in getattr(item, "fixturenames", ()) or _marked(item)[1]


def needs_restore(item: pytest.Item, nextitem: pytest.Item | None) -> bool:
    return is_transactional(item) and nextitem is not None and not restores_itself(nextitem)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Generator:
    result = yield  # the test's fixtures are torn down: a transactional test's flush is done
    if needs_restore(item, nextitem):
        _restore(item.config)
    return result


def _restore(config: pytest.Config) -> None:
    from django.db import connections
    from pytest_django.plugin import blocking_manager_key

    with config.stash[blocking_manager_key].unblock():
        for alias in connections:
            if connections[alias].settings_dict.get("TEST", {}).get("MIRROR"):
                continue  # the same database as the alias it mirrors
            # Never serialize here: after the flush the copy would be of empty tables.
            data = _SEEDED.get(alias) or getattr(
                connections[alias], "_test_serialized_contents", None
            )
            if data:
                connections[alias].creation.deserialize_db_from_string(data)
