"""Fault drill: the multi-process topology on this machine, under Open311 load, with faults.

    python bench/drill.py [--clients 8] [--settle 15] [--no-redis-restart] [--no-pg-restart]

Topology (deploy/README.md): nginx (Debian's package) on 127.0.0.1:18200 in front of two app
instances (`gongzhi serve --no-worker --port 18211/18212`), `gongzhi task_workers --count 2`
(two supervised task workers), PostgreSQL database gz_ops_drill (dropped and re-created) and
Redis database 2. In production systemd restarts a killed app instance (Restart=always); here a
supervising loop in this script plays that part, one second after the exit, like RestartSec=1.

Load: CLIENTS threads, each submitting Open311 requests one after another; every logical
submission has its own Idempotency-Key and is retried with that key on 502/503/504 and on a
connection error or timeout, with back-off, until accepted (a phone client's behaviour). Any
other answer is final and counted.

Faults, one after another with SETTLE seconds of load between them: kill -9 one app instance;
kill -9 one task worker; restart Redis; restart PostgreSQL (last: other sessions on this
machine share both servers, so each is restarted once and briefly). Time to recover = from the
fault until /readyz answers 200 through both instances again.

Printed (and written to var/drill/result.json): sent, accepted, lost (accepted but not stored),
duplicated (one key stored twice), final non-retried answers by status, retries, and per fault
the recovery time and the client errors seen during it.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VAR = ROOT / "var" / "drill"
NGINX_PORT, APP_PORTS = 18200, (18211, 18212)
DB_NAME = "gz_ops_drill"
PG = "postgres://postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379/2"
MARK = "故障演练"
GIVE_UP_AFTER = 300.0  # a retrying client waits at most this long for one submission


def drill_env() -> dict[str, str]:
    return {
        **os.environ,
        "GONGZHI_MODE": "demo",  # production settings, except that a SECRET_KEY is not needed
        "DATABASE_URL": f"{PG}/{DB_NAME}",
        "REDIS_URL": REDIS,
        "GONGZHI_VAR_DIR": str(VAR),
        "GONGZHI_OPEN311_RATE": "100000000/60",
        # Until connection pools bound them, short-lived connections keep PostgreSQL under
        # max_connections (shared with other users of this machine).
        "DB_CONN_MAX_AGE": os.environ.get("DRILL_CONN_MAX_AGE", "0"),
        "TASK_WORKER_NAME_PREFIX": "drill",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }


def gongzhi(*args: str) -> list[str]:
    return [sys.executable, "-m", "gongzhi", *args]


# ---- set-up ---------------------------------------------------------------------------------


def prepare_database() -> tuple[str, str]:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")
    os.environ.update({k: v for k, v in drill_env().items() if k != "PYTHONUNBUFFERED"})
    os.environ["DJANGO_SETTINGS_MODULE"] = "gongzhi.settings"
    subprocess.run(gongzhi("migrate", "--noinput", "-v0"), check=True, env=drill_env())  # noqa: S603
    import django

    django.setup()
    from gongzhi.core.testing import build_district
    from gongzhi.open311.keys import apikey_create

    unit = build_district().unit_a.code
    _, raw = apikey_create(name="drill")
    return unit, raw


NGINX_CONF = """
worker_processes 1;
pid {var}/nginx.pid;
error_log {var}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {var}/nginx-tmp;
    proxy_temp_path {var}/nginx-tmp;
    upstream gongzhi_app {{
        {servers}
        keepalive 32;
    }}
    map $http_upgrade $connection_upgrade {{ default upgrade; "" ""; }}
    server {{
        listen 127.0.0.1:{port};
        location /ws/ {{
            proxy_pass http://gongzhi_app;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $host;
        }}
        location / {{
            proxy_pass http://gongzhi_app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
            proxy_next_upstream error timeout http_502 http_503;
        }}
    }}
}}
"""


def start_nginx() -> None:
    (VAR / "nginx-tmp").mkdir(parents=True, exist_ok=True)
    servers = "\n        ".join(
        f"server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;" for p in APP_PORTS
    )
    conf = VAR / "nginx.conf"
    conf.write_text(NGINX_CONF.format(var=VAR, servers=servers, port=NGINX_PORT))
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    subprocess.run([nginx, "-p", str(VAR), "-c", str(conf)], check=True)  # noqa: S603


def stop_nginx() -> None:
    pid_file = VAR / "nginx.pid"
    if pid_file.exists():
        with contextlib.suppress(ProcessLookupError, ValueError):
            os.kill(int(pid_file.read_text().strip()), signal.SIGQUIT)


class Supervised:
    """A process group restarted one second after it exits (systemd's Restart=always)."""

    def __init__(self, name: str, args: list[str]) -> None:
        self.name, self.args = name, args
        self.proc: subprocess.Popen | None = None
        self.restarts = 0
        self.log = (VAR / f"{name}.log").open("ab")

    def start(self) -> None:
        self.proc = subprocess.Popen(  # noqa: S603
            self.args,
            env=drill_env(),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill9(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)

    def check(self) -> None:
        if self.proc is not None and self.proc.poll() is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)  # whatever it left behind
            time.sleep(1)
            self.restarts += 1
            self.start()

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill9()
            self.proc.wait()


# ---- load -----------------------------------------------------------------------------------


class Load:
    def __init__(self, url: str, form: dict, clients: int) -> None:
        self.url, self.form, self.clients = url, form, clients
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.sent = 0
        self.accepted: dict[str, str] = {}
        self.final = collections.Counter()  # non-retried, non-accepted answers by status
        self.retries = collections.Counter()  # retried answers by status or error kind
        self.gave_up = 0
        self.samples: dict[str, str] = {}  # one answer body per final status, for the report
        self.errors_at: list[tuple[float, str]] = []

    def submit(self) -> None:
        key = uuid.uuid4().hex
        body = urllib.parse.urlencode({**self.form, "description": f"{MARK} {key}"}).encode()
        with self.lock:
            self.sent += 1
        started, delay = time.monotonic(), 0.2
        while True:
            request = urllib.request.Request(self.url, data=body, headers={"Idempotency-Key": key})
            try:
                with urllib.request.urlopen(request, timeout=30) as resp:  # noqa: S310 - loopback
                    number = json.loads(resp.read())[0]["service_request_id"]
                with self.lock:
                    self.accepted[key] = number
                return
            except urllib.error.HTTPError as exc:
                kind = str(exc.code)
                retry = exc.code in (502, 503, 504)
                text = exc.read()[:300].decode(errors="replace")
                if not retry:
                    with self.lock:
                        self.samples.setdefault(kind, text)
            except (urllib.error.URLError, OSError, ValueError) as exc:
                kind, retry = type(getattr(exc, "reason", exc)).__name__, True
            with self.lock:
                self.errors_at.append((time.monotonic(), kind))
                (self.retries if retry else self.final)[kind] += 1
            if not retry:
                return
            if time.monotonic() - started > GIVE_UP_AFTER:
                with self.lock:
                    self.gave_up += 1
                return
            time.sleep(delay)
            delay = min(delay * 2, 2.0)

    def client(self) -> None:
        while not self.stop.is_set():
            self.submit()

    def run(self) -> list[threading.Thread]:
        threads = [threading.Thread(target=self.client, daemon=True) for _ in range(self.clients)]
        for t in threads:
            t.start()
        return threads

    def errors_between(self, start: float, end: float) -> dict:
        with self.lock:
            return dict(collections.Counter(k for at, k in self.errors_at if start <= at <= end))


def ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=3) as r:  # noqa: S310
            return r.status == 200
    except (OSError, ValueError):
        return False


