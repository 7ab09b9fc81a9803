"""Benchmark: import a 50,000-row .xlsx of residents end to end (target: under 60 s).

Standalone:  GONGZHI_MODE=test .venv/bin/python bench/bench_import.py
It uses a throwaway SQLite file under var/bench/ unless DATABASE_URL is set, e.g.
DATABASE_URL=postgres://postgres@127.0.0.1:5432/gongzhi_bench. bench/run.py imports this
module and calls main(report).

Each run starts from the same state: what the previous run imported is deleted first.
The figure is the median wall time of residents_import_file (read + validate + write).
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / "var" / "bench"
ROWS = 50_000
RUNS = 3
ROOT_CODE = "990001"  # a root of its own, so a seeded district is left alone
FANOUT = (5, 2, 2, 5, 5)  # children per level 1..5: 500 level-5 units, 100 residents each
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂"


def _setup_django() -> bool:
    """Set Django up on our own throwaway database; False if a caller already set it up."""
    import django
    from django.apps import apps

    if apps.ready:
        return False
    os.environ.setdefault("GONGZHI_MODE", "test")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
    if not os.environ.get("DATABASE_URL"):
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{BENCH_DIR / 'import.sqlite3'}"
    django.setup()
    return True


def _bench_root():
    from gongzhi.core.paths import subtree_q
    from gongzhi.grids.models import Grid
    from gongzhi.grids.services import grid_add_child, grid_create_root

    root = Grid.objects.filter(code=ROOT_CODE).first()
    if root is None:
        root = grid_create_root(name="导入基准测试区", code=ROOT_CODE, is_synthetic=True)
    units = list(_units(root))
    if len(units) == _expected_units():
        return root, units
    # (Re)build the tree below the root; grid_add_child keeps codes and paths consistent.
    level = [root]
    for fanout in FANOUT:
        nxt = []
        for parent in level:
            existing = list(
                Grid.objects.filter(subtree_q("path", parent.path), depth=parent.depth + 1)
            )
            for i in range(len(existing), fanout):
                existing.append(grid_add_child(parent=parent, name=f"{i + 1}号", is_synthetic=True))
            nxt += existing[:fanout]
        level = nxt
    return root, list(_units(root))


def _expected_units() -> int:
    total = 1
    for fanout in FANOUT:
        total *= fanout
    return total


def _units(root):
    from gongzhi.core.paths import subtree_q
    from gongzhi.grids.models import Grid, Level

    return Grid.objects.filter(subtree_q("path", root.path), level=Level.UNIT).order_by("path")


def _bench_user():
    from django.contrib.auth import get_user_model

    user, created = get_user_model().objects.get_or_create(
        username="bench_importer", defaults={"is_superuser": True, "is_staff": True}
    )
    if created:
        user.set_unusable_password()
        user.save()
    return user


def _write_xlsx(path: Path, units) -> None:
    """50,000 valid rows: ~3 people per household, 100 per unit, some care tags."""
    from openpyxl import Workbook

    from gongzhi.core.idcard import make_id_number
    from gongzhi.people.import_files import ALL_HEADERS, DATA_SHEET

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(DATA_SHEET)
    ws.append(list(ALL_HEADERS))
    relations = ("户主", "配偶", "子女")
    per_unit = ROWS // len(units)
    born0 = dt.date(1950, 1, 1)
    for i in range(ROWS):
        unit = units[min(i // per_unit, len(units) - 1)]
        # (birth date, sequence) pairs are unique, so every ID is distinct.
        id_number = make_id_number("110101", born0 + dt.timedelta(days=i // 900), 100 + i % 900)
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 7) % len(GIVEN)] + GIVEN[i % len(GIVEN)]
        ws.append(
            [
                unit.code,
                f"{(i % per_unit) // 3 + 101}",
                name,
                id_number,
                f"139{i:08d}",
                "户籍人口" if i % 10 else "流动人口",
                relations[i % 3],
                "独居/空巢老人" if i % 50 == 0 else "",
            ]
        )
    wb.save(path)


def _clear(root) -> None:
    from gongzhi.core.paths import subtree_q
    from gongzhi.people.models import Household, Resident, ResidentTag

    ResidentTag.objects.filter(subtree_q("resident__grid__path", root.path)).delete()
    Resident.objects.filter(subtree_q("grid__path", root.path)).delete()
    Household.objects.filter(subtree_q("unit__path", root.path)).delete()


def _run_once(user, path: Path) -> tuple[float, float]:
    """Total seconds and the part spent writing (from the first 'writing' notice)."""
    from gongzhi.people.imports import residents_import_file

    marks: dict[str, float] = {}

    def progress(stage: str, done: int, total: int) -> None:
        marks.setdefault(stage, time.perf_counter())

    started = time.perf_counter()
    report = residents_import_file(by=user, path=path, filename=path.name, progress=progress)
    total = time.perf_counter() - started
    if not report.ok or report.created_count != ROWS:
        raise RuntimeError("benchmark import failed: " + " | ".join(report.lines()[:5]))
    return total, total - (marks["writing"] - started)


def _teardown(root) -> None:
    """On a caller's database, remove the bench grid tree again.

    The bench user stays: the import audit rows are append-only and point at it.
    """
    from gongzhi.core.paths import subtree_q
    from gongzhi.grids.models import Grid

    Grid.objects.filter(subtree_q("path", root.path)).delete()


def main(report) -> None:
    own_db = _setup_django()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    root, units = _bench_root()
    user = _bench_user()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    path = BENCH_DIR / f"import_{ROWS}.xlsx"
    _write_xlsx(path, units)
    size_mb = path.stat().st_size / 1024 / 1024

    totals, writes = [], []
    try:
        for _ in range(RUNS):
            _clear(root)
            total, write = _run_once(user, path)
            totals.append(total)
            writes.append(write)
    finally:
        _clear(root)
        if not own_db:
            _teardown(root)
    vendor = connection.vendor
    median = statistics.median(totals)
    runs = ", ".join(f"{t:.1f}" for t in totals)
    report(
        f"import_residents_{ROWS // 1000}k_{vendor}",
        median,
        "s",
        f"median of {RUNS} ({runs} s); {ROWS:,} rows, {size_mb:.1f} MB xlsx, "
        f"{len(units)} units; read+validate {median - statistics.median(writes):.1f} s, "
        f"write {statistics.median(writes):.1f} s; target < 60 s",
    )
    report(f"import_residents_rate_{vendor}", ROWS / median, "rows/s", "end to end, median run")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))

    def _print(name: str, value: float, unit: str, note: str = "") -> None:
        print(f"{name}: {value:.2f} {unit}  {note}")

    main(_print)
