"""Benchmark (issue 4): one-key call latency to 1,000 staff sockets, live-room fan-out to
2,000 resident sockets, against the real server over loopback.

Standalone:  GONGZHI_MODE=test .venv/bin/python bench/bench_realtime.py
bench/run.py imports this module and calls main(report).

Each channel layer is measured in a child process of its own, against a throwaway database
(var/bench/bench_realtime.sqlite3, or `<DATABASE_URL name>_realtime` on PostgreSQL), so the
full district other benchmarks leave behind is untouched. The child migrates it, builds the
small test district through the services, then bulk-creates 1,000 community-center staff
(one shared password hash) and 2,000 resident accounts bound to unit_a, with their sessions
written straight into the session table (no 3,000 logins). It starts `gongzhi serve
--no-worker` (one uvicorn process) on a free loopback port and drives it with asyncio and
the `websockets` client:

* one-key call: 1,000 /ws/staff/ sockets (all in the 金泉路社区 center's duty group); CALLS
  residents each POST /realtime/call/ once (one caller per call: the per-resident rate
  limit is not lifted); latency = from just before the POST to each socket's receipt.
* live room: 2,000 /ws/live/<id>/ sockets; POSTS questions posted one after the other;
  "all received" = until the last socket has the question.

The in-memory layer always runs; with REDIS_URL set, the Redis layer runs too, on Redis
database BENCH_REDIS_DB (default 15) so its groups never meet those of tests running
against database 0. BENCH_RT_LAYERS=redis (or memory) runs one layer only. The server logs
to var/bench/bench_realtime.<layer>.log; the tracebacks in it are counted and reported. The
client runs on the same machine as the server: its own CPU time is inside the figures (the
load average is reported with them). Sockets do not negotiate permessage-deflate. A socket
that has not received an event within WAIT seconds counts as lost.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
ORDER = 70
STAFF = int(os.environ.get("BENCH_RT_STAFF", "1000"))
RESIDENTS = int(os.environ.get("BENCH_RT_RESIDENTS", "2000"))
CALLS = int(os.environ.get("BENCH_RT_CALLS", "10"))
POSTS = int(os.environ.get("BENCH_RT_POSTS", "5"))
CONNECT_CONCURRENCY = 100
WAIT = 10.0  # seconds an event may take before the sockets still missing it count as lost
CHILD_TIMEOUT = 900
SQLITE_PATH = ROOT / "var" / "bench" / "bench_realtime.sqlite3"
LOG_DIR = ROOT / "var" / "bench"
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/gongzhi_bench"
CSRF = "benchcsrf" + "0" * 23  # a 32-character CSRF secret we set ourselves (cookie = form)


def main(report) -> None:
    kind = _vendor()
    layers = ["memory"] + (["redis"] if os.environ.get("REDIS_URL") else [])
    if only := os.environ.get("BENCH_RT_LAYERS"):
        layers = [layer for layer in layers if layer in only.split(",")]
    for layer in layers:
        r = _measure(kind, layer)
        sfx = "" if layer == "memory" else "_redis"
        load = f"load {r['load'][0]:.1f}/{r['load'][1]:.1f} on {os.cpu_count()} CPUs"
        report(
            f"rt_staff_connect{sfx}",
            r["staff_connect_s"],
            "s",
            f"{r['staff']} /ws/staff/ sockets, {CONNECT_CONCURRENCY} handshakes at a time; {layer}",
        )
        report(
            f"rt_call_p50{sfx}",
            r["call_p50_ms"],
            "ms",
            f"POST /realtime/call/ → alert on each of {r['staff']} staff sockets; "
            f"{r['calls']} calls; {layer}; {load}",
        )
        report(
            f"rt_call_p99{sfx}",
            r["call_p99_ms"],
            "ms",
            f"target ≤ 1000; max {r['call_max_ms']:.0f} ms; POST itself median "
            f"{r['call_post_ms']:.0f} ms; lost {r['call_lost']}; server tracebacks "
            f"{r['server_tracebacks']}; warm-up call before "
            f"{r['call_warmup_ms']:.0f} ms; {layer}; {load}",
        )
        report(
            f"rt_live_connect{sfx}",
            r["live_connect_s"],
            "s",
            f"{r['residents']} /ws/live/ resident sockets; {layer}",
        )
        report(
            f"rt_live_all_received{sfx}",
            r["live_all_ms"],
            "ms",
            f"question POST → last of {r['residents']} sockets; median of {r['posts']} posts "
            f"{r['live_all_each_ms']}; lost {r['live_lost']}; warm-up question before "
            f"{r['live_warmup_ms']:.0f} ms; {layer}; {load}",
        )
        report(
            f"rt_live_p99{sfx}",
            r["live_p99_ms"],
            "ms",
            f"per-socket delivery p99 (p50 {r['live_p50_ms']:.0f} ms); {layer}; {load}",
        )


def _vendor() -> str:
    try:
        from bench.harness import vendor

        return vendor()  # under bench/run.py: the database kind it is using
    except Exception:  # noqa: BLE001 - standalone, Django not set up: follow DATABASE_URL
        return (
            "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
        )


def _throwaway_url(kind: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{SQLITE_PATH}"
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        base = PG_DEFAULT
    head, _, name = base.rpartition("/")
    return f"{head}/{name.split('?')[0]}_realtime"


def _redis_url() -> str:
    parts = urlsplit(os.environ["REDIS_URL"])
    return urlunsplit(parts._replace(path=f"/{os.environ.get('BENCH_REDIS_DB', '15')}"))


def _measure(kind: str, layer: str) -> dict:
    env = dict(os.environ, GONGZHI_MODE="test", DATABASE_URL=_throwaway_url(kind))
    env["DJANGO_SETTINGS_MODULE"] = "gongzhi.settings"
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT)])
    env.pop("REDIS_URL", None)
    if layer == "redis":
        env["REDIS_URL"] = _redis_url()
    print(f"  {layer} layer: {STAFF} staff, {RESIDENTS} residents …", flush=True)
    out = subprocess.run(  # noqa: S603 - our own interpreter and file
        [sys.executable, __file__, "--child"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=CHILD_TIMEOUT,
    )
    for line in out.stderr.splitlines():
        if line.startswith("  "):
            print(line, flush=True)
    if out.returncode != 0:
        raise RuntimeError(f"bench_realtime child ({layer}) failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- the child process: setup ------------------------------------------------------------


def _say(msg: str) -> None:
    print(f"    {msg}", file=sys.stderr, flush=True)


def _reset_database() -> None:
    from django.core.management import call_command
    from harness import wipe_database  # this file runs as a script: bench/ is on sys.path

    wipe_database(SQLITE_PATH)
    call_command("migrate", verbosity=0, interactive=False)


def _sessions(payloads: list[dict]) -> list[str]:
    """Session rows written in bulk; returns their keys (the sessionid cookies)."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    store, expires = SessionStore(), timezone.now() + timezone.timedelta(days=1)
    rows = [
        Session(
            session_key=secrets.token_hex(16), session_data=store.encode(p), expire_date=expires
        )
        for p in payloads
    ]
    Session.objects.bulk_create(rows, batch_size=500)
    return [r.session_key for r in rows]


