"""Benchmark: case creation through cases.services.case_create (target ≥ 500 cases/s).

Standalone:  GONGZHI_MODE=test .venv/bin/python bench/bench_case_create.py [sqlite|postgresql]
bench/run.py imports this module and calls main(report), which measures on the database
kind bench/run.py is using.

Each measurement runs in a child process against a throwaway database of its own
(var/bench/bench_cases.sqlite3, or `<DATABASE_URL name>_cases` on PostgreSQL), so the
full-scale district other benchmarks leave behind is not touched. The child migrates it,
builds the small test district through the services, then times CASES creates per run;
the figure is the median of RUNS runs. Each create is a full report as a hotline operator
would file it: number, deadlines from the policy, timeline event, supervisor
notifications and the durable deadline-check task, in one transaction.
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
CASES = int(os.environ.get("BENCH_CASES", "2000"))
RUNS = 3
ORDER = 60
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


def measure(kind: str) -> dict:
    """Run the child for one database kind; returns its JSON result."""
    env = dict(os.environ, GONGZHI_MODE="test", DATABASE_URL=_throwaway_url(kind))
    env.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT)])
    out = subprocess.run(
        [sys.executable, __file__, "--child"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"bench_case_create child failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(report) -> None:
    from bench.harness import vendor

    kind = vendor()
    result = measure(kind)
    report(
        f"case_create_per_s_{kind}",
        result["median"],
        "/s",
        f"target ≥ 500; median of {RUNS} runs × {CASES} cases; runs {result['runs']}; "
        f"{result['queries']} queries per create; {result['cpu_median']:.0f}/s per CPU-second "
        f"of the bench process; one bare commit takes {result['commit_ms']} ms",
    )


# --- the child process -------------------------------------------------------------------


def _reset_database() -> None:
    from django.core.management import call_command
    from harness import wipe_database  # this file runs as a script: bench/ is on sys.path

    wipe_database(SQLITE_PATH)
    call_command("migrate", verbosity=0, interactive=False)


def _child() -> None:
    import django

    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    django.setup()
    from django.contrib.auth.hashers import make_password  # noqa: F401 - warms the hasher
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    _reset_database()
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        from gongzhi.core.testing import build_district

        district = build_district()

    from gongzhi.cases.models import Category, Channel
    from gongzhi.cases.services import case_create

    category = Category.objects.get(code="0102")
    operator = district.users["center"]
    fields = {
        "title": "楼院杂草无人清理",
        "description": "公园路46号楼院内杂草丛生,长期无人清理。",
        "category": category,
        "channel": Channel.HOTLINE,
        "grid": district.unit_a,
        "address": "公园路46号楼院",
        "contact_name": "王先生",
        "contact_phone": "13800001234",
    }

    def create() -> None:
        case_create(by=operator, **fields)

    for _ in range(50):  # warm-up: caches, prepared plans, the first day's counter row
        create()
    with CaptureQueriesContext(connection) as captured:
        create()
    runs, cpu_runs = [], []
    for _ in range(RUNS):
        started, cpu_started = time.perf_counter(), time.process_time()
        for _ in range(CASES):
            create()
        runs.append(round(CASES / (time.perf_counter() - started), 1))
        cpu_runs.append(round(CASES / (time.process_time() - cpu_started), 1))
    print(
        json.dumps(
            {
                "commit_ms": _commit_latency_ms(),
                "vendor": connection.vendor,
                "runs": runs,
                "median": statistics.median(runs),
                # Creates per second of this process's own CPU time: what an idle core
                # would give when the machine is shared (the database server's work on
                # PostgreSQL is not in it).
                "cpu_median": statistics.median(cpu_runs),
                "queries": len(captured.captured_queries),
            }
        )
    )


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
    if "--child" in sys.argv:
        _child()
    else:
        sys.path.insert(0, str(ROOT))
        kinds = [a for a in sys.argv[1:] if a in ("sqlite", "postgresql")] or [
            "sqlite",
            "postgresql",
        ]
        for k in kinds:
            r = measure(k)
            print(
                f"{k}: {r['median']:.0f} cases/s (runs {r['runs']}; per CPU-second "
                f"{r['cpu_median']:.0f}; {r['queries']} queries per create; "
                f"a bare commit {r['commit_ms']} ms)"
            )
