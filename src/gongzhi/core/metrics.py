"""Prometheus metrics (prometheus_client).

Per-process metrics (request latency, pool usage) go through prometheus_client's multiprocess
mode when PROMETHEUS_MULTIPROC_DIR is set (`gongzhi serve` sets it for its web workers), so
one scrape sees every process. Queue-type gauges (task lag, outbound backlog, unacknowledged
calls, task workers) are read from the database at scrape time by a collector: they are the
same for every process and need no shared state.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import REGISTRY, CollectorRegistry, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

if TYPE_CHECKING:
    from collections.abc import Iterator

    from prometheus_client.core import Metric

REQUEST_LATENCY = Histogram(
    "gongzhi_http_request_duration_seconds",
    "Time to answer an HTTP request, by route and status class.",
    ["method", "route", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
POOL_CONNECTIONS = Gauge(
    "gongzhi_db_pool_connections",
    "Database pool connections of one process (size, available, waiting clients).",
    ["state"],
    multiprocess_mode="liveall",
)


def multiprocess_env() -> dict[str, str]:
    """The environment for the server's child processes: a fresh multiprocess directory
    unless the operator chose one. Stale files from an earlier run would add old counts."""
    chosen = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if chosen:
        Path(chosen).mkdir(parents=True, exist_ok=True)
        return {}
    folder = Path(settings.VAR_DIR) / "prometheus" / str(os.getpid())
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return {"PROMETHEUS_MULTIPROC_DIR": str(folder)}


def metrics_allowed(request: HttpRequest) -> bool:
    token = getattr(settings, "METRICS_TOKEN", "")
    if token:
        sent = request.headers.get("Authorization", "")
        if hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
            return True
    try:
        client = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    allowed = getattr(settings, "METRICS_ALLOWED_IPS", [])
    if not allowed and not token:
        return client.is_loopback
    return any(client in ipaddress.ip_network(net, strict=False) for net in allowed)


def _route(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return (match.view_name or match.route) if match else "unmatched"


def _observe(request: HttpRequest, response: HttpResponse, started: float) -> None:
    REQUEST_LATENCY.labels(
        request.method, _route(request), f"{response.status_code // 100}xx"
    ).observe(time.perf_counter() - started)
    _record_pool()


def _record_pool() -> None:
    """Django 5.2's psycopg pool, when the database settings enable one."""
    from django.db import connection

    pool = getattr(connection, "pool", None) if connection.vendor == "postgresql" else None
    if pool is None or not hasattr(pool, "get_stats"):
        return
    stats = pool.get_stats()
    POOL_CONNECTIONS.labels("size").set(stats.get("pool_size", 0))
    POOL_CONNECTIONS.labels("available").set(stats.get("pool_available", 0))
    POOL_CONNECTIONS.labels("waiting").set(stats.get("requests_waiting", 0))


class RequestMetricsMiddleware:
    """Observes every request's latency; sync and async, so ASGI never hops threads for it."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if self.is_async:
            return self._acall(request)
        started = time.perf_counter()
        response = self.get_response(request)
        _observe(request, response, started)
        return response

    async def _acall(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = await self.get_response(request)
        _observe(request, response, started)
        return response


class QueueCollector:
    """Gauges computed from the database at scrape time (gongzhi.core.health)."""

    def collect(self) -> Iterator[Metric]:
        from gongzhi.core import health

        try:
            figures = health.queue_figures()
        except Exception:  # noqa: BLE001 - a database outage must not fail the scrape
            yield GaugeMetricFamily(
                "gongzhi_queue_figures_up", "1 when the database answered the scrape.", value=0
            )
            return
        yield GaugeMetricFamily(
            "gongzhi_queue_figures_up", "1 when the database answered the scrape.", value=1
        )
        for name, help_text, value in (
            (
                "gongzhi_task_lag_seconds",
                "Age of the oldest due task not yet started.",
                figures["task_lag_seconds"],
            ),
            ("gongzhi_tasks_due", "Tasks due and not yet started.", figures["tasks_due"]),
            (
                "gongzhi_outbound_queued",
                "Outbound messages (SMS, WeChat) still queued.",
                figures["outbound_queued"],
            ),
            (
                "gongzhi_onekey_unacknowledged",
                "One-key calls nobody has acknowledged.",
                figures["onekey_unacknowledged"],
            ),
            (
                "gongzhi_task_workers_up",
                "Task workers with a fresh heartbeat.",
                figures["task_workers_up"],
            ),
            (
                "gongzhi_task_workers_down",
                "Task workers down or with a stale heartbeat.",
                figures["task_workers_down"],
            ),
        ):
            yield GaugeMetricFamily(name, help_text, value=value)
        yield from _replica_gauges()


def _replica_gauges() -> Iterator[Any]:
    """The read replica as last checked (cached: a scrape adds at most one query per
    DATABASE_REPLICA_CHECK_SECONDS); nothing without a replica."""
    from gongzhi.core.dbrouter import replica_state

    state = replica_state()
    if state is None:
        return
    yield GaugeMetricFamily(
        "gongzhi_replica_up", "1 when the read replica answered its last check.", value=state.up
    )
    if state.lag is not None:
        yield GaugeMetricFamily(
            "gongzhi_replica_lag_seconds", "Seconds the read replica is behind.", value=state.lag
        )


class _Combined:
    """Several collectors as one, for generate_latest (nothing is registered globally)."""

    def __init__(self, *sources: Any) -> None:
        self.sources = sources

    def collect(self) -> Iterator[Metric]:
        for source in self.sources:
            yield from source.collect()


def render() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        base = CollectorRegistry()
        MultiProcessCollector(base)
    else:
        base = REGISTRY
    return generate_latest(_Combined(base, QueueCollector()))
