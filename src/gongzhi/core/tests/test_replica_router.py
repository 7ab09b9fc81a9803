"""The read-replica router, against the "replica" alias as a test mirror of the database.

The mirror is a second connection to the same (committed) database, so these tests see which
connection a page's queries ran on. tests in test_replica_real.py run the same against a
real streaming replica (tools/pg_replica.sh) when DATABASE_REPLICA_URL is set.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.db import connections, transaction
from django.db.utils import load_backend
from django.test.utils import CaptureQueriesContext

from gongzhi.core import dbrouter
from gongzhi.core.dbrouter import ReplicaState, reader, replica_forget, replica_reads
from gongzhi.core.models import TaskWorkerBeat
from gongzhi.grids.models import Grid

pytestmark = pytest.mark.django_db(
    databases=["default", "replica"], transaction=True, serialized_rollback=True
)


@pytest.fixture
def replica_on(settings):
    settings.DATABASE_REPLICA_ALIAS = "replica"
    settings.DATABASE_REPLICA_MAX_LAG = 5
    settings.DATABASE_REPLICA_CHECK_SECONDS = 60  # one check per test unless forgotten
    settings.DATABASE_REPLICA_STICKY_SECONDS = 15
    replica_forget()
    yield connections["replica"]
    replica_forget()


@contextmanager
def unreachable(alias: str = "replica"):
    """The alias served by a connection to a database that cannot be opened (a new wrapper:
    Django never closes an in-memory SQLite test database's connection)."""
    original = connections[alias]
    settings_dict = {**original.settings_dict, "HOST": "127.0.0.1", "PORT": "1"}  # no server
    if original.vendor == "sqlite":
        settings_dict["NAME"] = "/nonexistent-gongzhi-dir/replica.sqlite3"
    down = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias)
    setattr(connections._connections, alias, down)
    replica_forget()
    try:
        yield down
    finally:
        down.close()
        setattr(connections._connections, alias, original)
        replica_forget()


@pytest.fixture
def replica_down(replica_on):
    with unreachable() as down:
        yield down


def run_on_primary(fn):
    """(response, queries on the primary) of fn(); the replica must stay unopened."""
    with CaptureQueriesContext(connections["default"]) as on_primary:
        response = fn()
    assert connections["replica"].connection is None
    return response, tables(on_primary)


def lagging(seconds: float):
    """A probe that reports the replica up and `seconds` behind."""
    return lambda alias: ReplicaState(alias, up=True, lag=seconds)


def tables(queries) -> str:
    return " ".join(q["sql"] for q in queries)


def kpi_page(client, district):
    return client.get(f"/kpis/grid/{district.jinquan.pk}/")


