"""`gongzhi serve`: the real server answers /healthz and static files; its process layout
(granian with the requested workers) and the connection budget it hands its processes."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_answers_healthz(tmp_path):
    port = _free_port()
    env = {**os.environ, "GONGZHI_MODE": "demo", "GONGZHI_VAR_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)  # a throwaway SQLite file under tmp_path
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gongzhi", "serve", "--port", str(port), "--no-worker"],
        env=env,
        stdout=(tmp_path / "serve.log").open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the server it starts is stopped too
    )
    try:
        body = None
        deadline = time.monotonic() + 180  # a liveness wait, not a timing check
        while time.monotonic() < deadline and body is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:  # noqa: S310
                    body = json.loads(r.read())
            except OSError:
                time.sleep(0.3)
        assert body is not None, "server did not answer within 180 s"
        assert body["database"]["ok"] is True
        # The embedded default serves its static files itself (WhiteNoise, same port).
        static = f"http://127.0.0.1:{port}/static/bootstrap/css/bootstrap.min.css"
        with urllib.request.urlopen(static, timeout=10) as r:  # noqa: S310 - loopback
            assert r.status == 200 and b".btn" in r.read()
        # After its checks the command became the Django-free runner in the same process
        # (issue 19, memory): it only starts and watches the server and the workers.
        cmdline = (Path("/proc") / str(proc.pid) / "cmdline").read_bytes().split(b"\0")
        assert cmdline[1:3] == [b"-m", b"gongzhi.core.runner"]
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=20)


def test_web_server_is_granian_serving_the_one_asgi_app_with_the_requested_workers():
    from gongzhi.core.management.commands.serve import web_server_command

    cmd = web_server_command("127.0.0.2", 8123, 3)
    assert cmd[:3] == [sys.executable, "-m", "granian"]
    assert cmd[cmd.index("--interface") + 1] == "asgi"
    assert "gongzhi.asgi:application" in cmd
    assert cmd[cmd.index("--workers") + 1] == "3"
    assert (cmd[cmd.index("--host") + 1], cmd[cmd.index("--port") + 1]) == ("127.0.0.2", "8123")
    assert web_server_command("127.0.0.1", 8000, 0)[cmd.index("--workers") + 1] == "1"


def test_serve_sizes_each_process_pool_from_the_budget(monkeypatch):
    from gongzhi.core.management.commands.serve import pool_env

    monkeypatch.setenv("DB_MAX_CONNECTIONS", "30")
    monkeypatch.setenv("DB_HEADROOM", "6")
    monkeypatch.delenv("DB_POOL_MAX", raising=False)
    assert pool_env(3, pooled=True) == {"DB_POOL_MAX": "8"}  # 3 * 8 + 6 = 30
    monkeypatch.setenv("DB_POOL_MAX", "5")  # the operator's own cap only lowers it
    assert pool_env(3, pooled=True) == {"DB_POOL_MAX": "5"}
    monkeypatch.setenv("DB_POOL_MAX", "50")
    assert pool_env(3, pooled=True) == {"DB_POOL_MAX": "8"}
    assert pool_env(3, pooled=False) == {}  # SQLite, or the pool off: nothing to size


def test_serve_refuses_a_budget_that_cannot_give_every_process_a_connection(monkeypatch):
    from django.core.management.base import CommandError

    from gongzhi.core.management.commands.serve import pool_env

    monkeypatch.setenv("DB_MAX_CONNECTIONS", "5")
    monkeypatch.setenv("DB_HEADROOM", "3")
    with pytest.raises(CommandError, match="DB_MAX_CONNECTIONS=5"):
        pool_env(3, pooled=True)


def test_serve_gives_its_processes_two_malloc_arenas_unless_the_operator_chose(monkeypatch):
    from gongzhi.core.management.commands.serve import serve_plan

    opts = {"host": "127.0.0.1", "port": 8123, "workers": 2, "task_workers": 1, "no_worker": False}
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    assert serve_plan(opts)["env"]["MALLOC_ARENA_MAX"] == "2"
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert serve_plan(opts)["env"]["MALLOC_ARENA_MAX"] == "4"


def test_the_task_worker_leaves_the_system_checks_to_serve():
    """Each worker would otherwise import every view and URL conf (~40 MB) it never uses."""
    from gongzhi.core.management.commands.task_worker import Command

    assert Command.requires_system_checks == []


def test_the_runner_loads_no_django():
    """What `serve` becomes after its checks: the supervisor and the server's parent only."""
    probe = (
        "import sys, gongzhi.core.runner; print(sorted(m for m in sys.modules if 'django' in m))"
    )
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"


def test_the_runner_refuses_to_start_without_a_plan():
    env = {k: v for k, v in os.environ.items() if k != "GONGZHI_SERVE_PLAN"}
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "gongzhi.core.runner"], env=env, capture_output=True, text=True
    )
    assert done.returncode != 0 and "gongzhi serve" in done.stderr
