"""Benchmark: the KPI rollup over 1,000,000 cases on the full-scale district.

Target (issue 19): the year's rollup for the whole district, and for every level-1 grid at
once, takes ≤ 150 ms on PostgreSQL. The "ORM" figures time the public functions
(cases.kpis.kpis_compute / kpis_per_level, including building the result dataclasses), which
read the daily aggregates (cases.kpis.daily, built here by kpi_rebuild, timed once); "live"
times the same figures computed from the cases (kpis_compute_live / kpis_grouped_live, the
test oracle), and "hand SQL" one hand-written query over the cases. The bench asserts that
all three give identical numbers.

Standalone:  GONGZHI_MODE=test .venv/bin/python bench/bench_kpis.py
bench/run.py calls main(report), which measures on PostgreSQL whatever database the other
benchmarks use: the target is a PostgreSQL one, and the hand-written query is PostgreSQL SQL.

The data lives in a database of its own (`<DATABASE_URL name>_kpis`, default
gongzhi_bench_kpis), built once and reused while it holds
exactly the expected rows: the full-scale grid tree (gongzhi.seeding.district, 36 / 224 /
1,275 / 2,689 / 8,093 grids) and CASES cases inserted with COPY (executemany on SQLite),
with plausible states, milestones, deadlines and resolution levels over two years,
inserted in chronological order as a live system would. BENCH_KPI_REBUILD=1 rebuilds.
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
CASES = int(os.environ.get("BENCH_KPI_CASES", "1000000"))
RUNS = int(os.environ.get("BENCH_KPI_RUNS", "7"))
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/gongzhi_bench"
ORDER = 70
TZ = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 1, 10, 12, 0, tzinfo=TZ)  # the frozen "now" of every measurement
FIRST = dt.datetime(2024, 1, 1, tzinfo=TZ)  # cases are reported from here up to NOW


def _url(kind: str) -> str:
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        base = PG_DEFAULT
    head, _, name = base.rpartition("/")
    return f"{head}/{name.split('?')[0]}_kpis"


def measure(kind: str) -> dict:
    env = dict(os.environ, GONGZHI_MODE="test", DATABASE_URL=_url(kind))
    env.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT)])
    proc = subprocess.run(
        [sys.executable, __file__, "--child"], env=env, capture_output=True, text=True
    )
    sys.stderr.write(proc.stderr[-3000:] if proc.returncode else "")
    if proc.returncode != 0:
        raise RuntimeError(f"bench_kpis child failed on {kind}")
    for line in proc.stdout.splitlines()[:-1]:
        print("    | " + line, flush=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(report) -> None:
    for kind in ("postgresql",):
        r = measure(kind)
        for key, label in (("district", "whole district"), ("level1", "every level-1 grid")):
            for period in r["periods"]:
                m = r["figures"][f"{key}_{period}"]
                note = (
                    f"{label}, period {period} ({m['due']:,} cases due); daily aggregates; "
                    f"live from the cases {m['live_ms']:.0f} ms, hand SQL {m['sql_ms']:.0f} ms; "
                    f"median of {RUNS}; {r['cases']:,} cases"
                )
                if kind == "postgresql":
                    note = "target ≤ 150 ms; " + note
                report(f"kpi_{key}_{period}_ms_{kind}", m["orm_ms"], "ms", note)


# --- the child process: build (or reuse) the data, then measure ----------------------------


def _reset_database() -> None:
    from django.core.management import call_command

    from bench.harness import wipe_database

    wipe_database()
    call_command("migrate", verbosity=0, interactive=False)


def _present() -> bool:
    from gongzhi.cases.models import Case
    from gongzhi.grids.models import Grid
    from gongzhi.seeding.scale import FULL

    try:
        grids = Grid.objects.count()
        return grids == 1 + sum(FULL.level_totals) and Case.objects.count() == CASES
    except Exception:  # noqa: BLE001 - no tables yet
        return False


def _build(log) -> None:
    from gongzhi.seeding.district import tree_create, tree_plan
    from gongzhi.seeding.scale import FULL

    _reset_database()
    started = time.perf_counter()
    tree = tree_plan(FULL, random.Random(20260110))
    tree_create(tree, batch_size=5000, log=lambda _msg: None)
    log(f"grid tree: {sum(len(level) for level in tree.levels):,} grids")
    from gongzhi.grids.models import Grid

    # Where cases happen: mostly in units, some in buildings and compounds.
    levels = {
        lvl: list(Grid.objects.filter(level=lvl).values_list("pk", "path")) for lvl in (3, 4, 5)
    }
    by_path = {path: pk for lvl in levels.values() for pk, path in lvl}
    cases_insert(levels, by_path, log)
    log(f"built in {time.perf_counter() - started:.0f} s")


def cases_insert(
    levels: dict,
    by_path: dict,
    log,
    *,
    n: int = CASES,
    first: dt.datetime = FIRST,
    now: dt.datetime = NOW,
    number_from: int = 0,
    seed: int = 7,
) -> int:
    """Insert n cases reported between `first` and `now` (as they stand at `now`) in the grids
    of `levels` ({level: [(pk, path)]}; `by_path` maps every path to its pk), numbered from
    `number_from`. Returns the follow-ups inserted. bench_province loads each district so."""
    from django.db import transaction

    from gongzhi.cases.models import Case, Category, FollowUp, Rating, State
    from gongzhi.seeding.bulk import FastInsert

    rng = random.Random(seed)
    cats = list(Category.objects.filter(parent__isnull=False).values_list("pk", flat=True))
    cases, follow_ups = FastInsert(Case), FastInsert(FollowUp)
    step = 4  # Grid.steplen
    span = (now - first).total_seconds()
    H = dt.timedelta(hours=1)
    chunk, fchunk = [], []
    for i in range(n):
        level = rng.choices((5, 4, 3), (85, 10, 5))[0]
        grid_id, path = rng.choice(levels[level])
        # Chronological, as a live system inserts them (the physical order matters to PG).
        created = first + dt.timedelta(seconds=(i + rng.random()) * span / n)
        row = {
            "number": f"SJB{number_from + i:012d}", "title": "楼院杂草无人清理", "description": "合成数据",
            "category_id": rng.choice(cats), "channel": "hotline", "grid_id": grid_id,
            "owning_grid_id": grid_id, "owning_level": level, "urgency": "normal",
            "created_at": created, "updated_at": created,
            "accept_yellow_at": created + 12 * H, "accept_red_at": created + 24 * H,
        }  # fmt: skip
        state, milestones = _life(rng, created, level, row)
        for key, value in list(milestones.items()):
            if isinstance(value, dt.datetime) and value > now:  # the case as it stands at now
                milestones[key] = None
        state = _state_at(state, milestones, row)
        if milestones.get("resolved_level_grid") is not None:
            up = level - milestones["resolved_level_grid"]
            row["owning_grid_id"] = (
                by_path.get(path[: len(path) - step * up], grid_id) if up > 0 else grid_id
            )
        milestones.pop("resolved_level_grid", None)
        milestones.pop("first_handle_red_at", None)
        row.update(milestones)
        row["state"] = state
        pk = cases.next_id(at=created)  # PostgreSQL: the id picks the year partition
        row["id"] = pk
        if row.get("followed_up_at"):
            rating = row["satisfaction"]
            resolved = rating != Rating.UNSATISFIED and rng.random() > 0.03
            row["follow_up_resolved"] = resolved  # the case's copy of its latest follow-up
        chunk.append(cases.row(row))
        if row.get("followed_up_at"):
            fchunk.append(
                follow_ups.row(
                    {
                        "id": follow_ups.next_id(),
                        "case_id": pk,
                        "rating": rating,
                        "stars": {"satisfied": 5, "basic": 4}.get(rating, 1),
                        "resolved": resolved,
                        "comment": "",
                        "at": row["followed_up_at"],
                    }
                )
            )
        if len(chunk) >= 20000:
            with transaction.atomic():
                cases.write(chunk)
                follow_ups.write(fchunk)
            chunk, fchunk = [], []
            if cases.inserted % 200000 == 0:
                log(f"cases: {cases.inserted:,}")
    with transaction.atomic():
        cases.write(chunk)
        follow_ups.write(fchunk)
    cases.finish()
    follow_ups.finish()
    log(f"cases: {cases.inserted:,}; follow-ups: {follow_ups.inserted:,}")
    _ = State
    return follow_ups.inserted


def _life(rng: random.Random, created: dt.datetime, level: int, row: dict):
    """A plausible life: (final state if nothing were cut at NOW, milestone timestamps)."""
    H, D = dt.timedelta(hours=1), dt.timedelta(days=1)
    m: dict = {}
    fate = rng.random()
    if fate < 0.02:
        return "rejected", m
    if fate < 0.03:
        return "merged", m
    accepted = created + H * rng.expovariate(1 / 4)
    m["accepted_at"] = accepted
    m["accepted_on_time"] = accepted <= row["accept_red_at"]
    m["responded_at"] = accepted + H * rng.expovariate(1 / 3) if rng.random() < 0.97 else None
    m["handle_yellow_at"], m["handle_red_at"] = accepted + 7 * D, accepted + 9 * D
    if rng.random() < 0.05:
        return "in_progress", m
    resolved = accepted + D * rng.expovariate(1 / 4)
    m["resolved_at"] = resolved
    m["resolved_on_time"] = resolved <= m["handle_red_at"]
    m["resolved_level"] = rng.choices([level, max(level - 1, 1), 1, 0, -1], [60, 12, 8, 17, 3])[0]
    m["resolved_level_grid"] = max(m["resolved_level"], 1)
    m["rework_count"] = 1 if rng.random() < 0.06 else 0
    m["verified_at"] = resolved + D * rng.random()
    m["closed_at"] = m["verified_at"] + H * rng.random()
    if rng.random() < 0.15:
        return "closed", m
    m["followed_up_at"] = m["closed_at"] + D * (1 + rng.random())
    m["satisfaction"] = rng.choices(["satisfied", "basic", "unsatisfied"], [72, 20, 8])[0]
    if m["satisfaction"] == "unsatisfied":
        m["rehandle_count"] = 1
        m["first_handle_red_at"] = m["handle_red_at"]
        m["handle_red_at"] = m["followed_up_at"] + 9 * D  # the reopened round's deadline
        return "in_progress", m
    return "archived" if rng.random() < 0.5 else "followed_up", m


def _state_at(state: str, m: dict, row: dict) -> str:
    """The state at NOW, given the milestones that have happened by then."""
    if state in ("rejected", "merged"):
        return state
    if m.get("accepted_at") is None:
        for key in ("accepted_on_time", "responded_at", "handle_yellow_at", "handle_red_at"):
            m[key] = None
        m.pop("resolved_level_grid", None)
        return "reported"
    if m.get("resolved_at") is None:
        for key in ("resolved_on_time", "resolved_level", "verified_at", "closed_at"):
            m[key] = None
        m.update(followed_up_at=None, satisfaction="", rehandle_count=0, rework_count=0)
        m.pop("resolved_level_grid", None)
        return "in_progress"
    if m.get("closed_at") is None:
        m.update(followed_up_at=None, satisfaction="", rehandle_count=0)
        return "verified" if m.get("verified_at") else "resolved"
    if m.get("followed_up_at") is None:
        m.update(satisfaction="", rehandle_count=0)
        if m.get("first_handle_red_at"):
            m["handle_red_at"] = m["first_handle_red_at"]
        return "closed"
    if state == "in_progress" and m.get("rehandle_count"):
        return "in_progress"
    return state


def _hand_sql(grouped: bool) -> str:
    """The same numbers in one hand-written query: window flags once per row, then FILTERs."""
    group = "substr(g.path, 1, 8)" if grouped else "NULL"
    return f"""
    SELECT {group} AS grp,
      count(*) FILTER (WHERE a) AS accept_due,
      count(*) FILTER (WHERE a AND c.accepted_on_time) AS accept_timely,
      count(*) FILTER (WHERE a AND c.responded_at <= c.accept_red_at) AS responded,
      count(*) FILTER (WHERE h) AS close_due,
      count(*) FILTER (WHERE h AND closed_now) AS closed,
      count(*) FILTER (WHERE h AND closed_now AND c.resolved_on_time) AS closed_on_time,
      count(*) FILTER (WHERE h AND c.closed_at IS NOT NULL) AS closed_once,
      count(*) FILTER (WHERE h AND c.followed_up_at IS NOT NULL) AS followed,
      count(*) FILTER (WHERE h AND c.followed_up_at IS NOT NULL
                       AND c.satisfaction IN ('satisfied', 'basic')) AS rated_good,
      count(*) FILTER (WHERE h AND c.followed_up_at IS NOT NULL
                       AND c.follow_up_resolved) AS rated_resolved,
      count(*) FILTER (WHERE h AND c.closed_at IS NOT NULL AND c.rehandle_count > 0)
          AS rehandled,
      sum(c.rework_count) FILTER (WHERE h) AS reworks,
      sum(c.rework_count + c.rehandle_count) FILTER (WHERE h) AS earlier_resolutions,
      count(*) FILTER (WHERE h AND resolved_now) AS standing_resolutions,
      count(*) FILTER (WHERE h AND c.resolved_at IS NOT NULL) AS handled,
      sum(c.resolved_at - c.created_at) FILTER (WHERE h AND c.resolved_at IS NOT NULL)
          AS handling_total,
      count(*) FILTER (WHERE h AND g.level >= 1) AS raised_in_grids,
      count(*) FILTER (WHERE h AND g.level >= 1 AND resolved_now AND c.resolved_level >= 1
                       AND c.resolved_level IS NOT NULL) AS in_grid,
      count(*) FILTER (WHERE h AND resolved_now AND c.resolved_level >= 0) AS in_community
    FROM (
      SELECT c.*,
        (c.accept_red_at >= %(start)s AND c.accept_red_at < %(end)s
         AND c.accept_red_at <= %(now)s) AS a,
        (c.handle_red_at >= %(start)s AND c.handle_red_at < %(end)s
         AND c.handle_red_at <= %(now)s) AS h,
        c.state IN ('closed', 'followed_up', 'archived') AS closed_now,
        (c.state IN ('resolved', 'verified', 'closed', 'followed_up', 'archived')
         AND c.resolved_level IS NOT NULL) AS resolved_now
      FROM cases_case c
      WHERE c.state NOT IN ('rejected', 'merged')
        AND ((c.accept_red_at >= %(start)s AND c.accept_red_at < %(end)s
              AND c.accept_red_at <= %(now)s)
          OR (c.handle_red_at >= %(start)s AND c.handle_red_at < %(end)s
              AND c.handle_red_at <= %(now)s))
    ) c JOIN grids_grid g ON g.id = c.grid_id
    WHERE g.path >= %(lo)s AND g.path < %(hi)s {"AND g.depth >= 2" if grouped else ""}
    {"GROUP BY 1" if grouped else ""}
    """  # noqa: S608 - constant text; values are parameters


def _child() -> None:
    import django

    django.setup()
    from django.db import connection

    from bench.harness import median, timed
    from gongzhi.cases.kpis import (
        kpis_compute,
        kpis_compute_live,
        kpis_grouped_live,
        kpis_per_level,
        period_custom,
    )
    from gongzhi.cases.kpis.compute import kpiset_from_row
    from gongzhi.core.paths import successor
    from gongzhi.grids.models import Grid

    def log(msg: str) -> None:
        print(msg, flush=True)

    if connection.vendor != "postgresql":
        raise SystemExit("the hand-written query is PostgreSQL SQL; run on PostgreSQL")
    if _present():  # built by an older checkout: bring its schema up to date first
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
    rebuild = os.environ.get("BENCH_KPI_REBUILD") == "1" or not _present()
    if rebuild:
        _build(log)
    from gongzhi.cases.kpis.daily import kpi_rebuild
    from gongzhi.cases.models import KpiDay, KpiSealed

    if rebuild or KpiSealed.objects.filter(through__gte=NOW.date()).count() != 1:
        started = time.perf_counter()
        kpi_rebuild()
        log(f"daily aggregates rebuilt in {time.perf_counter() - started:.1f} s")
    log(f"daily aggregate rows: {KpiDay.objects.count():,}")
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    root = Grid.objects.get(depth=1)
    periods = {
        "month": period_custom(dt.date(2025, 12, 1), dt.date(2025, 12, 31)),
        "year": period_custom(dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
    }
    if connection.vendor != "postgresql":
        raise SystemExit("the hand-written query is PostgreSQL SQL; run on PostgreSQL")
    figures = {}
    for jit, pname in [(j, p) for j in ("on", "off") for p in periods]:
        period = periods[pname]
        with connection.cursor() as cur:
            # PostgreSQL's JIT compiles these wide aggregates for ~100 ms; measure both ways.
            cur.execute(f"SET jit = {jit}")
        params = {
            "start": period.start, "end": period.end, "now": NOW,
            "lo": root.path, "hi": successor(root.path),
        }  # fmt: skip

        def orm_district(period=period):
            return kpis_compute(period=period, grid=root, now=NOW)

        def orm_level1(period=period):
            return kpis_per_level(root=root, level=1, period=period, now=NOW)

        def live_district(period=period):
            return kpis_compute_live(period=period, grid=root, now=NOW)

        def live_level1(period=period):
            return kpis_grouped_live(period=period, depth=2, grid=root, now=NOW)

        def hand(grouped: bool, params=params):
            with connection.cursor() as cur:
                cur.execute(_hand_sql(grouped), params)
                cols = [c[0] for c in cur.description]
                return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]

        # Identical numbers, or the timings mean nothing.
        by_sql = {r.pop("grp"): kpiset_from_row(r) for r in hand(True)}
        assert orm_level1() == by_sql, "ORM and hand SQL disagree (level 1)"
        whole = hand(False)[0]
        whole.pop("grp")
        assert orm_district() == kpiset_from_row(whole), "ORM and hand SQL disagree"
        assert live_level1() == by_sql and live_district() == orm_district(), "live disagrees"
        due = orm_district()
        for key, orm, live, sql in (
            ("district", orm_district, live_district, lambda: hand(False)),
            ("level1", orm_level1, live_level1, lambda: hand(True)),
        ):
            orm_t, live_t, sql_t = [], [], []
            for _ in range(RUNS):  # interleaved, so load on the shared machine hits all
                orm_t += timed(orm, runs=1, warmup=0)
                live_t += timed(live, runs=1, warmup=0)
                sql_t += timed(sql, runs=1, warmup=0)
            o, lv, s = median(orm_t), median(live_t), median(sql_t)
            figures[f"{key}_{pname}" + ("" if jit == "on" else "_nojit")] = {
                "orm_ms": round(o, 1), "live_ms": round(lv, 1), "sql_ms": round(s, 1),
                "ratio": round(o / s, 2), "due": due.closure.denominator,
                "orm_runs": [round(t, 1) for t in orm_t], "live_runs": [round(t) for t in live_t],
                "sql_runs": [round(t) for t in sql_t],
            }  # fmt: skip
            log(
                f"{key} {pname} jit={jit}: aggregates {o:.1f} ms, live {lv:.0f} ms, "
                f"SQL {s:.0f} ms ({orm_t} / {live_t} / {sql_t})"
            )
    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "cases": CASES,
                "periods": [*periods, *(f"{p}_nojit" for p in periods)],
                "figures": figures,
                "median_of": RUNS,
            }
        )
    )


if __name__ == "__main__":
    if "--child" in sys.argv:
        _child()
    else:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(measure("postgresql")["figures"], indent=1))
