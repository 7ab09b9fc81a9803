"""Benchmark harness: `make bench`, or `.venv/bin/python bench/run.py [--only NAME]`.

Discovers bench/bench_*.py and calls each module's `main(report)`, where
`report(name, value, unit, note="")` records one figure. Modules run in ORDER (a module
constant, default 50; bench_seed is 10 so it leaves the full district for the others),
then by name; a module with DEFAULT = False (bench_province: hours at full size) runs only
when named with --only. Prints a table and merges the figures into bench/out/results-<db>.json.

The database is DATABASE_URL when set (its name must contain "bench": it is wiped), else
var/bench/bench.sqlite3. See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import platform
import subprocess
import sys
import time
import traceback
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import harness  # noqa: E402

OUT = ROOT / "bench" / "out"


def discover(only: list[str]) -> list:
    names = sorted(p.stem for p in (ROOT / "bench").glob("bench_*.py"))
    if only:
        wanted = {n if n.startswith("bench_") else f"bench_{n}" for n in only}
        unknown = wanted - set(names)
        if unknown:
            raise SystemExit(f"no such benchmark: {', '.join(sorted(unknown))} (have {names})")
        names = [n for n in names if n in wanted]
    modules = [importlib.import_module(f"bench.{n}") for n in names]
    if not only:  # a module with DEFAULT = False (hours long) runs only when named
        modules = [m for m in modules if getattr(m, "DEFAULT", True)]
    return sorted(modules, key=lambda m: (getattr(m, "ORDER", 50), m.__name__))


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    free = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout
    mem = next((ln.split()[1] for ln in free.splitlines() if ln.startswith("Mem:")), "?")
    return {"nproc": os.cpu_count(), "memory": mem, "cpu": cpu, "python": platform.python_version()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only", action="append", default=[], help="run one benchmark (repeatable)"
    )
    args = parser.parse_args()

    harness.configure_environment()
    # Whitenoise warns about var/static (collectstatic has not run); irrelevant to timings.
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    modules = discover(args.only)
    db = harness.vendor()
    try:
        version = harness.db_version()
    except Exception:  # noqa: BLE001 - a missing PG database is created by reset_database
        harness.reset_database()
        version = harness.db_version()
    # A bench database left by an older checkout gets this checkout's migrations first.
    harness.run_child(harness.gongzhi("migrate", "--noinput", "-v0"), echo=False)
    env = {"date": dt.date.today().isoformat(), "database": version, **machine()}
    print(f"gongzhi bench on {version}; {env['nproc']} CPUs ({env['cpu']}), {env['memory']} RAM")

    results: list[dict] = []
    failed: list[str] = []
    for module in modules:
        name = module.__name__.rsplit(".", 1)[1]
        print(f"\n== {name}", flush=True)
        started = time.perf_counter()

        def report(figure: str, value: float, unit: str, note: str = "", _bench=name) -> None:
            row = {"bench": _bench, "name": figure, "value": value, "unit": unit, "note": note}
            results.append(row)
            print(f"  {figure}: {value:,.2f} {unit}  {note}", flush=True)

        try:
            module.main(report)
        except Exception:  # noqa: BLE001 - report it, keep the other benchmarks' figures
            traceback.print_exc()
            failed.append(name)
        print(f"  ({time.perf_counter() - started:.0f} s)")

    _print_table(results)
    path = _save(db, env, results)
    print(f"\nwritten: {path.relative_to(ROOT)}")
    if failed:
        raise SystemExit(f"failed: {', '.join(failed)}")


def _print_table(results: list[dict]) -> None:
    if not results:
        return
    width = max(len(r["name"]) for r in results)
    print(f"\n{'figure':<{width}}  {'value':>12}  unit  note")
    for r in results:
        print(f"{r['name']:<{width}}  {r['value']:>12,.2f}  {r['unit']:<4}  {r['note']}")


def _save(db: str, env: dict, results: list[dict]) -> Path:
    """Merge into the file so `--only x` refreshes x's figures and keeps the others."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"results-{db}.json"
    old = json.loads(path.read_text()) if path.exists() else {"figures": {}}
    figures = old.get("figures", {})
    for r in results:
        figures[r["name"]] = {**r, "date": env["date"], "database": env["database"]}
    path.write_text(json.dumps({"machine": env, "figures": figures}, ensure_ascii=False, indent=2))
    return path


if __name__ == "__main__":
    main()