def wait_recovered(since: float, limit: float = 300) -> float:
    """Seconds from `since` until /readyz is 200 on every instance (None-safe upper bound)."""
    while time.monotonic() - since < limit:
        if all(ready(p) for p in APP_PORTS):
            return time.monotonic() - since
        time.sleep(0.2)
    raise RuntimeError(f"not recovered within {limit} s")


def wait_not_ready(limit: float = 20) -> bool:
    """True once some instance answers /readyz other than 200 (the fault was seen)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if not all(ready(p) for p in APP_PORTS):
            return True
        time.sleep(0.1)
    return False


# ---- faults ---------------------------------------------------------------------------------


def fault_kill_app(apps: list[Supervised], _workers) -> str:
    apps[0].kill9()
    return f"kill -9 app instance :{APP_PORTS[0]} (serve and its uvicorn)"


def fault_kill_worker(_apps, _workers) -> str:
    from gongzhi.core.models import TaskWorkerBeat

    row = TaskWorkerBeat.objects.filter(status="up").order_by("name").first()
    os.kill(row.pid, signal.SIGKILL)
    return f"kill -9 task worker {row.name} (pid {row.pid})"


def fault_restart_redis(_apps, _workers) -> str:
    """A real restart with the running server's own settings (it has no config file here)."""
    import redis

    client = redis.Redis.from_url(REDIS)
    conf = {k: client.config_get(k)[k] for k in ("port", "bind", "dir", "save", "appendonly")}
    with contextlib.suppress(redis.exceptions.ConnectionError):
        client.shutdown(nosave=conf["save"] == "")
    args = [
        "redis-server",
        "--port",
        conf["port"],
        "--bind",
        *conf["bind"].split(),
        "--dir",
        conf["dir"],
        "--save",
        conf["save"],
        "--appendonly",
        conf["appendonly"],
        "--daemonize",
        "yes",
    ]
    subprocess.run(args, check=True)  # noqa: S603
    return "restart Redis (shutdown, start)"


