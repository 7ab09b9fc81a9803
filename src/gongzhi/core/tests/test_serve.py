"""`gongzhi serve` starts a real ASGI server that answers /healthz."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request


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
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=20)
