"""Point to grid at full scale (issue 16): look-up latency, index rebuild, and what the
boundaries add to the seed.

On the full district (12,317 grids below the root, every one with a polygon; bench_seed's
district is reused when it has boundaries, else `gongzhi seed --scale full` runs):

1. Look-up: `grids.geo.grid_for_point` for random points inside the district (uniform
   over its polygon), after a warm-up; median and p99 in ms. That is the whole call a
   request makes: the version-token read, the STRtree query and the Grid row. The index
   part alone (`grid_pk_for_point`, no database) is reported too. Targets: median ≤ 1 ms,
   p99 ≤ 5 ms.
2. Rebuild after an import: the 36 level-1 boundaries are imported again through the
   services (check, then apply), then the first look-up rebuilds the index; and
   `build_index` alone, median of runs. Target: ≤ 5 s.
3. Seed cost: the boundary generation for the full tree (in memory, as the seed does it)
   and the extra time of inserting 12,318 grid rows with boundaries and bounding boxes
   rather than without (both in a rolled-back transaction).

The load average of the machine is printed with each figure (the machine may be shared).
"""

from __future__ import annotations

import json
import os
import random
import time

import numpy as np

ORDER = 55
LOOKUPS = int(os.environ.get("BENCH_GEO_LOOKUPS", "10000"))
WARMUP = int(os.environ.get("BENCH_GEO_WARMUP", "1000"))
REBUILD_RUNS = int(os.environ.get("BENCH_GEO_REBUILD_RUNS", "5"))
INSERT_RUNS = int(os.environ.get("BENCH_GEO_INSERT_RUNS", "3"))


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


def _ensure_bounded_district() -> None:
    from bench.harness import ensure_full_district, gongzhi, reset_database, run_child
    from gongzhi.grids.models import Grid

    ensure_full_district()
    if Grid.objects.filter(boundary__isnull=True).exists():
        print("  the district has no boundaries (an older seed): seeding again …", flush=True)
        reset_database()
        run_child(gongzhi("seed", "--scale", "full"))


def _points(n: int, seed: int = 16) -> list[tuple[float, float]]:
    import shapely

    from gongzhi.grids.geometry import parse
    from gongzhi.grids.models import Grid

    district = parse(Grid.objects.get(depth=1).boundary)
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = district.bounds
    out: list[tuple[float, float]] = []
    while len(out) < n:
        xs, ys = rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n)
        keep = shapely.contains_xy(district, xs, ys)
        out += [(float(y), float(x)) for x, y in zip(xs[keep], ys[keep], strict=True)]
    return out[:n]


def _percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