def fault_restart_postgres(_apps, _workers) -> str:
    # Not waited for here: the drill watches /readyz while the restart is under way.
    restart = ["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "restart"]
    threading.Thread(target=subprocess.run, args=(restart,), daemon=True).start()
    return "restart PostgreSQL (pg_ctlcluster restart)"


# ---- the drill ------------------------------------------------------------------------------


def verify(load: Load) -> dict:
    from django.db import connection

    from gongzhi.cases.models import Case

    connection.close()
    stored = collections.Counter(
        d.split(" ", 1)[1]
        for d in Case.objects.filter(description__startswith=MARK).values_list(
            "description", flat=True
        )
    )
    lost = [k for k in load.accepted if stored[k] == 0]
    duplicated = [k for k, n in stored.items() if n > 1]
    return {"stored": sum(stored.values()), "lost": len(lost), "duplicated": len(duplicated)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--settle", type=float, default=15.0)
    parser.add_argument("--no-redis-restart", action="store_true")
    parser.add_argument("--no-pg-restart", action="store_true")
    opts = parser.parse_args()

    shutil.rmtree(VAR, ignore_errors=True)
    VAR.mkdir(parents=True)
    print("preparing database", DB_NAME)
    unit, raw_key = prepare_database()
    apps = [
        Supervised(f"app-{p}", gongzhi("serve", "--no-worker", "--port", str(p))) for p in APP_PORTS
    ]
    workers = Supervised("workers", gongzhi("task_workers", "--count", "2"))
    procs = [*apps, workers]
    stop_watch = threading.Event()

    def watch() -> None:
        while not stop_watch.wait(0.5):
            for proc in procs:
                proc.check()

    faults = [fault_kill_app, fault_kill_worker]
    if not opts.no_redis_restart:
        faults.append(fault_restart_redis)
    if not opts.no_pg_restart:
        faults.append(fault_restart_postgres)
    results, load = [], None
    try:
        for proc in procs:
            proc.start()
        start_nginx()
        threading.Thread(target=watch, daemon=True).start()
        print("waiting for readiness", wait_recovered(time.monotonic()))
        form = {"api_key": raw_key, "service_code": "0102", "address_id": unit}
        load = Load(f"http://127.0.0.1:{NGINX_PORT}/open311/v2/requests.json", form, opts.clients)
        threads = load.run()
        time.sleep(opts.settle)
        for fault in faults:
            at = time.monotonic()
            what = fault(apps, workers)
            seen = wait_not_ready()
            recovered = wait_recovered(at)
            time.sleep(opts.settle)  # load continues on the recovered topology
            results.append(
                {
                    "fault": what,
                    "readyz_saw_it": seen,
                    "recovered_s": round(recovered, 1),
                    "client_errors": load.errors_between(at, at + recovered + 1),
                }
            )
            print(
                f"  {what}: recovered in {recovered:.1f} s; errors {results[-1]['client_errors']}"
            )
        load.stop.set()
        for t in threads:
            t.join(GIVE_UP_AFTER + 60)
    finally:
        stop_watch.set()
        stop_nginx()
        for proc in procs:
            proc.stop()
    summary = {
        "clients": opts.clients, "sent": load.sent, "accepted": len(load.accepted),
        **verify(load), "gave_up": load.gave_up, "final_answers": dict(load.final),
        "final_samples": load.samples,
        "retried": dict(load.retries), "app_restarts": [a.restarts for a in apps],
        "faults": results,
    }  # fmt: skip
    (VAR / "result.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2))
    print(json.dumps(summary, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
