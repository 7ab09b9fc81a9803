"""Benchmark: every panel of the command center (/command/api/<panel>/), on PostgreSQL.

Target (issue 16): each panel answers in ≤ 300 ms on PostgreSQL with the full district and
1,000,000 cases (median of 10). Each panel's JSON endpoint is requested through Django's
test client as the leader (the whole request: middleware, restrict(), the queries and the
JSON), for the district and for one township, plus one panel's .xlsx and the monthly report.

Data (BENCH_COMMAND_SOURCE):
- `demo` (the default): a database of its own (`<DATABASE_URL name>_command`, default
  gongzhi_bench_command) holding `gongzhi seed --scale demo` with its year of history,
  built once and reused;
- `kpis`: bench_kpis's database (the full district and BENCH_KPI_CASES cases, 1,000,000 by
  default; bench_kpis builds it), measured with the clock frozen at bench_kpis.NOW.

Standalone:  GONGZHI_MODE=test .venv/bin/python bench/bench_command.py
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = int(os.environ.get("BENCH_COMMAND_RUNS", "10"))
SOURCE = os.environ.get("BENCH_COMMAND_SOURCE", "demo")
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/gongzhi_bench"
PANELS = ("live", "trend30", "trend12", "categories", "rates", "grids", "top", "rooms", "events")
LEADER = "bench-command-leader"
ORDER = 75


def _url() -> str:
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        base = PG_DEFAULT
    head, _, name = base.rpartition("/")
    suffix = "_kpis" if SOURCE == "kpis" else "_command"
    return f"{head}/{name.split('?')[0]}{suffix}"


def measure() -> dict:
    env = dict(os.environ, GONGZHI_MODE="test", DATABASE_URL=_url())
    env.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT)])
    proc = subprocess.run(
        [sys.executable, __file__, "--child"], env=env, capture_output=True, text=True
    )
    sys.stderr.write(proc.stderr[-3000:] if proc.returncode else "")
    if proc.returncode != 0:
        raise RuntimeError("bench_command child failed")
    for line in proc.stdout.splitlines()[:-1]:
        print("    | " + line, flush=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(report) -> None:
    r = measure()
    scale = f"{r['cases']:,} cases, {r['grids']:,} grids ({SOURCE})"
    for key, m in r["figures"].items():
        report(
            f"command_{key}_ms_postgresql",
            m["median_ms"],
            "ms",
            f"target ≤ 300 ms; median of {RUNS}; {scale}; runs {m['runs']}",
        )


def _build_demo(log) -> None:
    from django.core.management import call_command

    from bench.harness import wipe_database

    wipe_database()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed", "--scale", "demo", stdout=sys.stderr)
    log("built the demo district with its year of history")


def _present() -> bool:
    from gongzhi.cases.models import Case

    try:
        return Case.objects.exists()
    except Exception:  # noqa: BLE001 - no tables yet
        return False


def _leader():
    from django.contrib.auth import get_user_model

    from gongzhi.core.roles import Role
    from gongzhi.org.services import staff_create

    user = get_user_model().objects.filter(username=LEADER).first()
    return user or staff_create(username=LEADER, name="区领导(基准)", role=Role.LEADER).user


def _child() -> None:
    import django

    django.setup()
    from contextlib import nullcontext

    from django.db import connection
    from django.test import Client

    from bench.harness import median, timed
    from gongzhi.cases.models import Case
    from gongzhi.grids.models import Grid, Level

    def log(msg: str) -> None:
        print(msg, flush=True)

    if connection.vendor != "postgresql":
        raise SystemExit("the target is PostgreSQL; run on PostgreSQL")
    if SOURCE == "kpis":
        if not _present():
            raise SystemExit("no bench_kpis database: run bench_kpis first (it builds it)")
        import time_machine

        from bench.bench_kpis import NOW

        frozen = time_machine.travel(NOW, tick=False)
    else:
        if not _present():
            _build_demo(log)
        frozen = nullcontext()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    client = Client()
    client.force_login(_leader())
    root = Grid.objects.get(depth=1)
    township = Grid.objects.filter(level=Level.TOWNSHIP).order_by("path").first()
    figures = {}
    with frozen:
        month = f"{dt.date.today().replace(day=1) - dt.timedelta(days=1):%Y-%m}"
        for scope, grid in (("district", root), ("township", township)):
            urls = {name: f"/command/api/{name}/?grid={grid.pk}" for name in PANELS}
            urls["grids_xlsx"] = f"/command/api/grids.xlsx?grid={grid.pk}"
            urls["report_pdf"] = f"/command/report.pdf?grid={grid.pk}&month={month}"
            for name, url in urls.items():

                def get(url=url):
                    response = client.get(url)
                    assert response.status_code == 200, (url, response.status_code)
                    if getattr(response, "streaming", False):
                        b"".join(response.streaming_content)
                    return response

                runs = timed(get, runs=RUNS, warmup=2)
                figures[f"{name}_{scope}"] = {
                    "median_ms": round(median(runs), 1),
                    "runs": [round(t, 1) for t in runs],
                }
                log(
                    f"{scope:8} {name:12} median {median(runs):7.1f} ms  {[round(t) for t in runs]}"
                )
    print(
        json.dumps(
            {"cases": Case.objects.count(), "grids": Grid.objects.count(), "figures": figures}
        )
    )


if __name__ == "__main__":
    if "--child" in sys.argv:
        _child()
    else:
        os.environ.setdefault("GONGZHI_MODE", "test")
        for name, m in measure()["figures"].items():
            print(f"{name}: {m['median_ms']} ms")
