"""Benchmark: the workbench's "my tasks" at full scale with 1,000,000 cases (issue 6).

Target: p95 ≤ 50 ms per call of workbench.selectors.my_tasks (the function the page uses),
after warm-up, for WORKERS grid workers each assigned to a real level-5 unit.

The data lives in a database of its own, `<DATABASE_URL name>_mytasks` (default
gongzhi_bench_mytasks): a copy of bench_kpis' database (CREATE DATABASE ... TEMPLATE, the
full-scale grid tree and 1,000,000 cases), or, when that is missing or busy, built here with
bench_kpis' builder. On top of it this bench adds, once, its grid workers (Staff +
GridAssignment to random level-5 units), some of each unit's cases dispatched/signed to the
worker, care residents with visit plans, and consultation tasks. The copy is kept for the next
run (BENCH_MT_REBUILD=1 starts again); bench_kpis' own database is never written.

Standalone:  GONGZHI_MODE=test .venv/bin/python bench/bench_mytasks.py
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ORDER = 75
WORKERS = int(os.environ.get("BENCH_MT_WORKERS", "200"))
PASSES = int(os.environ.get("BENCH_MT_PASSES", "3"))
PREFIX = "bench_mt_"
ASSIGNED_PER_WORKER = 8  # cases dispatched/signed to each worker
VISITS_PER_WORKER = 4
CONSULTATIONS_PER_WORKER = 2


def _url() -> str:
    from bench.bench_kpis import PG_DEFAULT

    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        base = PG_DEFAULT
    head, _, name = base.rpartition("/")
    return f"{head}/{name.split('?')[0]}_mytasks"


def measure() -> dict:
    env = dict(os.environ, GONGZHI_MODE="test", DATABASE_URL=_url())
    env.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT)])
    proc = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, __file__, "--child"], env=env, capture_output=True, text=True
    )
    sys.stderr.write(proc.stderr[-3000:] if proc.returncode else "")
    if proc.returncode != 0:
        raise RuntimeError("bench_mytasks child failed")
    for line in proc.stdout.splitlines()[:-1]:
        print("    | " + line, flush=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(report) -> None:
    r = measure()
    note = (
        f"{r['workers']} grid workers in level-5 units, {r['samples']} calls after one warm-up "
        f"pass; {r['cases']:,} cases, {r['queries']} queries per call; median "
        f"{r['tasks']} tasks per worker; target p95 ≤ 50 ms"
    )
    report("my_tasks_1m_p50_ms_postgresql", r["p50"], "ms", note)
    report("my_tasks_1m_p95_ms_postgresql", r["p95"], "ms", note)


# --- the child process -----------------------------------------------------------------------


def _admin_connect():
    import psycopg
    from django.db import connection

    params = connection.get_connection_params()
    for key in ("cursor_factory", "context"):
        params.pop(key, None)
    params["dbname"] = "postgres"
    return psycopg.connect(**params, autocommit=True)


def _ensure_database(log) -> None:
    """Copy bench_kpis' database if ours is missing; build it here if that cannot be done."""
    import psycopg
    from django.db import connection

    from bench import bench_kpis

    name = connection.settings_dict["NAME"]
    template = bench_kpis._url("postgresql").rpartition("/")[2]
    with _admin_connect() as conn:
        if os.environ.get("BENCH_MT_REBUILD") == "1":
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if conn.execute("select 1 from pg_database where datname = %s", [name]).fetchone():
            return
        try:  # fails if bench_kpis' database is missing or someone is connected to it
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            log(f"copied {template} to {name}")
        except psycopg.Error as exc:
            log(f"no copy of {template} ({exc.__class__.__name__}); building {name}")
    if not bench_kpis._present():
        bench_kpis._build(log)


def _seeded() -> bool:
    from gongzhi.org.models import Staff

    return Staff.objects.filter(user__username__startswith=PREFIX).count() == WORKERS


