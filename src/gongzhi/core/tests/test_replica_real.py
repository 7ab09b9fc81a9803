"""The router against a real PostgreSQL streaming replica (tools/pg_replica.sh).

Runs only with DATABASE_REPLICA_URL set on PostgreSQL (.ci/run starts the replica and sets
it); if it is set and the replica is down, these tests fail. The standby holds the test
database because it copies the whole primary; the tests commit (transactional) so that what
they write reaches it.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import dj_database_url
import pytest
from django.db import connections
from django.db.utils import load_backend
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gongzhi.core import dbrouter
from gongzhi.core.dbrouter import replica_forget

REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
SCRIPT = Path(__file__).resolve().parents[4] / "tools" / "pg_replica.sh"
pytestmark = [
    pytest.mark.replica,
    pytest.mark.skipif(not REPLICA_URL, reason="DATABASE_REPLICA_URL is not set"),
    pytest.mark.django_db(
        databases=["default", "replica"], transaction=True, serialized_rollback=True
    ),
]


def _one(conn, sql: str, params=()):
    with conn.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


# A standby restarted after a long pause (CI reuses it while it streams) may still be
# replaying a whole test run's WAL when the tests start: the test database only appears on
# it once that replay reaches the primary's CREATE DATABASE.
REPLAY_TIMEOUT = float(os.environ.get("GONGZHI_REPLICA_REPLAY_TIMEOUT", "600"))


def replayed_to_here(url: dict, timeout: float = REPLAY_TIMEOUT) -> None:
    """Wait until the standby has replayed everything the primary has written so far.

    Asks the standby's `postgres` database, which exists before the test database does."""
    import psycopg

    target = _one(connections["default"], "SELECT pg_current_wal_lsn()::text")
    deadline = time.monotonic() + timeout
    params = {"host": url["HOST"], "port": url["PORT"], "user": url["USER"] or "postgres"}
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        while True:
            row = conn.execute(
                "SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s) >= 0, "
                "pg_wal_lsn_diff(%s, pg_last_wal_replay_lsn())",
                [target, target],
            ).fetchone()
            assert row is not None
            if row[0]:
                return
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"the standby is still {row[1]:.0f} bytes of WAL behind after {timeout} s"
                )
            time.sleep(0.2)


@pytest.fixture
def standby(settings):
    """The "replica" alias on the standby's copy of the test database."""
    primary = connections["default"]
    if primary.vendor != "postgresql":
        pytest.skip("a streaming replica needs PostgreSQL as the primary")
    url = dj_database_url.parse(REPLICA_URL)
    replayed_to_here(url)
    settings_dict = {**primary.settings_dict, "HOST": url["HOST"], "PORT": str(url["PORT"])}
    original = connections["replica"]
    conn = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "replica")
    connections._connections.replica = conn
    settings.DATABASE_REPLICA_ALIAS = "replica"
    settings.DATABASE_REPLICA_MAX_LAG = 5
    settings.DATABASE_REPLICA_CHECK_SECONDS = 60
    settings.READYZ_REQUIRE_TASK_WORKERS = False
    assert _one(conn, "SELECT pg_is_in_recovery()") is True, "DATABASE_REPLICA_URL: no standby"
    replica_forget()
    yield conn
    conn.close()
    connections._connections.replica = original
    replica_forget()


def caught_up(conn, timeout: float = 30) -> None:
    """Wait until the standby has replayed everything the primary wrote so far, and reports
    no lag (a commit moves the primary past WAL page padding the standby cannot replay)."""
    deadline = time.monotonic() + timeout
    target = _one(connections["default"], "SELECT pg_current_wal_lsn()::text")
    while time.monotonic() < deadline:
        if _one(conn, "SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s) >= 0", [target]):
            replica_forget()
            if dbrouter.replica_state().lag == 0:
                return
            _one(connections["default"], "SELECT txid_current()")
            target = _one(connections["default"], "SELECT pg_current_wal_lsn()::text")
        time.sleep(0.1)
    raise AssertionError(f"the standby did not catch up with the primary in {timeout} s")


