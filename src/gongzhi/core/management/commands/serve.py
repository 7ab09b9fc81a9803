"""Production ASGI server (uvicorn) plus the background task worker, in one command."""

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "运行 ASGI 服务器和后台任务进程 (Run the ASGI server and the background worker)"

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "1"))
        )
        parser.add_argument(
            "--task-workers", type=int, default=int(os.environ.get("TASK_WORKERS", "1"))
        )
        parser.add_argument("--no-worker", action="store_true", help="不启动后台任务进程")

    def handle(self, *args, **opts):
        # The database checks too (demo accounts in production, next year's holidays), and
        # the deployment checks in production; an error stops the start.
        self.check(databases=["default"], include_deployment_checks=settings.MODE == "production")
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "gongzhi.settings"}
        workers = []
        if not opts["no_worker"]:
            from gongzhi.cases.tasks import sweep_schedule_start

            sweep_schedule_start()  # the every-minute deadline sweep; duplicates die out
            for _ in range(max(opts["task_workers"], 0)):
                workers.append(
                    subprocess.Popen(  # noqa: S603 - our own interpreter and module
                        [sys.executable, "-m", "gongzhi", "db_worker", "--interval", "0.5"],
                        env=env,
                    )
                )
        cmd = [
            sys.executable,
            "-m",
            "uvicorn",
            "gongzhi.asgi:application",
            "--host",
            opts["host"],
            "--port",
            str(opts["port"]),
            "--workers",
            str(opts["workers"]),
            "--proxy-headers",
            "--log-level",
            "info" if settings.DEBUG else "warning",
        ]
        self.stdout.write(f"gongzhi 正在 http://{opts['host']}:{opts['port']} 提供服务")
        server = subprocess.Popen(cmd, env=env)  # noqa: S603
        try:
            code = server.wait()
        except KeyboardInterrupt:
            server.send_signal(signal.SIGINT)
            code = server.wait()
        finally:
            for proc in workers:
                proc.terminate()
            for proc in workers:
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
        sys.exit(code)
