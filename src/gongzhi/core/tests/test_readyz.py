"""/readyz names the failing check; /metrics is Prometheus text and is not open to everyone."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.cases.models import OutboundMessage
from gongzhi.cases.tasks import outbound_deliver
from gongzhi.core.models import TaskWorkerBeat
from gongzhi.core.supervisor import exit_reason, mark_down, restart_delay


@pytest.fixture
def worker_up(db):
    return TaskWorkerBeat.objects.create(name="host:8000/1", pid=123, beat_at=timezone.now())


def test_readyz_is_ok_with_a_fresh_worker_and_empty_queues(client, worker_up, settings):
    settings.REDIS_URL = ""
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["failing"] == []
    assert body["checks"]["task_workers"]["up"] == ["host:8000/1"]
    assert "redis" not in body["checks"]  # checked only when REDIS_URL is set


def test_readyz_names_redis_when_it_is_configured_and_unreachable(client, worker_up, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["redis"]


def test_readyz_names_a_worker_the_supervisor_saw_exit(client, worker_up):
    mark_down("host:8000/1", exit_reason(-9), pid=123)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["task_workers"]
    assert body["checks"]["task_workers"]["down"] == {"host:8000/1": "killed by SIGKILL"}
    assert response["Retry-After"]


def test_the_runners_down_command_records_the_exit_of_that_worker_only(client, worker_up, settings):
    """`gongzhi serve`'s runner has no database: it records an exit with this command."""
    from django.core.management import call_command

    settings.REDIS_URL = ""
    down = ["task_worker_down", "--name", "host:8000/1", "--reason", exit_reason(-9)]
    call_command(*down, "--pid", "999")
    assert client.get("/readyz").status_code == 200  # pid 999 is not the worker that beats
    call_command(*down, "--pid", "123")
    body = client.get("/readyz").json()
    assert body["checks"]["task_workers"]["down"] == {"host:8000/1": "killed by SIGKILL"}


def test_readyz_names_a_worker_whose_heartbeat_stopped(client, worker_up, settings):
    settings.TASK_WORKER_STALE = 30
    TaskWorkerBeat.objects.filter(pk=worker_up.pk).update(
        beat_at=timezone.now() - dt.timedelta(seconds=31)
    )
    body = client.get("/readyz").json()
    assert body["checks"]["task_workers"]["down"] == {"host:8000/1": "no heartbeat"}


def test_readyz_fails_when_no_worker_ever_reported(client, db, settings):
    settings.READYZ_REQUIRE_TASK_WORKERS = True
    assert client.get("/readyz").json()["failing"] == ["task_workers"]
    settings.READYZ_REQUIRE_TASK_WORKERS = False
    assert client.get("/readyz").status_code == 200


def test_readyz_fails_on_an_overdue_task_and_an_old_outbound_backlog(client, worker_up, settings):
    settings.READYZ_MAX_TASK_LAG = 120
    settings.READYZ_MAX_OUTBOUND_AGE = 300
    old = timezone.now() - dt.timedelta(seconds=400)
    OutboundMessage.objects.create(
        channel="sms", to="13800001234", template="t", params={}, created_at=old
    )
    outbound_deliver.using(run_after=old).enqueue(1)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert set(body["failing"]) == {"task_lag", "outbound"}
    assert body["checks"]["task_lag"]["due"] == 1
    assert body["checks"]["task_lag"]["lag_seconds"] >= 399
    assert body["checks"]["outbound"]["queued"] == 1


def test_a_task_due_in_the_future_is_not_lag(client, worker_up):
    outbound_deliver.using(run_after=timezone.now() + dt.timedelta(hours=1)).enqueue(1)
    body = client.get("/readyz").json()
    assert body["checks"]["task_lag"] == {"ok": True, "lag_seconds": 0.0, "due": 0, "limit": 120}


def test_healthz_stays_a_cheap_liveness_answer(client, db):
    assert client.get("/healthz").status_code == 200  # no worker rows: still alive


def test_restart_back_off_doubles_and_is_capped(settings):
    settings.TASK_WORKER_RESTART_DELAY = 1
    assert [restart_delay(n) for n in range(8)] == [0, 1, 2, 4, 8, 16, 30, 30]
    assert exit_reason(1) == "exited with code 1"
    assert exit_reason(-15) == "killed by SIGTERM"


# ---- /metrics ------------------------------------------------------------------------------


def test_metrics_from_loopback_exposes_the_queue_gauges_and_latency(client, worker_up):
    from gongzhi.realtime.models import OneKeyCall

    client.get("/healthz")
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    text = response.content.decode()
    assert "gongzhi_http_request_duration_seconds_bucket" in text
    assert 'route="healthz"' in text
    assert "gongzhi_task_workers_up 1.0" in text
    unacked = OneKeyCall.objects.filter(acknowledged_at__isnull=True).count()
    assert f"gongzhi_onekey_unacknowledged {float(unacked)}" in text
    assert "gongzhi_outbound_queued 0.0" in text


def test_metrics_refuses_other_addresses_without_a_token(client, db, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_IPS = []
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 403


def test_metrics_with_a_token_needs_that_exact_bearer(client, db, settings):
    settings.METRICS_TOKEN = "s3cret-token"
    settings.METRICS_ALLOWED_IPS = []
    remote = {"REMOTE_ADDR": "10.1.2.3"}
    assert client.get("/metrics", **remote).status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong", **remote).status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403  # token required
    ok = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token", **remote)
    assert ok.status_code == 200


@pytest.mark.parametrize(
    "garbage", ["", "Bearer ", "Bearer " + "x" * 10_000, "Bearer \x00\x01", "Basic Zm9vOmJhcg=="]
)
def test_metrics_rejects_garbage_authorization(client, db, settings, garbage):
    settings.METRICS_TOKEN = "s3cret-token"
    assert client.get("/metrics", HTTP_AUTHORIZATION=garbage).status_code == 403


def test_metrics_allowed_networks(client, db, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_IPS = ["10.9.0.0/16"]
    assert client.get("/metrics", REMOTE_ADDR="10.9.4.5").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.8.4.5").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="not-an-ip").status_code == 403


def test_an_admin_deletes_the_row_of_a_worker_gone_for_good(district, login, worker_up):
    from django.urls import reverse

    mark_down("host:8000/1", "killed by SIGKILL", pid=123)
    client = login("admin")
    page = client.get(reverse("admin:core_taskworkerbeat_changelist")).content.decode()
    assert "host:8000/1" in page and "killed by SIGKILL" in page
    delete = reverse("admin:core_taskworkerbeat_delete", args=[worker_up.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not TaskWorkerBeat.objects.exists()
    assert client.get("/readyz").json()["checks"]["task_workers"]["down"] == {}


def test_readyz_warns_from_1_december_when_next_year_has_no_holidays(client, worker_up):
    import time_machine

    from gongzhi.cases.models import Holiday

    Holiday.objects.filter(date__year=2031).delete()
    with time_machine.travel(dt.datetime(2030, 12, 2, 10, tzinfo=dt.UTC), tick=False):
        body = client.get("/readyz").json()
        assert any("2031" in w for w in body["warnings"])
        Holiday.objects.create(date=dt.date(2031, 1, 1), name="元旦")
        assert client.get("/readyz").json()["warnings"] == []
    with time_machine.travel(dt.datetime(2030, 11, 2, 10, tzinfo=dt.UTC), tick=False):
        Holiday.objects.filter(date__year=2031).delete()
        assert client.get("/readyz").json()["warnings"] == []  # not due before 1 December