def _setup() -> dict:
    """The district, 1,000 center staff, 2,000 residents in unit_a, sessions, a live session."""
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from gongzhi.core.roles import Role
    from gongzhi.core.testing import build_district
    from gongzhi.org.models import Center, Staff
    from gongzhi.portal.auth import SESSION_KEY as RESIDENT_KEY
    from gongzhi.portal.models import ResidentAccount
    from gongzhi.realtime.services import live_session_create

    User = get_user_model()  # noqa: N806
    _reset_database()
    district = build_district()
    center = Center.objects.get(grid=district.jinquan)

    password = make_password("bench-realtime")  # one hash shared by all 1,000 staff
    users = User.objects.bulk_create(
        [User(username=f"bench_staff_{i}", password=password) for i in range(STAFF)],
        batch_size=500,
    )
    Staff.objects.bulk_create(
        [
            Staff(user=u, name=f"值班员{i}", role=Role.CENTER_STAFF, center=center)
            for i, u in enumerate(users)
        ],
        batch_size=500,
    )
    auth_hash = users[0].get_session_auth_hash()  # same password hash → same session hash
    backend = settings.AUTHENTICATION_BACKENDS[0]
    staff_keys = _sessions(
        [
            {SESSION_KEY: str(u.pk), BACKEND_SESSION_KEY: backend, HASH_SESSION_KEY: auth_hash}
            for u in users
        ]
    )

    r_users = User.objects.bulk_create(
        [User(username=f"bench_resident_{i}", password="!") for i in range(RESIDENTS)],
        batch_size=500,
    )
    accounts = []
    for i, u in enumerate(r_users):
        a = ResidentAccount(user=u, unit=district.unit_a, bound_via="staff")
        a.set_phone(f"139{i:08d}")
        accounts.append(a)
    accounts = ResidentAccount.objects.bulk_create(accounts, batch_size=500)
    resident_keys = _sessions([{RESIDENT_KEY: a.pk} for a in accounts])

    live = live_session_create(
        by=district.users["center"],
        topic="基准测试直播",
        scheduled_at=timezone.now(),
        hosts=[district.users["center"]],
    )
    return {"staff": staff_keys, "residents": resident_keys, "live": live.pk}


