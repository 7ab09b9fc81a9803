"""Readiness checks (/readyz) and the queue figures /metrics exports.

Each check returns a dict with "ok" and what it saw; /readyz answers 503 naming every check
that failed. Thresholds are settings (READYZ_*), documented in the README.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection
from django.db.models import Min

from gongzhi.core import clock


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "vendor": connection.vendor}


def check_redis() -> dict | None:
    url = getattr(settings, "REDIS_URL", "")
    if not url:
        return None
    import redis

    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    finally:
        client.close()
    return {"ok": True}


def _stale_before() -> dt.datetime:
    return clock.now() - dt.timedelta(seconds=getattr(settings, "TASK_WORKER_STALE", 30))


def check_task_workers() -> dict:
    from gongzhi.core.models import TaskWorkerBeat

    stale_before = _stale_before()
    rows = list(TaskWorkerBeat.objects.order_by("name"))
    down = {
        r.name: (r.reason or "down") if r.status == TaskWorkerBeat.Status.DOWN else "no heartbeat"
        for r in rows
        if r.status == TaskWorkerBeat.Status.DOWN or r.beat_at < stale_before
    }
    up = [r.name for r in rows if r.name not in down]
    required = getattr(settings, "READYZ_REQUIRE_TASK_WORKERS", True)
    return {"ok": not down and (bool(up) or not required), "up": up, "down": down}


def _task_lag() -> tuple[float, int]:
    """Seconds since the oldest due task became due, and how many are due."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    now = clock.now()
    due = DBTaskResult.objects.ready()
    undated = due.filter(run_after=get_date_max()).aggregate(at=Min("enqueued_at"))["at"]
    dated = due.exclude(run_after=get_date_max()).aggregate(at=Min("run_after"))["at"]
    oldest = min((t for t in (undated, dated) if t is not None), default=None)
    lag = max((now - oldest).total_seconds(), 0.0) if oldest else 0.0
    return lag, due.count()


def check_task_lag() -> dict:
    lag, due = _task_lag()
    limit = getattr(settings, "READYZ_MAX_TASK_LAG", 120)
    return {"ok": lag <= limit, "lag_seconds": round(lag, 1), "due": due, "limit": limit}


def _outbound() -> tuple[int, float]:
    from gongzhi.cases.models import OutboundMessage

    queued = OutboundMessage.objects.filter(status=OutboundMessage.Status.QUEUED)
    oldest = queued.aggregate(at=Min("created_at"))["at"]
    age = max((clock.now() - oldest).total_seconds(), 0.0) if oldest else 0.0
    return queued.count(), age


def check_outbound() -> dict:
    count, age = _outbound()
    limit = getattr(settings, "READYZ_MAX_OUTBOUND_AGE", 300)
    return {"ok": age <= limit, "queued": count, "oldest_seconds": round(age, 1), "limit": limit}


def check_pool() -> dict | None:
    pool = getattr(connection, "pool", None) if connection.vendor == "postgresql" else None
    if pool is None or not hasattr(pool, "get_stats"):
        return None
    stats = pool.get_stats()
    size, available = stats.get("pool_size", 0), stats.get("pool_available", 0)
    waiting = stats.get("requests_waiting", 0)
    # Waiting clients on an exhausted pool mean requests queue behind the database.
    return {
        "ok": not (waiting and not available),
        "size": size,
        "available": available,
        "waiting": waiting,
    }


def check_replica() -> dict | None:
    """The read replica, when one is configured. Never a failure: when it is down or behind,
    heavy reads use the primary (gongzhi.core.dbrouter); /readyz lists a warning instead."""
    from gongzhi.core.dbrouter import max_lag, replica_state

    state = replica_state(fresh=True)
    if state is None:
        return None
    result: dict[str, object] = {
        "ok": True,
        "up": state.up,
        "lag_seconds": state.lag,
        "max_lag": max_lag(),
        "in_use": state.usable,
    }
    if state.error:
        result["error"] = state.error
    return result


def replica_warning(result: dict | None) -> str | None:
    if result is None or result.get("in_use"):
        return None
    if not result.get("up"):
        return f"replica: unreachable ({result.get('error', 'down')}); heavy reads use the primary"
    return (
        f"replica: {result['lag_seconds']} s behind (more than {result['max_lag']:g} s); "
        "heavy reads use the primary"
    )


CHECKS = {
    "database": check_database,
    "redis": check_redis,
    "task_workers": check_task_workers,
    "task_lag": check_task_lag,
    "outbound": check_outbound,
    "pool": check_pool,
    "replica": check_replica,
}


def readiness() -> tuple[bool, dict]:
    results: dict[str, dict] = {}
    for name, check in CHECKS.items():
        try:
            result = check()
        except Exception as exc:  # noqa: BLE001 - a check that raises has failed, say why
            result = {"ok": False, "error": exc.__class__.__name__}
        if result is not None:
            results[name] = result
        if name == "database" and not results[name]["ok"]:
            break  # every later check reads the database
    return all(r["ok"] for r in results.values()), results


def queue_figures() -> dict:
    from gongzhi.core.models import TaskWorkerBeat
    from gongzhi.realtime.models import OneKeyCall

    lag, due = _task_lag()
    queued, _age = _outbound()
    workers = TaskWorkerBeat.objects.all()
    up = workers.filter(status=TaskWorkerBeat.Status.UP, beat_at__gte=_stale_before()).count()
    return {
        "task_lag_seconds": lag,
        "tasks_due": due,
        "outbound_queued": queued,
        "onekey_unacknowledged": OneKeyCall.objects.filter(acknowledged_at__isnull=True).count(),
        "task_workers_up": up,
        "task_workers_down": workers.count() - up,
    }