def received(conn, timeout: float = 30) -> None:
    """Wait until the standby has received (not necessarily replayed) the primary's WAL."""
    deadline = time.monotonic() + timeout
    target = _one(connections["default"], "SELECT pg_current_wal_lsn()::text")
    while time.monotonic() < deadline:
        if _one(conn, "SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), %s) >= 0", [target]):
            return
        time.sleep(0.1)
    raise AssertionError("the standby did not receive the primary's WAL")


def queries_on(conn, fn):
    with CaptureQueriesContext(conn) as captured:
        response = fn()
    return response, " ".join(q["sql"] for q in captured)


def test_a_kpi_page_reads_from_the_standby_when_it_is_up(district, login, standby):
    caught_up(standby)
    client = login("center")
    response, on_standby = queries_on(
        standby, lambda: client.get(f"/kpis/grid/{district.jinquan.pk}/")
    )
    assert response.status_code == 200
    assert "cases_case" in on_standby and "cases_kpisealed" in on_standby
    body = client.get("/readyz").json()
    assert body["checks"]["replica"]["in_use"] is True


def test_a_lagging_standby_is_skipped_and_a_writer_reads_its_own_write(
    district, login, standby, settings
):
    from gongzhi.org.models import Center

    center = Center.objects.get(grid=district.jinquan)
    caught_up(standby)
    other = Client()
    other.force_login(district.users["center"])  # committed before the pause: on the standby
    caught_up(standby)
    _one(standby, "SELECT pg_wal_replay_pause()")
    try:
        writer = login("center")
        data = {
            "resident": district.residents["a_head"].pk, "title": "咨询备库低保政策",
            "matter": "咨询低保申请条件", "outcome": "settled", "outcome_note": "已解答",
        }  # fmt: skip
        posted = writer.post(f"/hall/{center.pk}/visits/new/", data)
        assert posted.status_code == 302
        assert "咨询备库低保政策" in writer.get(posted["Location"]).content.decode()
        received(standby)

        # Tolerated lag: another browser reads the ledger from the standby, still without it.
        settings.DATABASE_REPLICA_MAX_LAG = 3600
        replica_forget()
        response, on_standby = queries_on(standby, lambda: other.get("/hall/visits/"))
        assert "hall_windowvisit" in on_standby
        assert "咨询备库低保政策" not in response.content.decode()

        # Beyond the limit the standby is skipped: the same page from the primary shows it.
        settings.DATABASE_REPLICA_MAX_LAG = 0
        replica_forget()
        response, on_standby = queries_on(standby, lambda: other.get("/hall/visits/"))
        assert "hall_windowvisit" not in on_standby
        assert "咨询备库低保政策" in response.content.decode()
        state = dbrouter.replica_state()
        assert state.up and state.lag > 0 and not state.usable
        body = other.get("/readyz").json()
        assert body["status"] == "ok"
        assert any(w.startswith("replica: ") and "behind" in w for w in body["warnings"])
    finally:
        _one(standby, "SELECT pg_wal_replay_resume()")
    caught_up(standby)


def test_a_stopped_standby_is_skipped(district, login, standby):
    caught_up(standby)
    client = login("center")
    env = {**os.environ, "REPLICA_PORT": str(dj_database_url.parse(REPLICA_URL)["PORT"])}
    subprocess.run([str(SCRIPT), "stop"], check=True, env=env, capture_output=True)  # noqa: S603
    try:
        replica_forget()
        with CaptureQueriesContext(connections["default"]) as on_primary:
            response = client.get(f"/kpis/grid/{district.jinquan.pk}/")
        assert response.status_code == 200
        assert "cases_case" in " ".join(q["sql"] for q in on_primary)
        state = dbrouter.replica_state()
        assert not state.up
        body = client.get("/readyz").json()
        assert body["status"] == "ok" and body["checks"]["replica"]["up"] is False
    finally:
        subprocess.run([str(SCRIPT), "start"], check=True, env=env, capture_output=True)  # noqa: S603
    standby.close()
    caught_up(standby)
