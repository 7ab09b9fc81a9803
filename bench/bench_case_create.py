"""Benchmark: case creation through cases.services.case_create (target ≥ 500 cases/s).

Standalone:  GONGZHI_MODE=test .venv/bin/python bench/bench_case_create.py [sqlite|postgresql]
bench/run.py imports this module and calls main(report), which measures on the database
kind bench/run.py is using.

Each measurement uses a throwaway database of its own (var/bench/bench_cases.sqlite3, or
`<DATABASE_URL name>_cases` on PostgreSQL), so the full-scale district other benchmarks leave
behind is not touched. A setup child migrates it and builds the small test district through
the services; then each run starts PROCS worker processes at one agreed instant (as a server
runs several workers), each creating CASES / PROCS cases after its own warm-up. A run's
figure is all cases over the time from that instant to the last worker's finish; the result
is the median of RUNS runs. PROCS defaults to 1 on SQLite (one writer at a time: more
processes only queue on its lock) and to the number of CPUs on PostgreSQL; BENCH_PROCS
overrides it. Each create is a full report as a hotline operator would file it: number,
deadlines from the policy, timeline event and supervisor notifications, in one transaction.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = int(os.environ.get("BENCH_CASES", "3000"))
RUNS = 3
ORDER = 60
WARMUP = 50
SQLITE_PATH = ROOT / "var" / "bench" / "bench_cases.sqlite3"
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/gongzhi_bench"


def _throwaway_url(kind: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{SQLITE_PATH}"
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        base = PG_DEFAULT
    head, _, name = base.rpartition("/")
    return f"{head}/{name.split('?')[0]}_cases"


def _procs(kind: str) -> int:
    default = 1 if kind == "sqlite" else (os.cpu_count() or 1)
    return int(os.environ.get("BENCH_PROCS", default))


def _spawn(kind: str, *args: str) -> subprocess.Popen:
    env = dict(os.environ, GONGZHI_MODE="test", DATABASE_URL=_throwaway_url(kind))
    env.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT)])
    return subprocess.Popen(
        [sys.executable, __file__, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _result(proc: subprocess.Popen) -> dict:
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"bench_case_create child failed:\n{err[-3000:]}")
    return json.loads(out.strip().splitlines()[-1])


def measure(kind: str) -> dict:
    """Set up the database, then time RUNS runs of PROCS concurrent workers."""
    setup = _result(_spawn(kind, "--setup"))
    procs = _procs(kind)
    runs, cpu = [], []
    for _ in range(RUNS):
        start_at = time.time() + 4.0 + procs  # after every worker's start-up and warm-up
        workers = [
            _spawn(kind, "--worker", str(start_at), str(CASES // procs)) for _ in range(procs)
        ]
        done = [_result(w) for w in workers]
        total = sum(d["n"] for d in done)
        if min(d["started"] for d in done) < start_at - 0.05:
            raise RuntimeError("a worker started late; raise the start-up allowance")
        runs.append(round(total / (max(d["ended"] for d in done) - start_at), 1))
        cpu.append(round(total / sum(d["cpu"] for d in done), 1))
    return {
        **setup, "procs": procs, "runs": runs, "median": statistics.median(runs),
        "cpu_median": statistics.median(cpu),
    }  # fmt: skip


def main(report) -> None:
    from bench.harness import vendor

    kind = vendor()
    r = measure(kind)
    report(
        f"case_create_per_s_{kind}",
        r["median"],
        "/s",
        f"target ≥ 500; {r['procs']} process(es); median of {RUNS} runs × {CASES} cases; "
        f"runs {r['runs']}; {r['queries']} queries per create; {r['cpu_median']:.0f}/s per "
        f"CPU-second of the bench processes; one bare commit takes {r['commit_ms']} ms",
    )


# --- the child processes -------------------------------------------------------------------


def _django():
    import django

    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    django.setup()


def _setup() -> None:
    _django()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings
    from harness import wipe_database  # this file runs as a script: bench/ is on sys.path

    wipe_database(SQLITE_PATH)
    call_command("migrate", verbosity=0, interactive=False)
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        from gongzhi.core.testing import build_district

        build_district()
    create = _creator()
    for _ in range(WARMUP):
        create()
    with CaptureQueriesContext(connection) as captured:
        create()
    out = {"commit_ms": _commit_latency_ms(), "queries": len(captured.captured_queries)}
    print(json.dumps(out))


def _creator():
    """A function filing one hotline report on behalf of the test district's center."""
    from django.contrib.auth import get_user_model

    from gongzhi.cases.models import Category, Channel
    from gongzhi.cases.services import case_create
    from gongzhi.org.models import GridAssignment

    operator = get_user_model().objects.get(username="center")
    # The test district's 公园路46号楼院 1号楼 1单元: the one grid of user "gridworker".
    unit_a = GridAssignment.objects.get(staff__user__username="gridworker").grid
    fields = {
        "title": "楼院杂草无人清理",
        "description": "公园路46号楼院内杂草丛生,长期无人清理。",
        "category": Category.objects.get(code="0102"),
        "channel": Channel.HOTLINE,
        "grid": unit_a,
        "address": "公园路46号楼院",
        "contact_name": "王先生",
        "contact_phone": "13800001234",
    }
    return lambda: case_create(by=operator, **fields)


def _worker(start_at: float, n: int) -> None:
    _django()
    timed_creates(_creator(), start_at, n)


def timed_creates(create, start_at: float, n: int) -> None:
    """Warm up, wait for the common start, run `n` creates; print wall and CPU as JSON
    (bench_province's create step runs its own creator through this too)."""
    for _ in range(WARMUP):  # caches, prepared plans, the day's number source
        create()
    time.sleep(max(0.0, start_at - time.time()))
    started, cpu_started = time.time(), time.process_time()
    for _ in range(n):
        create()
    ended = time.time()
    cpu = time.process_time() - cpu_started
    print(json.dumps({"n": n, "started": started, "ended": ended, "cpu": cpu}))


def _commit_latency_ms(n: int = 200) -> float:
    """The floor under any one-transaction-per-case design: one tiny durable commit."""
    from django.db import connection, transaction

    with connection.cursor() as cur:
        cur.execute("CREATE TABLE bench_commit_probe (x integer)")
    started = time.perf_counter()
    for _ in range(n):
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("INSERT INTO bench_commit_probe VALUES (1)")
    elapsed = time.perf_counter() - started
    with connection.cursor() as cur:
        cur.execute("DROP TABLE bench_commit_probe")
    return round(elapsed / n * 1000, 3)


if __name__ == "__main__":
    if "--setup" in sys.argv:
        _setup()
    elif "--worker" in sys.argv:
        i = sys.argv.index("--worker")
        _worker(float(sys.argv[i + 1]), int(sys.argv[i + 2]))
    else:
        sys.path.insert(0, str(ROOT))
        kinds = [a for a in sys.argv[1:] if a in ("sqlite", "postgresql")] or [
            "sqlite",
            "postgresql",
        ]
        for k in kinds:
            r = measure(k)
            print(
                f"{k}: {r['median']:.0f} cases/s with {r['procs']} process(es) (runs {r['runs']};"
                f" per CPU-second {r['cpu_median']:.0f}; {r['queries']} queries per create;"
                f" a bare commit {r['commit_ms']} ms)"
            )
