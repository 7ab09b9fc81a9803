"""Benchmark: the category classifier and the "already reported?" look-up (issue 17).

Targets (issue 17): suggest (category + duplicate search) ≤ 50 ms median at 1,000,000
cases on PostgreSQL; training on 1,000,000 cases ≤ 10 minutes on 2 cores in ≤ 2 GB.
This bench runs at a modest scale by default (the machine is shared): BENCH_INTEL_CASES
cases (default 50,000) in a database of its own, over the demo grid tree
(BENCH_INTEL_SCALE=demo, 96 units) or the full district's (BENCH_INTEL_SCALE=full, 8,093
units; grids only, no people), and BENCH_INTEL_TRAIN generated texts (default 50,000) for
the training figures. Training reads at most INTEL_TRAIN_MAX_CASES (1,000,000) closed
cases and streams them through a child process (intel/training.py), so its memory does
not grow with the case count.

Figures:
- top-level accuracy and confusion matrix of a model trained on BENCH_INTEL_TRAIN generated
  texts (intel/tests/generator.py), scored on the hand-written held-out fixture;
- training time and peak RSS of that child process, and of `model_train()` reading the
  closed cases of the bench database: wall time, the peak RSS of the process that reads
  and stores (the "parent", its own getrusage) and of the training child it starts (as
  the child reports it; os.wait4 of the bench step would give the larger of the two);
- suggest latency: suggest_category + duplicates_for for RUNS texts in random units,
  median and 95th percentile, the model loaded (the first call is not timed).

Standalone:  GONGZHI_MODE=test .venv/bin/python bench/bench_intel.py
At full scale on PostgreSQL (database gz_x_intel):  DATABASE_URL=postgres://…/gz_x
  BENCH_INTEL_SCALE=full BENCH_INTEL_CASES=1000000 GONGZHI_MODE=test .venv/bin/python bench/bench_intel.py
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = int(os.environ.get("BENCH_INTEL_CASES", "50000"))
TRAIN = int(os.environ.get("BENCH_INTEL_TRAIN", "50000"))
RUNS = int(os.environ.get("BENCH_INTEL_RUNS", "200"))
SCALE = os.environ.get("BENCH_INTEL_SCALE", "demo")  # the grid tree: demo or full
ORDER = 75
HELDOUT = ROOT / "src" / "gongzhi" / "intel" / "tests" / "fixtures" / "heldout.json"


def _url() -> str:
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith("postgres"):
        head, _, name = base.rpartition("/")
        return f"{head}/{name.split('?')[0]}_intel"
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{ROOT / 'var' / 'bench' / 'bench_intel.sqlite3'}"


def _child(*args: str) -> tuple[dict, float]:
    """Run one step in a child process (its own peak RSS) against the intel database."""
    from bench.harness import run_child

    saved = dict(os.environ)
    os.environ.update(
        GONGZHI_MODE="test",
        DATABASE_URL=_url(),
        DJANGO_SETTINGS_MODULE="gongzhi.settings",
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    )
    try:
        child = run_child([sys.executable, __file__, *args])
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return json.loads(child.output.strip().splitlines()[-1]), child.max_rss_mb


def main(report) -> None:
    load = os.getloadavg()[0]
    r, rss = _child("--train-generated")
    note = f"{r['trained_on']:,} generated texts; load average {load:.1f}"
    report(
        "intel_heldout_top_level_accuracy",
        100 * r["accuracy"],
        "%",
        f"{r['n']} hand-written texts; " + note,
    )
    report("intel_train_generated_s", r["seconds"], "s", note)
    report("intel_train_generated_peak_mb", rss, "MB", note)
    print("    confusion (rows actual, columns predicted): " + " ".join(r["labels"]))
    for label, row in zip(r["labels"], r["confusion"], strict=True):
        print(f"    {label}  " + " ".join(f"{n:3d}" for n in row))
    r, rss = _child("--train-db")
    note = (
        f"{r['trained_on']:,} trained + {r['heldout']:,} held out of {r['closed']:,} closed "
        f"of {r['cases']:,} cases ({r['vendor']}, {r['units']:,} units, cap {r['cap']:,}); "
        f"held-out accuracy {r['accuracy']:.3f}; load {r['load'][0]} → {r['load'][1]}"
    )
    report("intel_train_db_s", r["seconds"], "s", note)
    report("intel_train_db_child_peak_mb", r["child_peak_mb"], "MB", "the training child")
    report("intel_train_db_parent_peak_mb", r["parent_peak_mb"], "MB", "reads and stores")
    report("intel_train_db_step_peak_mb", rss, "MB", "os.wait4 of the step: max of the two")
    r, _rss = _child("--suggest")
    note = (
        f"median of {RUNS}; {r['cases']:,} cases ({r['vendor']}, {r['units']:,} units); "
        f"p95 {r['p95_ms']:.1f} ms; load {r['load'][0]} → {r['load'][1]}"
    )
    report("intel_suggest_ms", r["median_ms"], "ms", "target ≤ 50 ms at 1M on PostgreSQL; " + note)


# --- child processes -----------------------------------------------------------------------


def _setup() -> None:
    import django

    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
    django.setup()


def train_generated() -> dict:
    from gongzhi.intel import classifier
    from gongzhi.intel.tests.generator import samples

    result = classifier.train(samples(TRAIN))
    rows = json.loads(HELDOUT.read_text(encoding="utf-8"))["rows"]
    predicted = [str(p) for p in result.pipeline.predict([r["text"] for r in rows])]
    scores = classifier.scores([r["category"] for r in rows], predicted)
    return {
        "trained_on": result.trained_on, "seconds": result.seconds, "n": len(rows),
        "size": len(classifier.dumps(result.pipeline)), **scores,
    }  # fmt: skip


def _loadavg() -> str:
    """The 1-, 5- and 15-minute load averages (as /proc/loadavg begins)."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _units() -> int:
    from gongzhi.grids.models import Grid

    return Grid.objects.filter(level=5).count()