# --- the child process: server -----------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_log() -> Path:
    return LOG_DIR / f"bench_realtime.{'redis' if os.environ.get('REDIS_URL') else 'memory'}.log"


def _serve(port: int) -> subprocess.Popen:
    from bench.harness import gongzhi

    env = dict(os.environ, ALLOWED_HOSTS="127.0.0.1")
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    with _server_log().open("w") as log:
        # Its own process group: `serve` starts uvicorn as a child; both stop at the end.
        return subprocess.Popen(  # noqa: S603 - our own interpreter and module
            gongzhi("serve", "--no-worker", "--host", "127.0.0.1", "--port", str(port)),
            env=env,
            start_new_session=True,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def _wait_up(port: int, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}; see {_server_log()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server on {port} did not start")


def _stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    except ProcessLookupError:
        pass


def _raise_open_files(needed: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        new = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))  # the server inherits it


# --- the child process: the load ---------------------------------------------------------


def _pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))]


class Sockets:
    """Many open sockets and, per event key, the perf_counter times they received it."""

    def __init__(self, port: int, path: str, cookies: list[str], key_of) -> None:
        self.port, self.path, self.cookies, self.key_of = port, path, cookies, key_of
        self.conns: list = []
        self.readers: list[asyncio.Task] = []
        self.received: dict = {}

    async def open(self, expect_hello: bool) -> float:
        from websockets.asyncio.client import connect

        gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
        origin = f"http://127.0.0.1:{self.port}"

        async def one(cookie: str):
            async with gate:
                ws = await connect(
                    f"ws://127.0.0.1:{self.port}{self.path}",
                    origin=origin,
                    additional_headers={"Cookie": f"sessionid={cookie}"},
                    open_timeout=60,
                    ping_interval=None,
                    compression=None,
                    max_queue=None,
                )
                if expect_hello:
                    hello = json.loads(await asyncio.wait_for(ws.recv(), 30))
                    assert hello["type"] == "hello", hello
                return ws

        started = time.perf_counter()
        self.conns = await asyncio.gather(*(one(c) for c in self.cookies))
        seconds = time.perf_counter() - started
        self.readers = [asyncio.create_task(self._read(ws)) for ws in self.conns]
        return seconds

    async def _read(self, ws) -> None:
        from websockets.exceptions import ConnectionClosed

        try:
            async for raw in ws:
                t = time.perf_counter()
                key = self.key_of(json.loads(raw))
                if key is not None:
                    self.received.setdefault(key, []).append(t)
        except ConnectionClosed:
            pass

    async def wait_for(self, key) -> list[float]:
        deadline = time.perf_counter() + WAIT
        while len(self.received.get(key, ())) < len(self.conns):
            if time.perf_counter() > deadline:
                break
            await asyncio.sleep(0.005)
        return self.received.get(key, [])

    async def close(self) -> None:
        await asyncio.gather(*(ws.close() for ws in self.conns), return_exceptions=True)
        for task in self.readers:
            task.cancel()
        await asyncio.gather(*self.readers, return_exceptions=True)


