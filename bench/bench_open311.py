"""Open311 POST throughput over HTTP against the real server, next to its /healthz.

`gongzhi serve --no-worker` (uvicorn, one worker) runs on a free loopback port against the
bench database. A separate process drives load with threads and urllib: the same number
of requests and the same concurrency for GET /healthz and for POST /open311/v2/requests.json
(form-encoded, address_id location, a fresh case each time). Target (issue 3): POST
throughput ≥ 30% of /healthz throughput in the same run.

The throttle is lifted for the run (GONGZHI_OPEN311_RATE) so it is measured, not hit.
Run as a script it is the load driver: `python bench/bench_open311.py --load ...`.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ORDER = 60
REQUESTS = int(os.environ.get("BENCH_OPEN311_REQUESTS", "1200"))
CONCURRENCY = int(os.environ.get("BENCH_OPEN311_CONCURRENCY", "8"))
ROUNDS = int(os.environ.get("BENCH_OPEN311_ROUNDS", "2"))
WARMUP = 50


def main(report) -> None:
    from bench.harness import free_port, gongzhi, median

    unit, raw_key = _prepare()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "GONGZHI_OPEN311_RATE": "100000000/60"}
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        gongzhi("serve", "--no-worker", "--host", "127.0.0.1", "--port", str(port)),
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
    )
    try:
        _wait_up(f"{base}/healthz")
        form = {
            "api_key": raw_key,
            "service_code": "0102",
            "address_id": unit,
            "description": "基准测试:楼院杂草无人清理",
        }
        health, posts = [], []
        for i in range(ROUNDS):
            health.append(_drive(f"{base}/healthz", None))
            posts.append(_drive(f"{base}/open311/v2/requests.json", form))
            print(f"  round {i + 1}: healthz {health[-1]:.0f} req/s, POST {posts[-1]:.0f} req/s")
    finally:
        os.killpg(server.pid, signal.SIGINT)  # serve and its uvicorn child, nothing else
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    setup = f"{REQUESTS} requests, {CONCURRENCY} threads, median of {ROUNDS} rounds"
    h, p = median(health), median(posts)
    report("healthz_rps", h, "req/s", f"GET /healthz; {setup}")
    report("open311_post_rps", p, "req/s", f"POST requests.json, one case each; {setup}")
    report("open311_post_vs_healthz", p / h, "x", "target ≥ 0.30")


def _prepare() -> tuple[str, str]:
    """A level-5 grid code to report at and a fresh API key.

    Reuses whatever district the bench database holds (e.g. bench_seed's full one); an
    empty database is migrated and given the small test district. Nothing is wiped.
    """
    import uuid

    from bench.harness import gongzhi, run_child
    from gongzhi.grids.models import Grid
    from gongzhi.open311.keys import apikey_create

    run_child(gongzhi("migrate", "--noinput", "-v0"), echo=False)
    unit = Grid.objects.filter(level=5).values_list("code", flat=True).first()
    if unit is None:
        if Grid.objects.exists():
            raise RuntimeError("the bench database has grids but no level-5 unit to report at")
        from gongzhi.core.testing import build_district

        unit = build_district().unit_a.code
    _, raw = apikey_create(name=f"bench-{uuid.uuid4().hex[:8]}")
    return unit, raw


def _wait_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server did not answer {url}")


def _drive(url: str, form: dict | None) -> float:
    """Run the load driver in its own process; returns requests per second."""
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--load",
        url,
        json.dumps(form),
        str(REQUESTS),
        str(CONCURRENCY),
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)  # noqa: S603
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if result["failed"]:
        raise RuntimeError(f"{url}: {result['failed']} failed requests, e.g. {result['sample']}")
    return result["rps"]


def _load(url: str, form: dict | None, total: int, concurrency: int) -> dict:
    body = urllib.parse.urlencode(form).encode() if form else None
    failed, sample, lock = [0], [""], threading.Lock()

    def one() -> None:
        req = urllib.request.Request(url, data=body)  # noqa: S310 - loopback
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310
                resp.read()
        except (urllib.error.URLError, OSError) as exc:
            with lock:
                failed[0] += 1
                detail = exc.read()[:200] if isinstance(exc, urllib.error.HTTPError) else b""
                sample[0] = f"{exc} {detail.decode(errors='replace')}"

    def worker(n: int) -> None:
        for _ in range(n):
            one()

    for _ in range(WARMUP):
        one()
    failed[0] = 0
    shares = [total // concurrency + (i < total % concurrency) for i in range(concurrency)]
    threads = [threading.Thread(target=worker, args=(n,)) for n in shares]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    return {"rps": total / seconds, "failed": failed[0], "sample": sample[0]}


if __name__ == "__main__" and sys.argv[1:2] == ["--load"]:
    url, form, total, conc = (
        sys.argv[2],
        json.loads(sys.argv[3]),
        int(sys.argv[4]),
        int(sys.argv[5]),
    )
    print(json.dumps(_load(url, form, total, conc)))
