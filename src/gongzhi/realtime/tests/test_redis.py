"""Across processes: a call made through server A reaches a staff socket on server B.

Runs only with REDIS_URL set (CI sets it); if it is set and Redis is down, it fails.
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from gongzhi.realtime.models import OneKeyCall

from .conftest import resident_session, staff_session

REDIS_URL = os.environ.get("REDIS_URL", "")
pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set"),
]
GONGZHI = str(Path(sys.executable).with_name("gongzhi"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url(db: dict) -> str:
    """The URL of the test database itself, so both server processes share the test's rows."""
    if "sqlite" in db["ENGINE"]:  # Django's backend or ours (gongzhi.core.sqlite)
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _serve(port: int, db: dict) -> subprocess.Popen:
    env = os.environ | {
        "GONGZHI_MODE": "test",
        "DATABASE_URL": _database_url(db),
        "REDIS_URL": REDIS_URL,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "gongzhi.settings",
    }
    # Its own process group: `serve` starts uvicorn as a child, and both must stop at the end.
    return subprocess.Popen(  # noqa: S603
        [GONGZHI, "serve", "--no-worker", "--port", str(port)],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_up(port: int, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"server on {port} exited with {proc.returncode}"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"server on {port} did not start")


def _stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


def _call_through(port: int, session_key: str) -> int:
    base = f"http://127.0.0.1:{port}/realtime/call/"
    req = urllib.request.Request(base, headers={"Cookie": f"sessionid={session_key}"})
    with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310 - loopback
        page = resp.read().decode()
        csrf = re.search(r"csrftoken=([^;]+)", resp.headers.get("Set-Cookie", "")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    post = urllib.request.Request(
        base,
        data=f"csrfmiddlewaretoken={token}".encode(),
        method="POST",
        headers={
            "Cookie": f"sessionid={session_key}; csrftoken={csrf}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    with urllib.request.urlopen(post, timeout=10) as resp:  # noqa: S310 - loopback
        return resp.status


def test_a_call_through_one_process_reaches_a_staff_socket_on_another(
    transactional_db, django_db_serialized_rollback, resident, community, district
):
    # Serialized rollback: an earlier transactional test's flush removed the migrated
    # categories, and the call's case needs one.
    import redis
    from websockets.sync.client import connect

    redis.Redis.from_url(REDIS_URL).ping()  # unreachable Redis fails the test, never skips
    db = settings.DATABASES["default"]
    assert "memory" not in str(db["NAME"]), "the servers need a file or server database"
    port_a, port_b = _free_port(), _free_port()
    servers = [_serve(port_a, db), _serve(port_b, db)]
    try:
        _wait_up(port_a, servers[0])
        _wait_up(port_b, servers[1])
        cookie = f"sessionid={staff_session(district.users['gridworker'])}"
        with connect(
            f"ws://127.0.0.1:{port_b}/ws/staff/",
            origin=f"http://127.0.0.1:{port_b}",
            additional_headers={"Cookie": cookie},
            open_timeout=10,
        ) as ws:
            assert json.loads(ws.recv(timeout=10))["type"] == "hello"
            assert _call_through(port_a, resident_session(resident)) == 200
            alert = json.loads(ws.recv(timeout=10))
        call = OneKeyCall.objects.get(account=resident)
        assert (alert["type"], alert["call"]) == ("call", call.pk)
    finally:
        for proc in servers:
            _stop(proc)