def main(report) -> None:
    from bench.harness import median
    from gongzhi.grids.geo import (
        boundary_token,
        build_index,
        grid_for_point,
        grid_pk_for_point,
        point_index,
    )
    from gongzhi.grids.models import Grid, Level

    _ensure_bounded_district()
    bounded = Grid.objects.filter(boundary__isnull=False).exclude(depth=1).count()
    print(f"  {bounded:,} grids with polygons below the root; {_load()}")

    # 1. look-ups
    points = _points(WARMUP + LOOKUPS)
    point_index(force=True)
    for lat, lng in points[:WARMUP]:
        grid_for_point(lat, lng)
    times, cpu, units = [], [], 0
    for lat, lng in points[WARMUP:]:
        started, started_cpu = time.perf_counter(), time.thread_time()
        grid = grid_for_point(lat, lng)
        cpu.append((time.thread_time() - started_cpu) * 1000)
        times.append((time.perf_counter() - started) * 1000)
        units += grid is not None and grid.level == Level.UNIT
    note = f"{LOOKUPS:,} random points in the district after {WARMUP:,} warm-up; {_load()}"
    report("geo_lookup_median", median(times), "ms", note)
    report("geo_lookup_p95", _percentile(times, 95), "ms", "wall time")
    report("geo_lookup_p99", _percentile(times, 99), "ms", "wall time")
    # CPU time of this thread: what the look-up costs without the waits a loaded machine
    # adds (on PostgreSQL the server's share is not in it).
    report("geo_lookup_cpu_median", median(cpu), "ms", "thread CPU time")
    report("geo_lookup_cpu_p99", _percentile(cpu, 99), "ms", "thread CPU time")
    report("geo_lookup_units", 100 * units / LOOKUPS, "%", "points that landed in a unit grid")
    index = point_index()
    bare = []
    for lat, lng in points[WARMUP:]:
        started = time.perf_counter()
        grid_pk_for_point(lat, lng, index=index)
        bare.append((time.perf_counter() - started) * 1000)
    report("geo_lookup_index_only_median", median(bare), "ms", "STRtree query + pick, no DB")

    # 2. rebuild after an import
    import_seconds, first_lookup = _reimport_level1()
    report("geo_import_level1", import_seconds, "s", f"36 boundaries: check + apply; {_load()}")
    report(
        "geo_rebuild_first_lookup",
        first_lookup,
        "s",
        f"first look-up after the import (rebuilds the index); {_load()}",
    )
    token = boundary_token()
    builds = []
    for _ in range(REBUILD_RUNS):
        started = time.perf_counter()
        build_index(token)
        builds.append(time.perf_counter() - started)
    runs = ", ".join(f"{b:.2f}" for b in builds)
    report("geo_index_build", median(builds), "s", f"median of {REBUILD_RUNS}: {runs}; {_load()}")

    # 3. what the boundaries add to the seed
    generate, with_b, without_b = _seed_cost()
    report("geo_seed_generate_full", generate, "s", f"tree_geometry for 12,318 grids; {_load()}")
    report(
        "geo_seed_insert_extra_full",
        with_b - without_b,
        "s",
        f"grid insert with boundaries {with_b:.2f} s vs without {without_b:.2f} s "
        f"(median of {INSERT_RUNS})",
    )


def _reimport_level1() -> tuple[float, float]:
    """Import the level-1 boundaries again through the services, then look one point up."""
    from gongzhi.grids.geo import grid_for_point
    from gongzhi.grids.models import Grid
    from gongzhi.grids.services import boundary_import_apply, boundary_import_create

    level1 = Grid.objects.filter(level=1).order_by("path")
    features = [
        {"type": "Feature", "properties": {"code": g.code}, "geometry": g.boundary} for g in level1
    ]
    data = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    started = time.perf_counter()
    job = boundary_import_create(by=None, filename="bench-level1.geojson", data=data)
    boundary_import_apply(by=None, job=job)
    import_seconds = time.perf_counter() - started
    started = time.perf_counter()
    grid_for_point(39.7449, 98.5078)
    return import_seconds, time.perf_counter() - started


def _seed_cost() -> tuple[float, float, float]:
    from django.db import transaction

    from bench.harness import median
    from gongzhi.grids.models import Grid
    from gongzhi.seeding.district import tree_plan
    from gongzhi.seeding.geometry import tree_geometry
    from gongzhi.seeding.scale import FULL

    tree = tree_plan(FULL, random.Random(2020))
    started = time.perf_counter()
    tree_geometry(tree, seed=2020)
    generate = time.perf_counter() - started
    rows = [n.grid for level in tree.levels for n in level]
    for g in rows:  # another root, so the rows never meet the seeded district's
        g.path, g.code = "0009" + g.path[4:], "9" + g.code
    plain = ("boundary", "min_lng", "min_lat", "max_lng", "max_lat")

    def insert(with_boundaries: bool) -> float:
        copies = []
        for g in rows:
            c = Grid(**{f.attname: getattr(g, f.attname) for f in Grid._meta.concrete_fields})
            c.pk = None
            if not with_boundaries:
                for name in plain:
                    setattr(c, name, None)
            copies.append(c)
        started = time.perf_counter()
        with transaction.atomic():
            Grid.objects.bulk_create(copies, batch_size=FULL.batch_size)
            seconds = time.perf_counter() - started
            transaction.set_rollback(True)
        return seconds

    with_b = median([insert(True) for _ in range(INSERT_RUNS)])
    without_b = median([insert(False) for _ in range(INSERT_RUNS)])
    return generate, with_b, without_b
