"""200 concurrent clients for 60 s against 3 web workers on PostgreSQL (issue 11, Done when 1).

    python bench/bench_connections.py [--clients 200] [--seconds 60] [--budget 24]

`gongzhi serve --workers 3 --task-workers 1` runs against a fresh database (gz_conn_burst) with
the connection budget DB_MAX_CONNECTIONS=--budget (its pools are sized from it: dbpool.py).
CLIENTS threads send requests back to back for SECONDS: Open311 POSTs (a write each) and, every
fourth request, a GET of the request list. Every answer's status is counted; a sampler reads
`pg_stat_activity` for the database every 0.2 s during the burst and for 15 s after it.

Printed (and written to var/bench/connections.json): requests by status, the peak number of
connections against the configured total, and the connections 10 s after the burst against
the pools' steady size (each process's pool shrinks back to DB_POOL_MIN as connections idle for
DB_POOL_MAX_IDLE seconds). Not part of `make bench` (it needs PostgreSQL and takes ~2 minutes).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import drill  # noqa: E402
from bench.harness import free_port, stop_group  # noqa: E402

DB_NAME = "gz_conn_burst"


def count_connections(conn) -> int:
    return conn.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [DB_NAME]
    ).fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--budget", type=int, default=24)
    parser.add_argument("--pool-max-idle", type=int, default=2)
    args = parser.parse_args()

    import psycopg

    drill.DB_NAME = DB_NAME
    drill.VAR = ROOT / "var" / "bench" / "connections"
    drill.VAR.mkdir(parents=True, exist_ok=True)
    unit, key = drill.prepare_database()
    port = free_port()
    env = {
        **drill.drill_env(), "REDIS_URL": "", "DB_CONN_MAX_AGE": "0",
        "DB_MAX_CONNECTIONS": str(args.budget), "DB_POOL_MAX_IDLE": str(args.pool_max_idle),
        "DATABASE_URL": f"{drill.PG}/{DB_NAME}",
    }  # fmt: skip
    env.pop("DB_POOL_MAX", None)
    log = (drill.VAR / "serve.log").open("w")
    server = subprocess.Popen(  # noqa: S603
        drill.gongzhi("serve", "--port", str(port), "--workers", "3", "--task-workers", "1"),
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    statuses: collections.Counter = collections.Counter()
    samples: list[tuple[float, int]] = []
    try:
        deadline = time.monotonic() + 120
        while not drill.ready(port):
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("server did not become ready; see var/bench/connections")
            time.sleep(0.5)
        pool_line = next(
            (
                line
                for line in (drill.VAR / "serve.log").read_text().splitlines()
                if "连接池" in line
            ),
            "",
        )
        form = {"api_key": key, "service_code": "0102", "address_id": unit}
        post_url = f"{base}/open311/v2/requests.json"
        get_url = f"{base}/open311/v2/requests.json?status=open"
        stop = threading.Event()
        lock = threading.Lock()

        def client(n: int) -> None:
            i = 0
            while not stop.is_set():
                i += 1
                if i % 4 == 0:
                    request = urllib.request.Request(get_url)
                else:
                    body = {**form, "description": f"{drill.MARK} 连接压测 {n}-{i}"}
                    request = urllib.request.Request(
                        post_url, data=urllib.parse.urlencode(body).encode()
                    )
                try:
                    with urllib.request.urlopen(request, timeout=60) as resp:  # noqa: S310
                        resp.read()
                        kind = str(resp.status)
                except urllib.error.HTTPError as exc:
                    kind = str(exc.code)
                except OSError as exc:
                    kind = type(getattr(exc, "reason", exc)).__name__
                with lock:
                    statuses[kind] += 1

        monitor = psycopg.connect(f"{drill.PG}/postgres", autocommit=True)
        idle_before = count_connections(monitor)
        threads = [
            threading.Thread(target=client, args=(n,), daemon=True) for n in range(args.clients)
        ]
        started = time.monotonic()
        for t in threads:
            t.start()
        while time.monotonic() - started < args.seconds:
            samples.append((time.monotonic() - started, count_connections(monitor)))
            time.sleep(0.2)
        stop.set()
        for t in threads:
            t.join(timeout=90)
        ended = time.monotonic()
        after: list[tuple[float, int]] = []
        while time.monotonic() - ended < 15:
            after.append((time.monotonic() - ended, count_connections(monitor)))
            time.sleep(0.2)
        monitor.close()
    finally:
        stop_group(server)
    peak = max(c for _, c in samples)
    at_10 = [c for t, c in after if t >= 10][0]
    result = {
        "clients": args.clients, "seconds": args.seconds, "budget": args.budget,
        "pools": pool_line.strip(), "statuses": dict(statuses),
        "requests": sum(statuses.values()), "connections_before": idle_before,
        "peak_connections": peak, "connections_10s_after": at_10,
        "after": after[::5], "load": os.getloadavg(),
        "five_xx_other_than_503": sum(v for k, v in statuses.items() if k.startswith("5") and k != "503"),
    }  # fmt: skip
    out = ROOT / "var" / "bench" / "connections.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1))
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
