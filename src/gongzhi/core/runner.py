"""What `gongzhi serve` becomes once its checks passed: a process without Django.

`serve` (a Django command) runs the system checks and works out everything its children
need — their environment with the connection budget and the metrics directory, the web
server's command, the task workers' names and restart delay — into a plan. From the command
line it then replaces itself (same pid) with `python -m gongzhi.core.runner`, handing the plan
over in GONGZHI_SERVE_PLAN: this process only starts and watches children, and Django's
~60 MB would sit in it unused (issue 19, memory). `call_command("serve")` runs the same
`run()` in-process.

A task worker that dies is recorded as down (readiness names it at once) by a short-lived
`gongzhi task_worker_down` child: the runner itself cannot reach the database.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import Any

from gongzhi.core.supervisor import Supervisor

PLAN_VARIABLE = "GONGZHI_SERVE_PLAN"
log = logging.getLogger("gongzhi.supervisor")


def mark_down_by_child(env: dict[str, str]) -> Callable[[str, str, int | None], None]:
    """`on_down` that records the exit through `gongzhi task_worker_down` (in a thread, so
    the supervisor's round does not wait for a Django start)."""

    def on_down(name: str, reason: str, pid: int | None) -> None:
        cmd = [sys.executable, "-m", "gongzhi", "task_worker_down", "--name", name]
        cmd += ["--reason", reason] + (["--pid", str(pid)] if pid is not None else [])

        def record() -> None:
            try:
                subprocess.run(cmd, env=env, timeout=120, check=True)  # noqa: S603
            except (OSError, subprocess.SubprocessError):
                log.warning("could not record task worker %s as down", name, exc_info=True)

        threading.Thread(target=record, name=f"down-{name}", daemon=True).start()

    return on_down


def run(plan: dict[str, Any], on_down: Callable[[str, str, int | None], None] | None) -> int:
    """Start the task workers and the web server of `plan`; return the server's exit code."""
    supervisor = None
    if plan["task_workers"] > 0:
        # Restarted when they exit, with back-off; each worker also starts the every-minute
        # deadline sweep (duplicates die out).
        supervisor = Supervisor(
            plan["task_workers"],
            prefix=plan["prefix"],
            env=plan["env"],
            on_down=on_down,
            first_delay=plan["first_delay"],
        ).start()
        supervisor.run_in_thread()
    print(plan["banner"], flush=True)
    server = subprocess.Popen(plan["web"], env=plan["env"])  # noqa: S603
    try:
        code = server.wait()
    except KeyboardInterrupt:
        server.send_signal(signal.SIGINT)
        code = server.wait()
    finally:
        if supervisor is not None:
            supervisor.stop()
    return code


def main() -> None:
    raw = os.environ.pop(PLAN_VARIABLE, "")
    if not raw:
        raise SystemExit("gongzhi.core.runner is started by `gongzhi serve`")
    plan = json.loads(raw)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    sys.exit(run(plan, mark_down_by_child(plan["env"])))


if __name__ == "__main__":
    main()