def _seed(log) -> None:
    """Grid workers in random level-5 units, with cases, visits and consultations of theirs."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from gongzhi.care.models import VisitPlan
    from gongzhi.cases.models import Case, State
    from gongzhi.cases.models.extras import Consultation, ConsultationTask
    from gongzhi.core import clock
    from gongzhi.core.roles import Role
    from gongzhi.grids.models import Grid
    from gongzhi.org.models import GridAssignment, Staff
    from gongzhi.people.models import Household, Resident

    rng = random.Random(606)
    User = get_user_model()
    with transaction.atomic():
        old = User.objects.filter(username__startswith=PREFIX)
        ConsultationTask.objects.filter(assignee__user__in=old).delete()
        VisitPlan.objects.filter(worker__user__in=old).delete()
        Case.objects.filter(assignee_staff__user__in=old).update(assignee_staff=None)
        Staff.objects.filter(user__in=old).delete()
        old.delete()
        units = rng.sample(list(Grid.objects.filter(level=5).values_list("pk", flat=True)), WORKERS)
        users = User.objects.bulk_create(
            User(username=f"{PREFIX}{i:04d}", password="!") for i in range(WORKERS)
        )
        staff = Staff.objects.bulk_create(
            Staff(user=u, name=f"网格员{i}", role=Role.GRID_WORKER, info_collector=True)
            for i, u in enumerate(users)
        )
        GridAssignment.objects.bulk_create(
            GridAssignment(staff=s, grid_id=g) for s, g in zip(staff, units, strict=True)
        )
        today = clock.today()
        assigned = consults = plans = 0
        for i, (s, unit) in enumerate(zip(staff, units, strict=True)):
            ids = list(
                Case.objects.filter(grid_id=unit)
                .order_by("-created_at")
                .values_list("pk", flat=True)[:ASSIGNED_PER_WORKER]
            )
            for n, pk in enumerate(ids):
                Case.objects.filter(pk=pk).update(
                    state=State.DISPATCHED if n % 2 else State.SIGNED, assignee_staff=s
                )
            assigned += len(ids)
            for n, pk in enumerate(ids[:CONSULTATIONS_PER_WORKER]):
                c = Consultation.objects.create(case_id=pk, topic="会商", scheduled_at=clock.now())
                ConsultationTask.objects.create(
                    consultation=c,
                    title=f"核实现场{n}",
                    assignee=s,
                    due_date=today + dt.timedelta(days=rng.randint(0, 10)),
                )
                consults += 1
            for n in range(VISITS_PER_WORKER):
                h = Household.objects.create(unit_id=unit, house_number=f"B{i}-{n}")
                r = Resident(
                    household=h,
                    grid_id=unit,
                    name=f"关爱对象{n}",
                    gender="F",
                    birth_date=dt.date(1940, 1, 1),
                    id_number_enc="-",
                    id_hash=f"{PREFIX}{i}-{n}",
                    id_prefix="000000",
                    id_suffix="0000",
                )
                r.save()
                VisitPlan.objects.create(
                    resident=r,
                    worker=s,
                    interval_days=30,
                    next_due_on=today + dt.timedelta(days=rng.randint(-5, 30)),
                )
                plans += 1
    log(
        f"seeded {WORKERS} workers: {assigned} cases assigned, {consults} consultation "
        f"tasks, {plans} visit plans"
    )


def _child() -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, connections
    from django.test.utils import CaptureQueriesContext

    from gongzhi.cases.models import Case
    from gongzhi.workbench.selectors import my_tasks

    def log(msg: str) -> None:
        print(msg, flush=True)

    if connection.vendor != "postgresql":
        raise SystemExit("the target is PostgreSQL; run on PostgreSQL")
    _ensure_database(log)
    connections.close_all()
    call_command("migrate", verbosity=0, interactive=False)
    if not _seeded():
        _seed(log)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    User = get_user_model()
    ids = list(
        User.objects.filter(username__startswith=PREFIX).order_by("pk").values_list("pk", flat=True)
    )

    def call(pk: int) -> tuple[float, int]:
        user = User.objects.select_related("staff").get(pk=pk)  # fresh: no cached scope
        started = time.perf_counter()
        tasks = my_tasks(user)
        return (time.perf_counter() - started) * 1000, len(tasks)

    for pk in ids:  # warm-up: plans, caches, connection
        call(pk)
    with CaptureQueriesContext(connection) as ctx:
        user = User.objects.get(pk=ids[0])
        before = len(ctx.captured_queries)
        my_tasks(user)
        queries = len(ctx.captured_queries) - before
    samples, sizes = [], []
    for _ in range(PASSES):
        for pk in ids:
            ms, n = call(pk)
            samples.append(ms)
            sizes.append(n)
    samples.sort()
    sizes.sort()
    p50 = samples[len(samples) // 2]
    p95 = samples[int(0.95 * (len(samples) - 1))]
    log(f"my_tasks: p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {samples[-1]:.1f} ms")
    print(
        json.dumps(
            {
                "workers": len(ids),
                "samples": len(samples),
                "p50": round(p50, 2),
                "p95": round(p95, 2),
                "max": round(samples[-1], 2),
                "queries": queries,
                "tasks": sizes[len(sizes) // 2],
                "cases": Case.objects.count(),
            }
        )
    )


if __name__ == "__main__":
    if "--child" in sys.argv:
        _child()
    else:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(measure(), indent=1))