def _present() -> bool:
    from gongzhi.cases.models import Case
    from gongzhi.seeding.scale import SCALES

    try:
        return Case.objects.count() == CASES and _units() == SCALES[SCALE].grids[-1]
    except Exception:  # noqa: BLE001 - no tables yet
        return False


def build() -> None:
    """The grid tree of BENCH_INTEL_SCALE (grids only: no centers, staff or people) and
    CASES cases with generated texts over the last year, spread over its units."""
    from django.core.management import call_command

    from bench.harness import wipe_database
    from gongzhi.cases.models import Case, Category, Channel, State
    from gongzhi.core import clock
    from gongzhi.grids.models import Grid
    from gongzhi.intel.tests.generator import samples
    from gongzhi.seeding.district import tree_create, tree_plan
    from gongzhi.seeding.scale import SCALES

    wipe_database(ROOT / "var" / "bench" / "bench_intel.sqlite3")
    call_command("migrate", verbosity=0, interactive=False)
    tree_create(tree_plan(SCALES[SCALE], random.Random(17)), batch_size=1000, log=lambda _m: None)
    units = list(Grid.objects.filter(level=5))
    cats = dict(Category.objects.values_list("code", "pk"))
    rng = random.Random(3)
    now = clock.now()
    batch = []
    for i, (text, code) in enumerate(samples(CASES, seed=11)):
        unit = rng.choice(units)
        at = now - dt.timedelta(seconds=rng.uniform(0, 365 * 86400))
        recent = (now - at).days < 30
        state = State.ACCEPTED if recent and rng.random() < 0.7 else State.CLOSED
        batch.append(
            Case(
                number=f"SJB{i:09d}",
                title=text[:30],
                description=text,
                category_id=cats.get(code) or cats[code[:2]],
                channel=Channel.HOTLINE,
                grid=unit,
                state=state,
                owning_level=5,
                owning_grid=unit,
                created_at=at,
                updated_at=at,
                closed_at=at if state == State.CLOSED else None,
            )
        )
        if len(batch) == 5000:
            Case.objects.bulk_create(batch)
            batch = []
    Case.objects.bulk_create(batch)


def train_db() -> dict:
    import resource

    from django.conf import settings
    from django.db import connection

    from gongzhi.cases.models import Case, State
    from gongzhi.intel.services import model_train

    if not _present():
        build()
    load = _loadavg()
    started = time.perf_counter()
    version = model_train()
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds, "cases": Case.objects.count(), "units": _units(),
        "closed": Case.objects.filter(state=State.CLOSED).count(), "vendor": connection.vendor,
        "accuracy": version.accuracy, "trained_on": version.trained_on,
        "heldout": version.heldout_size, "cap": settings.INTEL_TRAIN_MAX_CASES,
        "child_seconds": version.train_seconds, "child_peak_mb": version.peak_memory_mb,
        "parent_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "parent_sklearn": "sklearn" in sys.modules, "load": [load, _loadavg()],
    }  # fmt: skip


def suggest() -> dict:
    from django.db import connection

    from gongzhi.cases.models import Case
    from gongzhi.grids.models import Grid
    from gongzhi.intel.duplicates import duplicates_for
    from gongzhi.intel.suggest import suggest_category
    from gongzhi.intel.tests.generator import samples

    load = _loadavg()
    units = list(Grid.objects.filter(level=5))
    rng = random.Random(5)
    texts = [t for t, _c in samples(RUNS + 1, seed=99)]
    suggest_category(texts[0])  # loads the model: once per process, not timed
    timings = []
    for text in texts[1:]:
        unit = rng.choice(units)
        started = time.perf_counter()
        suggest_category(text)
        duplicates_for(text=text, grid=unit)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "median_ms": statistics.median(timings), "p95_ms": timings[int(0.95 * len(timings)) - 1],
        "cases": Case.objects.count(), "vendor": connection.vendor, "units": len(units),
        "load": [load, _loadavg()],
    }  # fmt: skip


if __name__ == "__main__":
    _setup()
    step = {"--train-generated": train_generated, "--train-db": train_db, "--suggest": suggest}
    if len(sys.argv) > 1:
        print(json.dumps(step[sys.argv[1]](), ensure_ascii=False))
    else:
        main(lambda name, value, unit, note="": print(f"{name}: {value:,.2f} {unit}  {note}"))
