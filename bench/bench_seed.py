"""`gongzhi seed --scale full`: wall time and peak RSS, against raw-insert floors.

Each floor re-inserts the same 455,611 resident rows (same columns, values precomputed
by the seed) into the same table through the DB-API cursor: no ORM, no generation, no
encryption. The plain floor is executemany into the indexed table; the best floor
writes the way the seed does (COPY on PostgreSQL, executemany on SQLite, secondary
indexes rebuilt after the load). Targets: seed ≤ 180 s and ≤ 1.5 GB peak RSS.
"""

from __future__ import annotations

import os
import re
import time
from contextlib import nullcontext

from bench.harness import gongzhi, median, reset_database, run_child, vendor

ORDER = 10  # first: it leaves the full district behind for the query benchmarks
SEED_RUNS = int(os.environ.get("BENCH_SEED_RUNS", "3"))
FLOOR_RUNS = int(os.environ.get("BENCH_FLOOR_RUNS", "3"))
CHUNK = 5000
COMMAND = "gongzhi seed --scale full"


def main(report) -> None:
    walls, rss, people = [], [], []
    for i in range(SEED_RUNS):
        print(f"  seed run {i + 1}/{SEED_RUNS}", flush=True)
        reset_database()
        child = run_child(gongzhi("seed", "--scale", "full"))
        walls.append(child.seconds)
        rss.append(child.max_rss_mb)
        match = re.search(r"其中户和居民 ([\d.]+) 秒", child.output)
        people.append(float(match.group(1)) if match else float("nan"))
    runs = f"median of {SEED_RUNS}: " + ", ".join(f"{w:.1f}" for w in walls)
    report("seed_full_wall", median(walls), "s", f"{runs}; `{COMMAND}`")
    report("seed_full_peak_rss", max(rss), "MB", "max over runs, os.wait4 ru_maxrss of the child")
    report("seed_full_households_residents", median(people), "s", "households+residents phase")

    floors = insert_floor(FLOOR_RUNS, best=False)
    floor = median(floors)
    note = f"median of {FLOOR_RUNS}: " + ", ".join(f"{f:.1f}" for f in floors)
    report("resident_insert_floor", floor, "s", f"raw executemany, indexes live; {note}")
    report("seed_vs_floor", median(walls) / floor, "x", "whole seed ÷ raw executemany floor")

    bests = insert_floor(FLOOR_RUNS, best=True)
    best = median(bests)
    how = "COPY" if vendor() == "postgresql" else "executemany"
    note = f"median of {FLOOR_RUNS}: " + ", ".join(f"{f:.1f}" for f in bests)
    report("resident_best_floor", best, "s", f"raw {how}, indexes rebuilt after; {note}")
    report(
        "people_phase_vs_best_floor",
        median(people) / best,
        "x",
        "households+residents phase ÷ the seed's own write method, raw",
    )


def insert_floor(runs: int, *, best: bool) -> list[float]:
    """Re-insert the seeded residents `runs` times; seconds per run.

    best=False: executemany into the indexed table (the plain floor). best=True: the way
    the seed writes: COPY on PostgreSQL, indexes dropped for the load and rebuilt.
    """
    from django.db import connection

    from gongzhi.people.models import Resident, ResidentTag

    table, tags = Resident._meta.db_table, ResidentTag._meta.db_table
    columns = [f.column for f in Resident._meta.concrete_fields]
    with connection.cursor() as cur:
        cur.execute(f"CREATE TABLE bench_resident_copy AS SELECT * FROM {table}")
        cur.execute("CREATE INDEX bench_resident_copy_id ON bench_resident_copy (id)")
        cur.execute(f"CREATE TABLE bench_tag_copy AS SELECT * FROM {tags}")
    try:
        times = []
        for i in range(runs):
            with connection.cursor() as cur:
                cur.execute(f"DELETE FROM {tags}")
                cur.execute(f"DELETE FROM {table}")
                if vendor() == "postgresql":
                    cur.execute(f"VACUUM {table}")  # start each run from the same table state
            times.append(_insert_all(table, columns, best=best))
            print(f"  floor run {i + 1}/{runs}: {times[-1]:.1f} s", flush=True)
        with connection.cursor() as cur:
            cur.execute(f"INSERT INTO {tags} SELECT * FROM bench_tag_copy")
    finally:
        with connection.cursor() as cur:
            cur.execute("DROP TABLE bench_resident_copy")
            cur.execute("DROP TABLE bench_tag_copy")
    return times


def _insert_all(table: str, columns: list[str], *, best: bool) -> float:
    """Seconds spent inserting + committing; reading the source chunks is not timed."""
    from django.db import connection, transaction

    from gongzhi.people.models import Resident
    from gongzhi.seeding.bulk import indexes_deferred

    sqlite = vendor() == "sqlite"
    mark = "?" if sqlite else "%s"
    cols = ", ".join(columns)
    insert = f"INSERT INTO {table} ({cols}) VALUES ({', '.join([mark] * len(columns))})"
    select = f"SELECT {cols} FROM bench_resident_copy WHERE id > {mark} ORDER BY id LIMIT {CHUNK}"
    connection.ensure_connection()
    raw = connection.connection  # the DB-API connection under Django's wrapper
    if sqlite:  # the same pragmas the seed uses
        raw.execute("PRAGMA synchronous=OFF")
        raw.execute("PRAGMA cache_size=-131072")
        cur = raw.cursor()
    else:
        import psycopg

        # Server-side binding: one prepared statement, pipelined. (Django's default cursor
        # binds client-side and would send every row as new SQL text.)
        cur = psycopg.Cursor(raw)
    copy = best and not sqlite
    deferral = indexes_deferred(Resident) if best else nullcontext()
    reading, last = 0.0, 0
    started = time.perf_counter()
    # Exits in reverse: the index rebuild (if any), then the commit; both are timed.
    with transaction.atomic(), deferral:
        while True:
            read_started = time.perf_counter()
            cur.execute(select, [last])
            rows = cur.fetchall()
            reading += time.perf_counter() - read_started
            if not rows:
                break
            last = rows[-1][0]
            if copy:
                with cur.copy(f"COPY {table} ({cols}) FROM STDIN") as out:
                    for row in rows:
                        out.write_row(row)
            else:
                cur.executemany(insert, rows)
    spent = time.perf_counter() - started - reading
    if sqlite:
        raw.execute("PRAGMA synchronous=NORMAL")
    return spent
