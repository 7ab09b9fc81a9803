"""Task workers that stay up: a heartbeat written by each worker, and a supervisor that restarts
a worker that exits (with back-off) and says why.

`gongzhi serve` and `gongzhi task_workers` run a Supervisor; each child is
`gongzhi task_worker --name <name>` (django-tasks-db's db_worker plus a heartbeat thread).
Several workers share the queue safely: django-tasks-db claims a task inside a transaction,
with SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL and an EXCLUSIVE transaction on SQLite.
Under systemd, one unit per worker with Restart=always plays the supervisor's part.

The Supervisor class imports nothing of Django: `gongzhi serve` runs it in a process without
Django (core/runner.py), which records a dead worker through `on_down`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger("gongzhi.supervisor")

BACKOFF_FIRST = 1.0
BACKOFF_MAX = 30.0
STABLE_AFTER = 60.0  # a worker that ran this long before exiting restarts without delay growth


def heartbeat_interval() -> float:
    from django.conf import settings

    return float(getattr(settings, "TASK_WORKER_HEARTBEAT", 5))


def restart_first() -> float:
    """TASK_WORKER_RESTART_DELAY: the first restart's delay in seconds."""
    from django.conf import settings

    return float(getattr(settings, "TASK_WORKER_RESTART_DELAY", BACKOFF_FIRST))


def restart_delay(failures: int, first: float | None = None) -> float:
    """Seconds to wait before the n-th consecutive restart: 1, 2, 4 ... capped at 30."""
    first = restart_first() if first is None else first
    if failures <= 0:
        return 0.0
    return min(first * 2 ** (failures - 1), max(BACKOFF_MAX, first))


def exit_reason(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exited with code {code}"


# ---- the heartbeat (runs inside each worker) ------------------------------------------------


def beat(name: str, *, first: bool = False) -> None:
    from gongzhi.core import clock
    from gongzhi.core.models import TaskWorkerBeat

    now = clock.now()
    values = {
        "host": socket.gethostname()[:100], "pid": os.getpid(), "beat_at": now,
        "status": TaskWorkerBeat.Status.UP, "reason": "",
    }  # fmt: skip
    if first:
        values["started_at"] = now
    TaskWorkerBeat.objects.update_or_create(name=name, defaults=values)


def mark_down(name: str, reason: str, pid: int | None = None) -> None:
    """Record that a worker is gone (readiness names it at once). Never raises."""
    from gongzhi.core.models import TaskWorkerBeat

    try:
        rows = TaskWorkerBeat.objects.filter(name=name)
        if pid is not None:
            rows = rows.filter(pid=pid)  # a newer worker under the same name is left alone
        rows.update(status=TaskWorkerBeat.Status.DOWN, reason=reason[:200])
    except Exception:  # noqa: BLE001 - the database may be the reason it died
        log.warning("could not record task worker %s as down", name, exc_info=True)


def forget(name: str, pid: int) -> None:
    from gongzhi.core.models import TaskWorkerBeat

    with contextlib.suppress(Exception):
        TaskWorkerBeat.objects.filter(name=name, pid=pid).delete()


class Heartbeat(threading.Thread):
    """Writes the worker's row every TASK_WORKER_HEARTBEAT seconds; a failed write (database
    down) is logged and retried on the next beat with a fresh connection."""

    def __init__(self, name: str) -> None:
        super().__init__(name=f"heartbeat-{name}", daemon=True)
        self.worker_name = name
        self.stopped = threading.Event()

    def run(self) -> None:
        from django.db import connection

        first = True
        while not self.stopped.is_set():
            try:
                beat(self.worker_name, first=first)
                first = False
            except Exception:  # noqa: BLE001 - keep beating; readiness shows the gap
                log.warning("heartbeat of %s failed", self.worker_name, exc_info=True)
                with contextlib.suppress(Exception):
                    connection.close()
            self.stopped.wait(heartbeat_interval())
        connection.close()


# ---- the supervisor (runs in `gongzhi serve` / `gongzhi task_workers`) ------------------------


@dataclass
class Child:
    name: str
    proc: subprocess.Popen | None = None
    started: float = 0.0
    failures: int = 0
    restart_at: float = 0.0
    restarts: int = 0
    reasons: list[str] = field(default_factory=list)


def mark_down_here(name: str, reason: str, pid: int | None) -> None:
    """`on_down` for a supervisor inside a Django process: the row, then no held connection."""
    from django.db import connection

    mark_down(name, reason, pid=pid)
    connection.close()  # the supervisor's thread holds no connection between exits


class Supervisor:
    """Starts `count` task workers and restarts each one that exits, with exponential back-off.

    `poll()` does one round (tests drive it); `run_in_thread()` loops until `stop()`.
    `on_down(name, reason, pid)` records an exit (default: `mark_down_here`); `first_delay`
    is TASK_WORKER_RESTART_DELAY's value (default: read from the settings)."""

    def __init__(
        self,
        count: int,
        *,
        prefix: str,
        env: dict | None = None,
        on_down: Callable[[str, str, int | None], None] | None = None,
        first_delay: float | None = None,
    ) -> None:
        self.env = {**os.environ, **(env or {}), "DJANGO_SETTINGS_MODULE": "gongzhi.settings"}
        self.on_down = on_down or mark_down_here
        self.first_delay = first_delay
        self.children = [Child(name=f"{prefix}/{i + 1}") for i in range(max(count, 0))]
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def command(self, child: Child) -> list[str]:
        return [sys.executable, "-m", "gongzhi", "task_worker", "--name", child.name]

    def spawn(self, child: Child) -> None:
        child.proc = subprocess.Popen(self.command(child), env=self.env)  # noqa: S603
        child.started = time.monotonic()
        log.info("task worker %s started (pid %s)", child.name, child.proc.pid)

    def start(self) -> Supervisor:
        for child in self.children:
            self.spawn(child)
        return self

    def poll(self) -> None:
        now = time.monotonic()
        for child in self.children:
            if child.proc is None:
                if now >= child.restart_at and not self._stop.is_set():
                    child.restarts += 1
                    self.spawn(child)
                continue
            code = child.proc.poll()
            if code is None:
                continue
            reason = exit_reason(code)
            ran = now - child.started
            child.failures = 1 if ran >= STABLE_AFTER else child.failures + 1
            delay = restart_delay(child.failures, self.first_delay)
            child.reasons.append(reason)
            log.error(
                "task worker %s (pid %s) %s after %.0f s; restarting in %.0f s",
                child.name,
                child.proc.pid,
                reason,
                ran,
                delay,
            )
            self.on_down(child.name, reason, child.proc.pid)
            child.proc = None
            child.restart_at = now + delay

    def run_in_thread(self, every: float = 0.5) -> Supervisor:
        def loop() -> None:
            while not self._stop.wait(every):
                try:
                    self.poll()
                except Exception:  # noqa: BLE001 - the supervisor itself must not die
                    log.exception("task worker supervisor round failed")

        self._thread = threading.Thread(target=loop, name="task-supervisor", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 10) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        procs = [c.proc for c in self.children if c.proc is not None]
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def default_prefix(port: int | None = None) -> str:
    base = os.environ.get("TASK_WORKER_NAME_PREFIX") or socket.gethostname()
    return f"{base}:{port}" if port else base
