"""Benchmark: memory of `gongzhi serve --workers 2 --task-workers 1` after load (issue 19).

Target (issue 19): "Memory of `gongzhi serve` with 2 web workers and 1 task worker after the
load ≤ 300 MB in all." The server runs in production mode from BENCH_OURS_PYTHON (the
production venv, `requirements.lock` only, as `make run` installs) on SQLite by default
(BENCH_MEMORY_DATABASE=postgresql for PostgreSQL, BENCH_PEER_PG's server). The load:
BENCH_MEMORY_CREATES Open311 POSTs (default 1,500) and twice as many GETs of
`discovery.json`, the sign-in page and the portal's home, `ab -c 16`. Then, once the task
worker has run what the load queued (BENCH_MEMORY_SETTLE seconds, default 20), RSS and PSS
of every process of the server's group, each named, and their sums.

Standalone:  GONGZHI_MODE=test BENCH_OURS_PYTHON=/tmp/prodvenv/bin/python \
             .venv/bin/python bench/bench_memory.py
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import bench_peer as peer  # noqa: E402

CREATES = int(os.environ.get("BENCH_MEMORY_CREATES", "1500"))
SETTLE = float(os.environ.get("BENCH_MEMORY_SETTLE", "20"))
DATABASE = os.environ.get("BENCH_MEMORY_DATABASE", "sqlite")


def _name(pid: Path) -> str:
    args = (pid / "cmdline").read_bytes().split(b"\0")
    text = " ".join(a.decode(errors="replace") for a in args if a)
    for marker, name in (
        ("task_worker", "task worker"),
        ("gongzhi.core.runner", "serve"),
        ("serve", "serve"),
        ("granian", "granian"),
    ):
        if marker in text:
            return name
    return text[:60] or "?"


def processes(pgid: int) -> list[dict]:
    """Every process of the group: name, RSS and PSS in MB."""
    rows = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) != pgid:
                continue
            rollup = (stat.parent / "smaps_rollup").read_text()
            name = _name(stat.parent)
        except (OSError, IndexError, ValueError):
            continue
        values = dict(re.findall(r"^(Rss|Pss):\s+(\d+) kB", rollup, re.M))
        rows.append(
            {
                "pid": int(stat.parent.name),
                "name": name,
                "rss_mb": int(values.get("Rss", 0)) / 1024,
                "pss_mb": int(values.get("Pss", 0)) / 1024,
            }
        )
    return sorted(rows, key=lambda r: r["pid"])


def run() -> dict:
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    if DATABASE == "postgresql":
        peer._pg_create(peer.OURS_PG_DB)
        url = f"{peer.PG}/{peer.OURS_PG_DB}"
    else:
        url = f"sqlite:///{ROOT / 'var' / 'bench' / 'memory-ours.sqlite3'}"
    unit, key = peer.ours_prepare(url)
    port = peer.free_port()
    server = peer.ours_start(port, url, 2)
    base = f"http://127.0.0.1:{port}"
    try:
        post = peer.ours_post_body(unit, key)
        peer.ab(f"{base}/open311/v2/requests.json", CREATES, post=post)
        for path in ("/open311/v2/discovery.json", "/accounts/login/", "/"):
            peer.ab(f"{base}{path}", CREATES * 2 // 3)
        time.sleep(SETTLE)
        rows = processes(server.pid)
    finally:
        peer.stop_group(server)
    return {
        "database": DATABASE,
        "processes": rows,
        "rss_mb": sum(r["rss_mb"] for r in rows),
        "pss_mb": sum(r["pss_mb"] for r in rows),
    }


def main(report) -> None:
    load = os.getloadavg()
    result = run()
    for row in result["processes"]:
        print(f"    {row['name']:<12} RSS {row['rss_mb']:6.1f} MB  PSS {row['pss_mb']:6.1f} MB")
    report(
        f"memory_{result['database']}_rss",
        result["rss_mb"],
        "MB",
        f"{len(result['processes'])} processes; PSS {result['pss_mb']:.0f} MB; target ≤ 300; "
        f"load {load[0]:.1f} at start",
    )


if __name__ == "__main__":
    from bench.harness import configure_environment

    configure_environment()

    def _print(name, value, unit, note=""):
        print(f"{name}: {value:.1f} {unit}  {note}")

    main(_print)