def run_on_both(fn):
    """(response, queries on the replica, queries on the primary) of fn()."""
    with (
        CaptureQueriesContext(connections["replica"]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = fn()
    return response, tables(on_replica), tables(on_primary)


def test_without_a_replica_every_read_goes_to_the_primary(district, login):
    assert reader() == "default"
    with replica_reads():
        assert reader() == "default"
        assert Grid.objects.all().db == "default"
    response, on_replica, on_primary = run_on_both(lambda: kpi_page(login("center"), district))
    assert response.status_code == 200
    assert on_replica == ""
    assert "cases_case" in on_primary
    assert "gz_primary" not in response.cookies  # no sticky cookie without a replica


def test_a_kpi_page_reads_its_figures_from_the_replica_when_it_is_up(district, login, replica_on):
    response, on_replica, on_primary = run_on_both(lambda: kpi_page(login("center"), district))
    assert response.status_code == 200
    assert "cases_case" in on_replica and "cases_kpisealed" in on_replica
    assert "cases_case" not in on_primary  # only the sign-in check ran there
    assert dbrouter.replica_state().usable


def test_the_command_center_panels_and_exports_read_from_the_replica(district, login, replica_on):
    client = login("leader")
    url = f"/command/api/live/?grid={district.root.pk}"
    response, on_replica, on_primary = run_on_both(lambda: client.get(url))
    assert response.status_code == 200, response.content
    assert "cases_case" in on_replica and "cases_case" not in on_primary

    url = f"/kpis/grid/{district.root.pk}/export.xlsx"
    response, on_replica, on_primary = run_on_both(lambda: client.get(url))
    assert response.status_code == 200
    assert "cases_case" in on_replica
    assert 'INSERT INTO "core_auditlog"' in on_primary  # the export's audit row: a write
    assert "INSERT" not in on_replica


def test_a_kpi_page_reads_from_the_primary_when_the_replica_is_down(district, login, replica_down):
    client = login("center")
    response, on_primary = run_on_primary(lambda: kpi_page(client, district))
    assert response.status_code == 200
    assert "cases_case" in on_primary
    state = dbrouter.replica_state()
    assert not state.up and state.error


def test_a_down_replica_is_checked_once_per_interval_not_per_query(
    district, login, replica_down, monkeypatch
):
    probes = []
    real = dbrouter._probe
    monkeypatch.setattr(dbrouter, "_probe", lambda alias: probes.append(alias) or real(alias))
    client = login("center")
    for _ in range(3):
        assert kpi_page(client, district).status_code == 200
    assert probes == ["replica"]  # CHECK_SECONDS is 60 in these tests
    replica_forget()
    assert kpi_page(client, district).status_code == 200
    assert probes == ["replica", "replica"]


def test_a_kpi_page_reads_from_the_primary_when_the_replica_lags_too_far(
    district, login, replica_on, settings, monkeypatch
):
    settings.DATABASE_REPLICA_MAX_LAG = 5
    client = login("center")
    monkeypatch.setattr(dbrouter, "_probe", lagging(5.5))
    response, on_replica, on_primary = run_on_both(lambda: kpi_page(client, district))
    assert response.status_code == 200
    assert on_replica == "" and "cases_case" in on_primary

    replica_forget()
    monkeypatch.setattr(dbrouter, "_probe", lagging(5.0))  # at the limit: still used
    response, on_replica, on_primary = run_on_both(lambda: kpi_page(client, district))
    assert "cases_case" in on_replica and "cases_case" not in on_primary


def test_a_registration_redirects_to_a_ledger_that_shows_it_read_from_the_primary(
    district, login, replica_on
):
    from django.test import Client

    from gongzhi.org.models import Center

    center = Center.objects.get(grid=district.jinquan)
    writer = login("center")
    data = {
        "resident": district.residents["a_head"].pk, "title": "咨询replica低保政策",
        "matter": "咨询低保申请条件", "outcome": "settled", "outcome_note": "已解答",
    }  # fmt: skip
    posted = writer.post(f"/hall/{center.pk}/visits/new/", data)
    assert posted.status_code == 302 and posted["Location"] == "/hall/visits/"
    cookie = posted.cookies["gz_primary"]
    assert cookie["max-age"] == 15 and cookie["httponly"]

    response, on_replica, on_primary = run_on_both(lambda: writer.get(posted["Location"]))
    assert "咨询replica低保政策" in response.content.decode()
    assert on_replica == ""  # the writer's browser reads the primary for a while
    assert "hall_windowvisit" in on_primary

    reader_client = Client()
    reader_client.force_login(district.users["center"])
    response, on_replica, on_primary = run_on_both(lambda: reader_client.get("/hall/visits/"))
    assert "hall_windowvisit" in on_replica  # another browser: the ledger from the replica
    assert "咨询replica低保政策" in response.content.decode()


def test_a_write_in_the_same_block_goes_to_the_primary(district, replica_on):
    with replica_reads():
        grid = Grid.objects.get(pk=district.jinquan.pk)
        assert grid._state.db == "replica"
        grid.name = "金泉路社区(改)"
        with CaptureQueriesContext(connections["default"]) as on_primary:
            grid.save(update_fields=["name"])
    assert 'UPDATE "grids_grid"' in tables(on_primary)
    assert Grid.objects.using("default").get(pk=grid.pk).name == "金泉路社区(改)"


def test_reads_inside_our_own_transaction_stay_on_the_primary(district, replica_on):
    with replica_reads():
        assert reader() == "replica"
        with transaction.atomic():
            assert reader() == "default"
            assert Grid.objects.all().db == "default"
        assert reader() == "replica"


def test_only_the_primary_is_migrated():
    router = dbrouter.ReplicaRouter()
    assert router.allow_migrate("default", "cases")
    assert not router.allow_migrate("replica", "cases")
    assert router.db_for_write(Grid) == "default"


def test_readyz_reports_the_replica_and_only_warns_when_it_is_down(client, replica_on, settings):
    settings.READYZ_REQUIRE_TASK_WORKERS = False
    body = client.get("/readyz").json()
    replica = body["checks"]["replica"]
    assert replica["ok"] and replica["up"] and replica["in_use"]
    assert replica["lag_seconds"] == 0.0 and replica["max_lag"] == 5
    assert not [w for w in body["warnings"] if w.startswith("replica")]

    with unreachable():
        response = client.get("/readyz")
    assert response.status_code == 200  # a warning, not a reason to stop traffic
    body = response.json()
    assert body["checks"]["replica"]["up"] is False and "replica" not in body["failing"]
    assert any(w.startswith("replica: unreachable") for w in body["warnings"])


def test_readyz_warns_when_the_replica_lags(client, replica_on, settings, monkeypatch):
    settings.READYZ_REQUIRE_TASK_WORKERS = False
    monkeypatch.setattr(dbrouter, "_probe", lagging(42.0))
    body = client.get("/readyz").json()
    assert body["status"] == "ok"
    assert body["checks"]["replica"] == {
        "ok": True,
        "up": True,
        "lag_seconds": 42.0,
        "max_lag": 5,
        "in_use": False,
    }
    assert "replica: 42.0 s behind (more than 5 s); heavy reads use the primary" in body["warnings"]


def test_readyz_has_no_replica_check_without_a_replica(client):
    assert "replica" not in client.get("/readyz").json()["checks"]
    assert not TaskWorkerBeat.objects.exists()


def test_metrics_export_the_replicas_state_and_lag(client, replica_on, monkeypatch):
    monkeypatch.setattr(dbrouter, "_probe", lagging(7.5))
    text = client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()
    assert "gongzhi_replica_up 1.0" in text and "gongzhi_replica_lag_seconds 7.5" in text
    monkeypatch.undo()  # the real probe, against an unreachable replica
    with unreachable():
        text = client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()
    assert "gongzhi_replica_up 0.0" in text and "gongzhi_replica_lag_seconds" not in text
