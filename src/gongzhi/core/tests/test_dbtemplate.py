"""The copied test database is the migrated one (core/pytest_dbtemplate.py).

The template this process's test database came from is compared with a database that a
fresh `gongzhi migrate` builds in a new process: the same schema (every table, index and
trigger, as SQL) and the same rows in every table (the seeded categories, policies,
holidays, content types and permissions …). Only the moment each migration was applied
(django_migrations.applied) may differ.
"""

import os
import sqlite3
import subprocess
import sys

import pytest
from django.db import connection

from gongzhi.core import pytest_dbtemplate

# The schema, as SQL (the page a table starts on is where it was written, not what it is).
SCHEMA = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
PRAGMAS = ("user_version", "application_id", "encoding", "page_size", "auto_vacuum")


def _contents(db: sqlite3.Connection) -> dict:
    tables = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    rows = {}
    for table in sorted(tables):
        cur = db.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from sqlite_master
        columns = [c[0] for c in cur.description]
        keep = [i for i, c in enumerate(columns) if (table, c) != ("django_migrations", "applied")]
        rows[table] = sorted((tuple(row[i] for i in keep) for row in cur), key=repr)
    return {
        "schema": db.execute(SCHEMA).fetchall(),
        "pragmas": {p: db.execute(f"PRAGMA {p}").fetchone()[0] for p in PRAGMAS},
        "rows": rows,
    }


@pytest.fixture
def template(django_db_setup):
    if connection.vendor != "sqlite" or "default" not in pytest_dbtemplate.used:
        pytest.skip(
            "the test database was not made from a template (PostgreSQL, --reuse-db "
            "or GONGZHI_TEST_DB_TEMPLATE=0)"
        )
    return pytest_dbtemplate.used["default"]


@pytest.fixture
def fresh(tmp_path):
    path = tmp_path / "fresh.sqlite3"
    env = os.environ | {"GONGZHI_MODE": "test", "DATABASE_URL": f"sqlite:///{path}"}
    done = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-m", "gongzhi", "migrate", "--skip-checks", "-v", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return path


def test_the_template_has_the_schema_and_rows_of_a_fresh_migrate(template, fresh, tmp_path):
    want = _contents(sqlite3.connect(fresh))
    assert want["rows"]["cases_category"] and want["rows"]["auth_permission"]  # seeded
    assert _contents(sqlite3.connect(f"file:{template}?mode=ro", uri=True)) == want

    # And a database copied from it the way the plugin makes a test database holds the same.
    class Target:
        alias = "copy"
        connection = sqlite3.connect(tmp_path / "copy.sqlite3")

        def ensure_connection(self):
            pass

    target = Target()
    target.connection.execute("PRAGMA journal_mode=WAL")  # as the test settings open it
    pytest_dbtemplate.copy_into(template, target)
    assert _contents(target.connection) == want


def test_this_test_database_has_the_templates_schema(template, db):
    with connection.cursor() as cur:
        cur.execute(SCHEMA)
        here = [tuple(row) for row in cur.fetchall()]
    copied = sqlite3.connect(f"file:{template}?mode=ro", uri=True).execute(SCHEMA).fetchall()
    assert here == copied
