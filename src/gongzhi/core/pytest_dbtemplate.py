"""A migrated SQLite test database, built once and copied (issue 13.8).

Migrating an empty SQLite database takes ~21 s, most of it Django re-rendering the migration
state after each operation, and every pytest-xdist worker used to pay it. Here the first
worker (or run) that needs a test database migrates it as before and saves a copy, the
template; every later test database is a copy of it (SQLite's backup API), which takes well
under a second. Only the `migrate` step of Django's create_test_db is replaced: creating the
database, serializing it for serialized rollback and createcachetable run as before.

The template is named by a hash of everything migrating reads: every migration file and the
project modules they import, the models, the settings modules and database settings, the
versions of every installed distribution (Django, chinese_calendar …), SQLite's version and
the day (so a migration that reads the date cannot go stale). Changing any of them builds a
new template. A file lock makes parallel workers wait for the one that builds it.
core/tests/test_dbtemplate.py compares the template with a fresh `gongzhi migrate`.

SQLite only: PostgreSQL test databases are created as before. `--reuse-db` (keepdb) and
GONGZHI_TEST_DB_TEMPLATE=0 also leave Django's own path untouched. The templates live in
$TMPDIR/gongzhi-test-db/; ones unused for three days are removed.
"""

from __future__ import annotations

import ast
import datetime as dt
import fcntl
import hashlib
import importlib.metadata
import os
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

FOLDER = Path(tempfile.gettempdir()) / "gongzhi-test-db"
KEEP_UNUSED = dt.timedelta(days=3)

# The template this process restored its test database from, or built (the proof test reads it).
used: dict[str, Path] = {}


def enabled() -> bool:
    return os.environ.get("GONGZHI_TEST_DB_TEMPLATE", "1") != "0"


def _project_files() -> list[Path]:
    """Migration files, the gongzhi modules they import, the models, the settings and this
    module (how a template is made)."""
    from django.apps import apps

    import gongzhi

    root = Path(gongzhi.__file__).parent
    files = {root / "settings.py", root / "env.py", Path(__file__)}
    for app in apps.get_app_configs():
        folder = Path(app.path)
        if root not in folder.parents and folder != root:
            continue  # Django's and other distributions' apps: their version is hashed
        files |= set((folder / "migrations").glob("*.py"))
        files |= {folder / "models.py"} | set((folder / "models").glob("*.py"))
    for path in sorted(p for p in files if "migrations" in p.parts):
        files |= _imported_project_files(path, root)
    return sorted(p for p in files if p.is_file())


def _imported_project_files(path: Path, root: Path) -> set[Path]:
    """The gongzhi modules (and their packages' __init__) a file imports, at any depth."""
    out: set[Path] = set()
    for node in ast.walk(ast.parse(path.read_bytes())):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] != "gongzhi":
                continue
            for n in range(2, len(parts) + 1):
                base = root.joinpath(*parts[1:n])
                out |= {p for p in (base.with_suffix(".py"), base / "__init__.py") if p.is_file()}
    return out


def template_key(settings_dict: dict[str, Any]) -> str:
    from django.conf import settings

    h = hashlib.sha256()
    for path in _project_files():
        h.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    dists = sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions())
    database = {k: v for k, v in settings_dict.items() if k not in ("NAME", "TEST")}
    test = {k: v for k, v in settings_dict.get("TEST", {}).items() if k != "NAME"}
    h.update(
        repr(
            (
                dists,
                sys.version,
                sqlite3.sqlite_version,
                sorted(database.items()),
                sorted(test.items()),
                settings.INSTALLED_APPS,
                settings.MIGRATION_MODULES,
                settings.TIME_ZONE,
                settings.USE_TZ,
                settings.AUTH_USER_MODEL,
                dt.datetime.now(dt.UTC).date(),
            )
        ).encode()
    )
    return h.hexdigest()[:24]


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(f"{path}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        yield


def copy_into(source: Path, connection: Any) -> None:
    """Replace the database of a Django SQLite connection by the template's pages."""
    connection.ensure_connection()
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        src.backup(connection.connection)
    finally:
        src.close()


def _save(connection: Any, target: Path) -> None:
    partial = target.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    dst = sqlite3.connect(partial)
    try:
        connection.connection.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        dst.close()
    os.replace(partial, target)


def _prune(keep: Path) -> None:
    limit = time.time() - KEEP_UNUSED.total_seconds()
    for old in FOLDER.glob("*.sqlite3"):
        if old != keep and old.stat().st_mtime < limit:
            old.unlink(missing_ok=True)
            Path(f"{old}.lock").unlink(missing_ok=True)


def migrate_or_copy(connection: Any, migrate: Callable[[], Any]) -> None:
    """Migrate the connection's (new, empty) test database, or copy it from the template."""
    target = FOLDER / f"{template_key(connection.settings_dict)}.sqlite3"
    with _locked(target):
        if target.exists():
            copy_into(target, connection)
            os.utime(target)
        else:
            migrate()
            _save(connection, target)
            _prune(target)
    used[connection.alias] = target


@contextmanager
def _migrate_replaced(connection: Any) -> Iterator[None]:
    """While Django creates this connection's test database, its `migrate` call (and only
    that one) goes through migrate_or_copy."""
    from django.core import management

    real = management.call_command

    def call_command(name: Any, *args: Any, **options: Any) -> Any:
        if name == "migrate" and not args and options.get("database") == connection.alias:
            return migrate_or_copy(connection, lambda: real(name, **options))
        return real(name, *args, **options)

    management.call_command = call_command  # type: ignore[assignment]
    try:
        yield
    finally:
        management.call_command = real


def _install() -> None:
    from django.db.backends.sqlite3.creation import DatabaseCreation

    original = DatabaseCreation.create_test_db
    if getattr(original, "gongzhi_template", False):
        return

    def create_test_db(
        self: DatabaseCreation,
        verbosity: int = 1,
        autoclobber: bool = False,
        serialize: bool = True,
        keepdb: bool = False,
    ) -> str:
        if keepdb or not enabled() or self.connection.settings_dict["TEST"].get("MIGRATE") is False:
            return original(self, verbosity, autoclobber, serialize, keepdb)
        with _migrate_replaced(self.connection):
            return original(self, verbosity, autoclobber, serialize, keepdb)

    create_test_db.gongzhi_template = True  # type: ignore[attr-defined]
    DatabaseCreation.create_test_db = create_test_db  # type: ignore[method-assign,assignment]


@pytest.hookimpl(trylast=True)  # after pytest-django has configured Django
def pytest_configure(config: pytest.Config) -> None:
    _install()
