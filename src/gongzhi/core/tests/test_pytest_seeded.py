"""After a transactional test the seeded rows are back for the next test (core/pytest_seeded.py).

An inner pytest run puts a transactional test first (as pytest-xdist does with the browser
group) and a plain test after it that reads the seeded categories: with the plugin the plain
test finds them, without it the flush has left the table empty.
"""

import os
import subprocess
import sys
from types import SimpleNamespace

import pytest

from gongzhi.core import pytest_seeded

INNER_CONFTEST = """
import pytest

pytest_plugins = [{plugins}]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    # After pytest-django's order (transactional tests last): the transactional one first.
    items.sort(key=lambda item: 0 if "transactional" in item.name else 1)
"""

INNER_TESTS = """
import pytest

from gongzhi.cases.models import Category


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_transactional_first():
    assert Category.objects.exists()


@pytest.mark.django_db
def test_plain_after_it():
    assert Category.objects.count() == {categories}, "the seeded categories are gone"
"""


def _inner_run(tmp_path, plugins: list[str]) -> subprocess.CompletedProcess:
    from gongzhi.cases.models import Category

    (tmp_path / "conftest.py").write_text(
        INNER_CONFTEST.format(plugins=", ".join(repr(p) for p in plugins))
    )
    (tmp_path / "test_inner.py").write_text(INNER_TESTS.format(categories=Category.objects.count()))
    env = os.environ | {"GONGZHI_MODE": "test", "DJANGO_SETTINGS_MODULE": "gongzhi.settings"}
    env.pop("PYTEST_XDIST_WORKER", None)
    env.pop("PYTEST_XDIST_WORKER_COUNT", None)
    if env.get("DATABASE_URL", "").startswith("postgres"):
        # Its own test database on the server, apart from this run's (test_gongzhi…).
        env["DATABASE_URL"] = env["DATABASE_URL"].rsplit("/", 1)[0] + "/gz_inner_seeded"
    args = ["-q", "-p", "no:cacheprovider", "-p", "no:randomly", "--rootdir", str(tmp_path)]
    return subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-m", "pytest", *args, str(tmp_path / "test_inner.py")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.django_db
def test_the_next_test_finds_the_seeded_rows_after_a_transactional_one(tmp_path):
    plugins = ["gongzhi.core.pytest_dbtemplate", "gongzhi.core.pytest_seeded"]
    with_plugin = _inner_run(tmp_path, plugins)
    assert with_plugin.returncode == 0, with_plugin.stdout + with_plugin.stderr
    assert "2 passed" in with_plugin.stdout

    without = _inner_run(tmp_path, plugins[:1])
    assert without.returncode == 1, without.stdout + without.stderr
    assert "the seeded categories are gone" in without.stdout
    assert "1 failed, 1 passed" in without.stdout


def _item(fixtures=(), **marker_kwargs):
    marker = pytest.mark.django_db(**marker_kwargs).mark if marker_kwargs else None
    return SimpleNamespace(fixturenames=list(fixtures), get_closest_marker=lambda name: marker)


def test_the_rows_are_restored_only_where_the_next_test_would_miss_them():
    browser = _item(["live_server_url", "transactional_db", "django_db_serialized_rollback"])
    marked = _item(transaction=True, serialized_rollback=True)
    flushing = _item(transaction=True)
    plain = _item(["db"])
    marked_plain = _item(databases=["default"])
    # After a transactional test: not before one that restores them itself, nor at the end.
    assert not pytest_seeded.needs_restore(browser, browser)
    assert not pytest_seeded.needs_restore(browser, marked)
    assert not pytest_seeded.needs_restore(marked, marked)
    assert not pytest_seeded.needs_restore(browser, None)
    assert pytest_seeded.needs_restore(browser, plain)
    assert pytest_seeded.needs_restore(marked, marked_plain)
    assert pytest_seeded.needs_restore(browser, flushing)
    assert pytest_seeded.needs_restore(flushing, plain)
    # A plain test rolls back its transaction: nothing to restore after it.
    assert not pytest_seeded.needs_restore(plain, plain)
    assert not pytest_seeded.needs_restore(marked_plain, plain)
