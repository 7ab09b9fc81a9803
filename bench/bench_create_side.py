"""Create through the service layer, side by side with the peer's ORM create (issue 19).

    python bench/bench_create_side.py [sqlite] [postgresql]

One process each, interleaved in one run (peer, gongzhi, peer, gongzhi, ...), BENCH_SIDE_ROUNDS
rounds (default 3) of BENCH_SIDE_N creates (default 1,000) after a warm-up:

- the peer: its own bench's `orm_create` (../shared/peer-helpdesk/bench.py: Ticket + opening
  FollowUp in one transaction per ticket, no validation), run in the harness's venv;
- gongzhi: `cases.services.case_create` as bench_case_create.py's worker files it (number,
  deadlines, timeline event and supervisor notifications, one transaction per case).

Printed per database: the median wall-clock rate of each and the ratio (target ≥ 1.2), and each
one's rate per CPU-second of its own process (on PostgreSQL the server's CPU is not in it).
Results also go to bench/out/create-side.json. Not in `make bench` (bench_peer.py sets up the
peer; this one needs it set up too, and takes a few minutes).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import bench_case_create as ours  # noqa: E402
from bench import bench_peer  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_SIDE_ROUNDS", "3"))
N = int(os.environ.get("BENCH_SIDE_N", "1000"))
PEER_SNIPPET = """
import json, sys, time
sys.argv = ["bench.py"]
import bench
bench.N = {n}
bench.wipe()
bench.orm_create()  # warm-up
cpu = time.process_time()
rate = bench.orm_create()
print(json.dumps({{"rate": rate, "cpu_rate": bench.N / (time.process_time() - cpu)}}))
"""


def peer_round(database_url: str | None) -> dict:
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    out = subprocess.run(
        [str(bench_peer.PEER_ROOT / "venv/bin/python"), "-c", PEER_SNIPPET.format(n=N)],
        cwd=bench_peer.PEER_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def ours_round(kind: str) -> dict:
    start_at = time.time() + 5.0
    done = ours._result(ours._spawn(kind, "--worker", str(start_at), str(N)))
    return {
        "rate": done["n"] / (done["ended"] - done["started"]),
        "cpu_rate": done["n"] / done["cpu"],
    }


def run(kind: str) -> dict:
    peer_url = None if kind == "sqlite" else f"{bench_peer.PG}/{bench_peer.PEER_PG_DB}"
    if peer_url:
        bench_peer._pg_create(bench_peer.PEER_PG_DB)
    bench_peer.peer_setup(peer_url)
    ours._result(ours._spawn(kind, "--setup"))
    rounds = {"peer": [], "ours": []}
    for _ in range(ROUNDS):
        rounds["peer"].append(peer_round(peer_url))
        rounds["ours"].append(ours_round(kind))
        print(
            f"    {kind}: peer {rounds['peer'][-1]['rate']:.0f}/s, "
            f"ours {rounds['ours'][-1]['rate']:.0f}/s",
            flush=True,
        )
    med = {
        who: {m: statistics.median(r[m] for r in rs) for m in ("rate", "cpu_rate")}
        for who, rs in rounds.items()
    }
    return {
        "median": med,
        "rounds": rounds,
        "ratio": med["ours"]["rate"] / med["peer"]["rate"],
        "cpu_ratio": med["ours"]["cpu_rate"] / med["peer"]["cpu_rate"],
    }


def main() -> None:
    kinds = sys.argv[1:] or ["sqlite", "postgresql"]
    load = [os.getloadavg()]
    results = {kind: run(kind) for kind in kinds}
    load.append(os.getloadavg())
    for kind, r in results.items():
        m = r["median"]
        print(
            f"{kind}: gongzhi {m['ours']['rate']:.0f}/s vs peer {m['peer']['rate']:.0f}/s = "
            f"{r['ratio']:.2f}× (target ≥ 1.2); per CPU-second {m['ours']['cpu_rate']:.0f} vs "
            f"{m['peer']['cpu_rate']:.0f} = {r['cpu_ratio']:.2f}×"
        )
    print(f"load average before {load[0]}, after {load[1]}")
    out = ROOT / "bench" / "out" / "create-side.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"load": load, "n": N, **results}, indent=1))


if __name__ == "__main__":
    main()
