"""Benchmark: a province of full-scale districts with cases (issue 18's scale targets).

On PostgreSQL, N synthetic districts at full scale (default 10: ~4.5 million residents, ~120,000
grids) and CASES_PER_DISTRICT cases in each (default 1,000,000: 10,000,000 in all). Targets:
the registry's first page for a township ≤ 50 ms, a district's KPI roll-up ≤ 500 ms, the
province's ≤ 2 s, case creation ≥ 500 per second through the service layer, and the seed of
10 districts ≤ 30 minutes.

Steps, each in child processes (wall time, peak RSS by os.wait4, load average before/after):
1. a fresh database (DROP/CREATE), `gongzhi migrate`, then
   `gongzhi seed --scale province --districts N --per-district full`; the seed's lines are
   time-stamped as they arrive, so the elapsed time when each district is done shows how the
   per-district cost grows;
2. cases: bench_kpis's loader (cases_insert: COPY, plausible lives, chronological order) fills
   each district over the year before NOW, in its levels 3-5 grids (mostly the units), then
   `gongzhi kpi_rebuild` builds the daily aggregates, as the product does after a bulk load;
3. reads, warm, median of RUNS: the people registry's first page (GET /people/residents/
   through Django's test client) as a township center's staff member; a district's and the
   province's KPI roll-up (kpis_compute over the daily aggregates) for the 365 days to NOW;
4. case_create as bench_case_create files a hotline report: CREATES cases in one process,
   then in two processes in parallel, RUNS runs each, cases/s.
The database is dropped at the end (it is tens of GB) unless BENCH_PROVINCE_KEEP=1. Every
step's figures go to bench/out/province-<start>.json as soon as they are known.

Standalone (the database named in DATABASE_URL is dropped and recreated; name it for this):
  GONGZHI_MODE=test DATABASE_URL=postgres://postgres@127.0.0.1:5432/gz_province \\
    .venv/bin/python bench/bench_province.py
bench/run.py runs it only when asked (`bench/run.py --only province`; DEFAULT = False), on
`<DATABASE_URL name>_province`. Knobs: BENCH_PROVINCE_DISTRICTS (10),
BENCH_PROVINCE_CASES_PER_DISTRICT (1000000), BENCH_PROVINCE_RUNS (7),
BENCH_PROVINCE_CREATES (2000), BENCH_PROVINCE_KEEP (0), BENCH_PROVINCE_REUSE (0: 1 measures the
reads and the creates again on the database a KEEP run left, without building or dropping it).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ORDER = 95
DEFAULT = False  # hours at full size: bench/run.py runs it only with --only province
DISTRICTS = int(os.environ.get("BENCH_PROVINCE_DISTRICTS", "10"))
CASES_PER_DISTRICT = int(os.environ.get("BENCH_PROVINCE_CASES_PER_DISTRICT", "1000000"))
RUNS = int(os.environ.get("BENCH_PROVINCE_RUNS", "7"))
CREATES = int(os.environ.get("BENCH_PROVINCE_CREATES", "2000"))
KEEP = os.environ.get("BENCH_PROVINCE_KEEP") == "1"
# Measure again on a database a KEEP run left: the reads and the creates only (no build, no drop).
REUSE = os.environ.get("BENCH_PROVINCE_REUSE") == "1"
REGISTRY_RUNS = max(RUNS, 15)  # a page is cheap; its times vary most on a shared machine


def _loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _env(url: str) -> dict:
    env = dict(os.environ, GONGZHI_MODE="test", DATABASE_URL=url, PYTHONUNBUFFERED="1")
    env.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT)])
    return env


def _run(cmd: list[str], url: str, *, echo: bool = True) -> dict:
    """Run a child; its wall time, peak RSS, load average around it, and its lines, each
    with the seconds since the start at which it arrived."""
    load_before = _loadavg()
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd, env=_env(url), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines = []
    assert proc.stdout is not None
    for line in proc.stdout:
        at = time.perf_counter() - started
        lines.append((round(at, 2), line.rstrip("\n")))
        if echo:
            print(f"    | {at:8.1f} s  {line}", end="", flush=True)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    proc.stdout.close()
    if code != 0:
        tail = "\n".join(text for _, text in lines[-40:])
        raise RuntimeError(f"{' '.join(cmd)} failed ({code}):\n{tail}")
    return {
        "seconds": round(seconds, 1),
        "max_rss_mb": round(usage.ru_maxrss / 1024),
        "load_before": load_before,
        "load_after": _loadavg(),
        "lines": lines,
    }


def _gongzhi(*args: str) -> list[str]:
    return [sys.executable, "-m", "gongzhi", *args, "--skip-checks"]


def _self(*args: str) -> list[str]:
    return [sys.executable, __file__, *args]


def _last_json(child: dict) -> dict:
    return json.loads(child["lines"][-1][1])


def _admin(url: str, sql: str, *params) -> list:
    """One statement on the server's `postgres` database (CREATE/DROP DATABASE, sizes)."""
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    with psycopg.connect(
        host=cfg["HOST"] or None,
        port=cfg["PORT"] or None,
        user=cfg["USER"] or None,
        password=cfg["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        cur = conn.execute(sql, params or None)
        return cur.fetchall() if cur.description else []


def _db_name(url: str) -> str:
    return url.rpartition("/")[2].split("?")[0]


def _district_marks(lines: list[tuple[float, str]]) -> list[float]:
    """Seconds since the seed started at which each district was done: the next district's
    header line, or for the last one the index rebuild's line."""
    starts = [at for at, text in lines if text.endswith(":") and "(6209" in text]
    ends = [at for at, text in lines if "重建索引" in text]
    return [round(t, 1) for t in (starts[1:] + ends[:1])]


class Recorder:
    def __init__(self, url: str):
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        self.path = ROOT / "bench" / "out" / f"province-{stamp}.json"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.data: dict = {
            "started_utc": stamp,
            "database": _db_name(url),
            "districts": DISTRICTS,
            "cases_per_district": CASES_PER_DISTRICT,
            "runs": RUNS,
            "commit": subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
            ).stdout.strip(),
            "steps": {},
        }

    def step(self, name: str, figures: dict) -> None:
        self.data["steps"][name] = figures
        self.path.write_text(json.dumps(self.data, ensure_ascii=False, indent=1))
        print(f"  {name}: {json.dumps(figures, ensure_ascii=False)}", flush=True)


def measure(url: str) -> dict:
    rec = Recorder(url)
    name = _db_name(url)
    print(f"bench_province: {DISTRICTS} districts × {CASES_PER_DISTRICT:,} cases on {name}")
    print(f"  figures: {rec.path.relative_to(ROOT)}", flush=True)
    if REUSE:
        rec.data["reused"] = True
        reads = _run(_self("--reads"), url)
        rec.step("reads", {**_last_json(reads), **_around(reads)})
        for procs in (1, 2):
            rec.step(f"create_{procs}p", _creates(url, procs))
        return rec.data
    try:
        _admin(url, f'DROP DATABASE IF EXISTS "{name}"')
        _admin(url, f'CREATE DATABASE "{name}"')
        mig = _run(_gongzhi("migrate", "--noinput", "-v0"), url, echo=False)
        rec.step("migrate", {k: v for k, v in mig.items() if k != "lines"})

        args = ("--scale", "province", "--districts", str(DISTRICTS), "--per-district", "full")
        seed = _run(_gongzhi("seed", *args), url)
        own = next((text for _, text in reversed(seed["lines"]) if "用时" in text), "")
        marks = _district_marks(seed["lines"])
        size = _admin(url, "SELECT pg_database_size(%s)", name)[0][0]
        rec.step(
            "seed",
            {
                **{k: v for k, v in seed.items() if k != "lines"},
                "own_timing": own,
                "district_done_at_s": marks,
                "db_size_mb": round(size / 2**20),
            },
        )

        load = _run(_self("--load"), url)
        loaded = _last_json(load)
        rebuild = _run(_gongzhi("kpi_rebuild"), url)
        size = _admin(url, "SELECT pg_database_size(%s)", name)[0][0]
        rec.step(
            "cases",
            {
                **{k: v for k, v in load.items() if k != "lines"},
                **loaded,
                "kpi_rebuild": {k: v for k, v in rebuild.items() if k != "lines"},
                "kpi_rebuild_says": rebuild["lines"][-1][1] if rebuild["lines"] else "",
                "db_size_mb": round(size / 2**20),
            },
        )

        reads = _run(_self("--reads"), url)
        rec.step("reads", {**_last_json(reads), **_around(reads)})

        for procs in (1, 2):
            rec.step(f"create_{procs}p", _creates(url, procs))
    finally:
        if not KEEP:
            _admin(url, f'DROP DATABASE IF EXISTS "{name}"')
            rec.data["dropped"] = True
            rec.path.write_text(json.dumps(rec.data, ensure_ascii=False, indent=1))
            print(f"  dropped {name}", flush=True)
    return rec.data


def _around(child: dict) -> dict:
    return {k: child[k] for k in ("seconds", "load_before", "load_after")}


def _creates(url: str, procs: int) -> dict:
    """RUNS runs of `procs` workers starting at one agreed instant, CREATES cases in all."""
    load_before = _loadavg()
    runs, cpu = [], []
    for _ in range(RUNS):
        start_at = time.time() + 5.0 + 2 * procs  # after every worker's start-up and warm-up
        workers = [
            subprocess.Popen(
                _self("--create", str(start_at), str(CREATES // procs)),
                env=_env(url),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(procs)
        ]
        done = []
        for w in workers:
            out, err = w.communicate()
            if w.returncode != 0:
                raise RuntimeError(f"create worker failed:\n{err[-3000:]}")
            done.append(json.loads(out.strip().splitlines()[-1]))
        if min(d["started"] for d in done) < start_at - 0.05:
            raise RuntimeError("a create worker started late; raise the start-up allowance")
        total = sum(d["n"] for d in done)
        runs.append(round(total / (max(d["ended"] for d in done) - start_at), 1))
        cpu.append(round(total / sum(d["cpu"] for d in done), 1))
    return {
        "procs": procs, "cases_per_run": CREATES, "runs_per_s": runs,
        "median_per_s": statistics.median(runs), "per_cpu_s": statistics.median(cpu),
        "load_before": load_before, "load_after": _loadavg(),
    }  # fmt: skip


def main(report) -> None:
    from bench.harness import throwaway_url

    r = measure(throwaway_url("postgresql", "province"))
    n = f"{r['districts']} districts × {r['cases_per_district']:,} cases"
    s = r["steps"]
    seed = s["seed"]
    report("province_seed_s", seed["seconds"], "s", f"target ≤ 1800 (10 districts); {n}")
    report("province_cases_load_s", s["cases"]["seconds"], "s", f"{n}; COPY")
    report("province_kpi_rebuild_s", s["cases"]["kpi_rebuild"]["seconds"], "s", n)
    reads = s["reads"]
    for key, target in (("registry_township", 50), ("kpi_district", 500), ("kpi_province", 2000)):
        report(
            f"province_{key}_ms",
            reads[key]["median_ms"],
            "ms",
            f"target ≤ {target}; {n}; median of {RUNS}",
        )
    for procs in (1, 2):
        c = s[f"create_{procs}p"]
        report(
            f"province_case_create_{procs}p_per_s",
            c["median_per_s"],
            "/s",
            f"target ≥ 500; {procs} process(es); {n}; median of {RUNS} × {CREATES}",
        )


# --- the child processes -------------------------------------------------------------------


def _django() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
    sys.path.insert(0, str(ROOT))
    django.setup()


def _load() -> None:
    """CASES_PER_DISTRICT cases in each district, over the 365 days before bench_kpis' NOW."""
    _django()
    from bench.bench_kpis import NOW, cases_insert
    from gongzhi.cases.models import Case
    from gongzhi.grids.models import Grid, Level

    first = NOW - dt.timedelta(days=365)
    started = time.perf_counter()
    follow_ups = 0
    per_district = []
    districts = list(Grid.objects.filter(level=Level.DISTRICT).order_by("path"))
    for index, district in enumerate(districts):
        t0 = time.perf_counter()
        under = Grid.objects.filter(path__startswith=district.path, level__in=(3, 4, 5))
        levels: dict[int, list] = {3: [], 4: [], 5: []}
        by_path = {}
        for pk, path, level in under.values_list("pk", "path", "level").order_by("path"):
            levels[level].append((pk, path))
            by_path[path] = pk
        for pk, path in Grid.objects.filter(
            path__startswith=district.path, level__in=(1, 2)
        ).values_list("pk", "path"):
            by_path[path] = pk  # a case resolved higher up moves to that grid
        by_path[district.path] = district.pk
        follow_ups += cases_insert(
            levels,
            by_path,
            lambda msg, d=district.name: print(f"{d} {msg}", flush=True),
            n=CASES_PER_DISTRICT,
            first=first,
            now=NOW,
            number_from=index * CASES_PER_DISTRICT,
            seed=7 + index,
        )
        per_district.append(round(time.perf_counter() - t0, 1))
    print(
        json.dumps(
            {
                "cases": Case.objects.count(),
                "follow_ups": follow_ups,
                "insert_s": round(time.perf_counter() - started, 1),
                "per_district_s": per_district,
            }
        )
    )


def _township_staff():
    """A center staff member (综治中心工作人员) of a township center of the first district."""
    from gongzhi.core.roles import Role
    from gongzhi.org.models import CenterLevel, Staff

    return (
        Staff.objects.filter(role=Role.CENTER_STAFF, center__level=CenterLevel.TOWNSHIP)
        .select_related("user", "center__grid")
        .order_by("center__grid__path", "pk")
        .first()
    )


def _reads() -> None:
    _django()
    from django.db import connection
    from django.test import Client

    from bench.bench_kpis import NOW
    from bench.bench_queries import PATH_ORDER, _first_page
    from bench.harness import timed
    from gongzhi.cases.kpis import kpis_compute, period_custom
    from gongzhi.grids.models import Grid, Level
    from gongzhi.people.models import Resident

    with connection.cursor() as cur:
        cur.execute("ANALYZE")  # what autovacuum does shortly after a bulk load
    out: dict = {}

    staff = _township_staff()
    client = Client()
    client.force_login(staff.user)

    def page():
        response = client.get("/people/residents/")
        assert response.status_code == 200, response.status_code
        return response

    queries: list[str] = []  # a wrapper: the test client's request_started clears queries_log

    def counted(execute, sql, *args):
        queries.append(sql)
        return execute(sql, *args)

    with connection.execute_wrapper(counted):
        body = page().content.decode()
    township = staff.center.grid
    runs = timed(page, runs=REGISTRY_RUNS, warmup=3)
    # The same page's data without the HTTP stack and the template (bench_queries' measure).
    rows = timed(lambda: _first_page(staff.user, township, order=PATH_ORDER), runs=REGISTRY_RUNS)
    out["registry_township"] = {
        "median_ms": round(statistics.median(runs), 1),
        "runs": [round(t, 1) for t in runs],
        "rows_median_ms": round(statistics.median(rows), 1),
        "rows_runs": [round(t, 1) for t in rows],
        "queries": len(queries),
        "bytes": len(body),
        "township": township.full_name,
        "residents_in_scope": Resident.objects.filter(grid__path__startswith=township.path).count(),
        "user": f"{staff.user.username} ({staff.role}, {staff.center.name})",
    }
    print(f"registry: {out['registry_township']}", flush=True)

    period = period_custom(
        (NOW - dt.timedelta(days=365)).date(), (NOW - dt.timedelta(days=1)).date()
    )
    province = Grid.objects.get(depth=1)
    district = Grid.objects.filter(level=Level.DISTRICT).order_by("path").first()
    for key, grid in (("kpi_district", district), ("kpi_province", province)):

        def rollup(grid=grid):
            return kpis_compute(period=period, grid=grid, now=NOW)

        result = rollup()
        runs = timed(rollup, runs=RUNS, warmup=2)
        out[key] = {
            "median_ms": round(statistics.median(runs), 1),
            "runs": [round(t, 1) for t in runs],
            "grid": grid.name,
            "cases_due": result.closure.denominator,
            "period": f"{period.start}..{period.end}",
        }
        print(f"{key}: {out[key]}", flush=True)
    print(json.dumps(out, ensure_ascii=False))


def _creator():
    """Filing one hotline report through case_create, as the first district's center staff
    would, in one of its units (as bench_case_create does in the test district)."""
    from gongzhi.cases.models import Category, Channel
    from gongzhi.cases.services import case_create
    from gongzhi.core.roles import Role
    from gongzhi.grids.models import Grid, Level
    from gongzhi.org.models import CenterLevel, Staff

    staff = (
        Staff.objects.filter(role=Role.CENTER_STAFF, center__level=CenterLevel.DISTRICT)
        .select_related("user", "center__grid")
        .order_by("center__grid__path", "pk")
        .first()
    )
    unit = (
        Grid.objects.filter(path__startswith=staff.center.grid.path, level=Level.UNIT)
        .order_by("path")
        .first()
    )
    fields = {
        "title": "楼院杂草无人清理",
        "description": "楼院内杂草丛生,长期无人清理。",
        "category": Category.objects.get(code="0102"),
        "channel": Channel.HOTLINE,
        "grid": unit,
        "address": unit.full_name,
        "contact_name": "王先生",
        "contact_phone": "13800001234",
    }
    return lambda: case_create(by=staff.user, **fields)


def _create(start_at: float, n: int) -> None:
    _django()
    from bench_case_create import timed_creates  # this file runs as a script: bench/ on the path

    timed_creates(_creator(), start_at, n)


if __name__ == "__main__":
    if "--load" in sys.argv:
        _load()
    elif "--reads" in sys.argv:
        _reads()
    elif "--create" in sys.argv:
        i = sys.argv.index("--create")
        _create(float(sys.argv[i + 1]), int(sys.argv[i + 2]))
    else:
        url = os.environ.get("DATABASE_URL", "")
        if not url.startswith("postgres"):
            raise SystemExit("DATABASE_URL must name a PostgreSQL database (it is recreated)")
        sys.path.insert(0, str(ROOT))
        measure(url)
