"""The web server (granian) plus the background task worker(s), in one command.

One port serves HTTP and WebSockets: granian runs gongzhi.asgi:application, which hands
HTTP to Django's WSGI handler in one thread hop and WebSockets to Channels
(docs/decisions.md, "Serving stack"). On PostgreSQL every process's connection pool is
sized from the connection budget (gongzhi/dbpool.py).
"""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from gongzhi.dbpool import Budget, BudgetError

if TYPE_CHECKING:
    from django.core.management.base import CommandParser


class Command(BaseCommand):
    help = "运行 ASGI 服务器和后台任务进程 (Run the ASGI server and the background worker)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "1"))
        )
        parser.add_argument(
            "--task-workers", type=int, default=int(os.environ.get("TASK_WORKERS", "1"))
        )
        parser.add_argument("--no-worker", action="store_true", help="不启动后台任务进程")

    def handle(self, *args: Any, **opts: Any) -> None:
        # The database checks too (demo accounts in production, next year's holidays), and
        # the deployment checks in production; an error stops the start.
        self.check(databases=["default"], include_deployment_checks=settings.MODE == "production")
        plan = serve_plan(opts)
        release_connections()  # this process only waits; its pool would hold a connection
        if sys.argv[1:2] == ["serve"]:
            restart_as_runner(plan)  # does not return
        from gongzhi.core.runner import run
        from gongzhi.core.supervisor import mark_down_here

        sys.exit(run(plan, mark_down_here))


def serve_plan(opts: dict[str, Any]) -> dict[str, Any]:
    """Everything the runner needs, worked out while Django is loaded (core/runner.py)."""
    from gongzhi.core.metrics import multiprocess_env
    from gongzhi.core.supervisor import default_prefix, restart_first

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "gongzhi.settings", **multiprocess_env()}
    # glibc gives a thread that allocates its own malloc arena (up to 8 per core); under the
    # GIL two serve as well, and the spare ones kept ~1.5 MB per web process after the load
    # (issue 19, memory). An operator's own MALLOC_ARENA_MAX wins.
    env.setdefault("MALLOC_ARENA_MAX", "2")
    task_workers = 0 if opts["no_worker"] else max(opts["task_workers"], 0)
    env.update(pool_env(opts["workers"] + task_workers))
    return {
        "env": env,
        "task_workers": task_workers,
        "prefix": default_prefix(opts["port"]),
        "first_delay": restart_first(),
        "web": web_server_command(opts["host"], opts["port"], opts["workers"]),
        "banner": (
            f"gongzhi 正在 http://{opts['host']}:{opts['port']} 提供服务"
            f"({opts['workers']} 个服务进程,数据库连接池每进程 {env.get('DB_POOL_MAX', '-')})"
        ),
    }


def restart_as_runner(plan: dict[str, Any]) -> None:
    """Become `python -m gongzhi.core.runner` (same pid): once the checks passed, this process
    only starts and watches its children, and the checks imported every URL conf, view, form
    and template tag — Django's ~60 MB — that it never uses again (issue 19, memory)."""
    from gongzhi.core.runner import PLAN_VARIABLE

    sys.stdout.flush()
    sys.stderr.flush()
    env = {**os.environ, PLAN_VARIABLE: json.dumps(plan)}
    os.execve(sys.executable, [sys.executable, "-m", "gongzhi.core.runner"], env)  # noqa: S606


def web_server_command(host: str, port: int, workers: int) -> list[str]:
    """granian with `workers` processes serving HTTP and WebSockets on host:port."""
    return [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "asgi",
        "gongzhi.asgi:application",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(max(workers, 1)),
        "--respawn-failed-workers",  # a crashed web process comes back by itself
        "--log-level",
        "info" if settings.DEBUG else "warning",
    ]


def pool_env(processes: int, *, pooled: bool | None = None) -> dict[str, str]:
    """DB_POOL_MAX for every child, so that all pools together fit DB_MAX_CONNECTIONS.

    Only with PostgreSQL and its pool on; an operator's DB_POOL_MAX may lower it.
    """
    if pooled is None:
        pooled = "pool" in settings.DATABASES["default"].get("OPTIONS", {})
    if not pooled:
        return {}
    cap = int(os.environ["DB_POOL_MAX"]) if os.environ.get("DB_POOL_MAX") else None
    try:
        size = Budget.from_env().per_process(max(processes, 1), cap=cap)
    except BudgetError as exc:
        raise CommandError(str(exc)) from None
    return {"DB_POOL_MAX": str(size)}


def release_connections() -> None:
    for conn in connections.all():
        conn.close()
        if hasattr(conn, "close_pool"):  # PostgreSQL: min_size connections stay open otherwise
            conn.close_pool()
