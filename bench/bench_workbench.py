"""Workbench benchmarks (issue 6).

1. Diary burst: N grid workers (default 14,038, the seed's count) each POST one diary entry
   to `gongzhi serve --no-worker` on a free loopback port, all in one concurrent burst.
   Runs against its own throwaway SQLite file (var/bench/bench_workbench.sqlite3, wiped at
   the start), prepared in a child process: the small test district, then the workers
   bulk-created with one shared precomputed password hash and their sessions written
   straight into the session table (no login round-trips). Reports req/s and errors, and
   checks that exactly N entries were written.
2. "My tasks" latency: p50/p95 of workbench.selectors.my_tasks for grid workers in the
   harness database (whatever scale it holds: bench_seed leaves the full district there);
   the note records how many cases that database holds.

Run as a script it is the child: `python bench/bench_workbench.py --prepare N OUT.json`.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

ORDER = 70
ROOT = Path(__file__).resolve().parents[1]
WORKERS = int(os.environ.get("BENCH_WB_WORKERS", "14038"))
CONCURRENCY = int(os.environ.get("BENCH_WB_CONCURRENCY", "64"))
TASK_SAMPLE = int(os.environ.get("BENCH_WB_TASK_SAMPLE", "200"))
DB = ROOT / "var" / "bench" / "bench_workbench.sqlite3"
CSRF = "b" * 32  # one CSRF secret, sent as cookie and header by every request


def main(report) -> None:
    _burst(report)
    _my_tasks(report)


# --- 1. the burst ------------------------------------------------------------------------------


def _burst(report) -> None:
    from bench.bench_open311 import _free_port, _wait_up
    from bench.harness import gongzhi

    for suffix in ("", "-wal", "-shm"):
        Path(f"{DB}{suffix}").unlink(missing_ok=True)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{DB}", "GONGZHI_MODE": "test"}
    sessions_file = DB.with_suffix(".sessions.json")
    subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, __file__, "--prepare", str(WORKERS), str(sessions_file)],
        env=env,
        check=True,
    )
    sessions = json.loads(sessions_file.read_text())
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(  # noqa: S603
        gongzhi("serve", "--no-worker", "--host", "127.0.0.1", "--port", str(port)),
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
    )
    try:
        _wait_up(f"{base}/healthz")
        result = _load(f"{base}/workbench/diary/new/", sessions)
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    count = (
        subprocess.run(  # noqa: S603
            [sys.executable, __file__, "--count"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    note = f"{WORKERS} workers, one POST each, {CONCURRENCY} connections, SQLite, 1 uvicorn"
    report("diary_burst_rps", result["rps"], "req/s", note)
    report("diary_burst_errors", result["failed"], "errors", result["sample"][:120])
    report("diary_burst_rows", int(count), "rows", f"expected {WORKERS}")


def _load(url: str, sessions: list[str]) -> dict:
    failed, sample, lock = [0], [""], threading.Lock()
    queue = list(enumerate(sessions))
    today = time.strftime("%Y-%m-%d")

    def one(i: int, sid: str) -> None:
        body = (
            f"date={today}&role=info_collector&duty=opinion_gathering"
            f"&text=%E8%B5%B0%E8%AE%BF{i}&minutes_spent=20"
        ).encode()
        req = urllib.request.Request(
            url,
            data=body,
            headers={  # noqa: S310 - loopback
                "Cookie": f"sessionid={sid}; csrftoken={CSRF}",
                "X-CSRFToken": CSRF,
                "Accept": "application/json",
                "Idempotency-Key": uuid.uuid4().hex,
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        try:
            with urllib.request.urlopen(req, timeout=120) as resp:  # noqa: S310
                resp.read()
        except (urllib.error.URLError, OSError) as exc:
            with lock:
                failed[0] += 1
                detail = exc.read()[:200] if isinstance(exc, urllib.error.HTTPError) else b""
                sample[0] = f"{exc} {detail.decode(errors='replace')}"

    def worker() -> None:
        while True:
            with lock:
                if not queue:
                    return
                i, sid = queue.pop()
            one(i, sid)

    threads = [threading.Thread(target=worker) for _ in range(CONCURRENCY)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    return {"rps": len(sessions) / seconds, "failed": failed[0], "sample": sample[0]}


def _prepare(n: int, out: str) -> None:
    """In the throwaway database: migrate, the test district, n workers with sessions."""
    import django

    django.setup()
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.core.management import call_command
    from django.utils import timezone
    from django.utils.crypto import get_random_string, salted_hmac

    from gongzhi.core.roles import Role
    from gongzhi.core.testing import build_district
    from gongzhi.grids.models import Grid
    from gongzhi.org.models import GridAssignment, Staff

    call_command("migrate", verbosity=0)
    build_district()
    units = list(Grid.objects.filter(level=5))
    User = get_user_model()
    shared = make_password("bench-not-a-secret")  # hashed once, shared by every worker
    users = User.objects.bulk_create(
        User(username=f"bench_wb_{i:05d}", password=shared) for i in range(n)
    )
    users = list(User.objects.filter(username__startswith="bench_wb_").order_by("pk"))
    staff = Staff.objects.bulk_create(
        Staff(user=u, name=f"网格员{i}", role=Role.GRID_WORKER, info_collector=True)
        for i, u in enumerate(users)
    )
    staff = list(Staff.objects.filter(user__in=users).order_by("pk"))
    GridAssignment.objects.bulk_create(
        GridAssignment(staff=s, grid=units[i % len(units)]) for i, s in enumerate(staff)
    )
    # The session auth hash depends only on the password hash, which every worker shares.
    auth_hash = salted_hmac(
        "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash",
        shared,
        algorithm="sha256",
    ).hexdigest()
    store, expiry = SessionStore(), timezone.now() + dt.timedelta(days=1)
    rows, keys = [], []
    for u in users:
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        data = {
            "_auth_user_id": str(u.pk),
            "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
            "_auth_user_hash": auth_hash,
        }
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expiry))
        keys.append(key)
    Session.objects.bulk_create(rows, batch_size=2000)
    Path(out).write_text(json.dumps(keys))


def _count() -> None:
    import django

    django.setup()
    from gongzhi.workbench.models import DiaryEntry

    print(DiaryEntry.objects.count())


# --- 2. my tasks --------------------------------------------------------------------------


def _my_tasks(report) -> None:
    from django.contrib.auth import get_user_model

    from bench.harness import timed
    from gongzhi.cases.models import Case
    from gongzhi.core.roles import Role
    from gongzhi.workbench.selectors import my_tasks

    User = get_user_model()
    ids = list(
        User.objects.filter(staff__role=Role.GRID_WORKER, staff__grid_assignments__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)[:TASK_SAMPLE]
    )
    if not ids:
        report("my_tasks_p95", 0, "ms", "skipped: no grid workers in the bench database")
        return
    cases = Case.objects.count()
    samples = []
    for pk in ids:
        user = User.objects.get(pk=pk)  # fresh user: no cached scope between runs
        samples += timed(lambda u=user: my_tasks(u), runs=1, warmup=0)
    samples.sort()
    p95 = samples[int(0.95 * (len(samples) - 1))]
    p50 = samples[len(samples) // 2]
    note = f"{len(ids)} workers, {cases:,} cases in the database; target p95 ≤ 50 ms at 1M cases"
    report("my_tasks_p50", p50, "ms", note)
    report("my_tasks_p95", p95, "ms", note)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
    if sys.argv[1:2] == ["--prepare"]:
        _prepare(int(sys.argv[2]), sys.argv[3])
    elif sys.argv[1:2] == ["--count"]:
        _count()