def _post(port: int, path: str, cookie: str, form: dict) -> tuple[int, str, bytes]:
    import http.client
    from urllib.parse import urlencode

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(
            "POST",
            path,
            urlencode({**form, "csrfmiddlewaretoken": CSRF}),
            {
                "Cookie": f"sessionid={cookie}; csrftoken={CSRF}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        resp = conn.getresponse()
        return resp.status, resp.getheader("Location", ""), resp.read()
    finally:
        conn.close()


async def _timed_post(port: int, path: str, cookie: str, form: dict):
    """(start time, status, Location, body); the POST runs in a thread so the sockets keep
    being read (and timestamped) while it is in flight."""
    started = time.perf_counter()
    status, location, body = await asyncio.to_thread(_post, port, path, cookie, form)
    return started, time.perf_counter() - started, status, location, body


def _last_ms(times: list[float], t0: float) -> float:
    return (max(times) - t0) * 1000 if times else float("nan")


async def _calls(port: int, staff: list[str], callers: list[str]) -> dict:
    """The first call is a warm-up (the server's first of its kind), not in the figures."""

    def key(ev: dict):
        return ev.get("call") if ev.get("type") == "call" else None

    socks = Sockets(port, "/ws/staff/", staff, key)
    connect_s = await socks.open(expect_hello=True)
    _say(f"{len(staff)} staff sockets in {connect_s:.1f} s")
    latencies, lost, posts, warmup = [], 0, [], 0.0
    try:
        for n, caller in enumerate(callers):
            t0, post_s, status, location, body = await _timed_post(
                port, "/realtime/call/", caller, {}
            )
            if status != 302:
                raise RuntimeError(f"call POST gave {status}: {body[:300]!r}")
            call_id = int(location.rstrip("/").rsplit("/", 1)[1])
            times = await socks.wait_for(call_id)
            _say(f"call {call_id}: {len(times)} got it, last after {_last_ms(times, t0):.0f} ms")
            if n == 0:
                warmup = _last_ms(times, t0)
            else:
                lost += len(staff) - len(times)
                latencies += [(t - t0) * 1000 for t in times]
                posts.append(post_s * 1000)
            await asyncio.sleep(0.5)
    finally:
        await socks.close()
    if not latencies:
        raise RuntimeError("no staff socket received any alert")
    return {
        "staff": len(staff), "calls": len(callers) - 1, "staff_connect_s": connect_s,
        "call_p50_ms": _pct(latencies, 50), "call_p99_ms": _pct(latencies, 99),
        "call_max_ms": max(latencies), "call_post_ms": statistics.median(posts),
        "call_lost": lost, "call_warmup_ms": warmup,
    }  # fmt: skip


async def _live(port: int, residents: list[str], session_id: int) -> dict:
    """POSTS questions after one warm-up question."""

    def key(ev: dict):
        return ev["question"]["id"] if ev.get("type") == "question" else None

    socks = Sockets(port, f"/ws/live/{session_id}/", residents, key)
    connect_s = await socks.open(expect_hello=False)
    _say(f"{len(residents)} live sockets in {connect_s:.1f} s")
    latencies, alls, lost, warmup = [], [], 0, 0.0
    try:
        for i in range(POSTS + 1):
            t0, _, status, _, body = await _timed_post(
                port,
                f"/realtime/live/{session_id}/ask/",
                residents[i],
                {"text": f"基准测试提问 {i}:小区路灯什么时候修?"},
            )
            if status != 200:
                raise RuntimeError(f"question POST gave {status}: {body[:300]!r}")
            qid = json.loads(body)["question"]["id"]
            times = await socks.wait_for(qid)
            _say(f"question {qid}: {len(times)} got it, last after {_last_ms(times, t0):.0f} ms")
            if i == 0:
                warmup = _last_ms(times, t0)
            else:
                lost += len(residents) - len(times)
                latencies += [(t - t0) * 1000 for t in times]
                alls.append(_last_ms(times, t0))
            await asyncio.sleep(0.5)
    finally:
        await socks.close()
    if not latencies:
        raise RuntimeError("no live socket received any question")
    return {
        "residents": len(residents), "posts": POSTS, "live_connect_s": connect_s,
        "live_all_ms": statistics.median(alls), "live_all_each_ms": [round(a, 1) for a in alls],
        "live_p50_ms": _pct(latencies, 50), "live_p99_ms": _pct(latencies, 99),
        "live_lost": lost, "live_warmup_ms": warmup,
    }  # fmt: skip


def _child() -> None:
    import django

    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    django.setup()
    from django.db import connections

    if url := os.environ.get("REDIS_URL"):
        import redis

        client = redis.Redis.from_url(url)
        if client.connection_pool.connection_kwargs.get("db", 0) != 0:
            client.flushdb()  # the bench's own database: no stale groups from an earlier run
    started = time.perf_counter()
    data = _setup()
    connections.close_all()
    _say(f"setup {time.perf_counter() - started:.0f} s")
    _raise_open_files(2 * (STAFF + RESIDENTS) + 1000)
    port = _free_port()
    server = _serve(port)
    try:
        _wait_up(port, server)
        calls = asyncio.run(_calls(port, data["staff"], data["residents"][: CALLS + 1]))
        live = asyncio.run(_live(port, data["residents"], data["live"]))
        time.sleep(3)  # let the server finish the sockets' disconnects before it is stopped
    finally:
        _stop(server)
    tracebacks = _server_log().read_text(errors="replace").count("Traceback")
    print(json.dumps({**calls, **live, "load": os.getloadavg(), "server_tracebacks": tracebacks}))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    if sys.argv[1:2] == ["--child"]:
        _child()
    else:

        def _print(name: str, value: float, unit: str, note: str = "") -> None:
            print(f"  {name}: {value:,.2f} {unit}  {note}", flush=True)

        main(_print)
