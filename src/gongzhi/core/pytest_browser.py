"""Browser tests: real Chromium (Playwright) against a real ASGI server (uvicorn).

Register in the root conftest.py with `pytest_plugins = ["gongzhi.core.pytest_browser"]`.
Fixtures:
- `browser`: one headless Chromium per session, Debian's /usr/bin/chromium (or $CHROMIUM_PATH);
  Playwright's own browser downloads are never used (`playwright install` is not needed).
- `phone_page`: a fresh context + page at a 360×740 phone viewport in zh-CN.
- `live_server_url`: "http://127.0.0.1:<port>" of uvicorn serving gongzhi.asgi:application
  in a background thread of this process, against the test database. The test gets a
  transactional database with serialized rollback, so rows it writes are committed (the
  server thread can see them) and the seeded rows (categories, policies) are restored.

On SQLite the test database must be a file: an in-memory one is private to a connection
and the server thread opens its own. When browser tests are collected and no test name is
configured, the plugin points the test database at a temporary file before it is created.

A missing Chromium or Playwright fails the test when $CI is set (CI must never pass by
skipping) and skips it with the reason otherwise. Mark browser tests `@pytest.mark.browser`.

Under pytest-xdist every worker has its own test database (pytest-django adds a `_gw<N>`
suffix, and each worker's temporary SQLite file is its own); the browser tests are put in
one xdist group, so with `--dist loadgroup` they share one worker, one Chromium and one server.
xdist hands out that group first; gongzhi.core.pytest_seeded puts the seeded rows back after
it for the worker's later tests.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE_VIEWPORT = {"width": 360, "height": 740}
SERVER_START_TIMEOUT = 20.0


def chromium_path() -> str:
    return os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the xdist_group marks
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    browser_items = [item for item in items if item.get_closest_marker("browser")]
    for item in browser_items:
        # Under `pytest -n N --dist loadgroup` one worker runs them all: one Chromium.
        item.add_marker(pytest.mark.xdist_group("browser"))
    # A live server, and tests that open the database from several threads (threaded_db).
    if browser_items or any("threaded_db" in getattr(item, "fixturenames", ()) for item in items):
        use_file_sqlite_test_db()


def use_file_sqlite_test_db() -> str | None:
    """Give SQLite a file-based test database unless one is configured; returns its path.

    Must run before the test database is created (collection time is early enough).
    """
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] not in ("django.db.backends.sqlite3", "gongzhi.core.sqlite"):
        return None
    test = db.setdefault("TEST", {})
    name = test.get("NAME")
    if name and name != ":memory:" and "mode=memory" not in str(name):
        return name
    folder = tempfile.mkdtemp(prefix="gongzhi-browser-")
    test["NAME"] = os.path.join(folder, "test.sqlite3")
    return test["NAME"]


@pytest.fixture(scope="session")
def _serialized_db(django_db_setup: None, django_db_blocker: Any) -> dict[str, str]:
    """The migrated database's contents, captured before Playwright starts.

    Once Playwright's event loop runs in this thread, asgiref treats the thread as async
    and Django's connection handles move from thread-local to context-local storage: a
    new handle without Django's serialized copy. live_server_url hands the copy back.
    """
    from django.db import connections

    from gongzhi.core.pytest_seeded import serialized_copy

    with django_db_blocker.unblock():
        return {alias: serialized_copy(alias) for alias in connections}


@pytest.fixture
def _restore_serialized_handle(_serialized_db: dict[str, str]) -> None:
    from django.db import connections

    for alias, data in _serialized_db.items():
        # Django's private attribute (BaseDatabaseCreation.serialize_db_to_string's result).
        connections[alias]._test_serialized_contents = data  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def browser(_serialized_db: dict[str, str]) -> Iterator[Browser]:
    path = chromium_path()
    if not (os.path.isfile(path) and os.access(path, os.X_OK)) and not shutil.which(path):
        _unavailable(f"Chromium not found at {path} (set CHROMIUM_PATH or apt install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[dev]')")
    # Playwright's sync API keeps an event loop in this thread; Django would then refuse ORM
    # calls from test code as "async context". The ORM here is plain sync code, so allow it.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from django.db import connections

    # While Playwright's loop runs, Django keeps this thread's connections per context: the
    # thread's own connection would stay open out of reach until the process ends, and keep
    # PostgreSQL from dropping the test database. So close it first, and the context's own
    # before Playwright stops.
    connections.close_all()
    pw = sync_playwright().start()
    try:
        try:
            chromium = pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        except Exception as exc:  # noqa: BLE001 - report why Chromium did not start
            _unavailable(f"Chromium at {path} did not start: {exc}")
        yield chromium
        chromium.close()
    finally:
        connections.close_all()
        pw.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def new_phone_context(browser: Browser, **overrides: Any) -> BrowserContext:
    """A phone-sized context; pass Playwright options to override (e.g. service_workers="block",
    which page.route() interception needs once a service worker controls the page)."""
    options: dict[str, Any] = {
        "viewport": PHONE_VIEWPORT, "locale": "zh-CN", "timezone_id": "Asia/Shanghai",
        "has_touch": True,
    }  # fmt: skip
    context = browser.new_context(**(options | overrides))
    context.set_default_timeout(15_000)
    return context


@pytest.fixture
def phone_page(browser: Browser) -> Iterator[Page]:
    # Playwright's wait_for_function() evaluates a string in the page, which the site's CSP
    # (no eval) refuses; core/tests/test_browser_csp.py checks the CSP in a context without this.
    context = new_phone_context(browser, bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


class LiveServer:
    """uvicorn in a daemon thread, on a socket bound before the thread starts."""

    def __init__(self, app_path: str = "gongzhi.asgi:application") -> None:
        import uvicorn

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        config = uvicorn.Config(
            app_path, lifespan="off", log_config=None, access_log=False, log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


@pytest.fixture(scope="session")
def _uvicorn_server(django_db_setup: None) -> Iterator[LiveServer]:
    server = LiveServer().start()
    yield server
    server.stop()


@pytest.fixture
def live_server_url(
    _uvicorn_server: LiveServer,
    _restore_serialized_handle: None,
    transactional_db: None,
    django_db_serialized_rollback: None,
) -> str:
    # The server closes its database connection after each request (CONN_MAX_AGE=0), so
    # the flush at teardown is never blocked by the server thread.
    return _uvicorn_server.url
