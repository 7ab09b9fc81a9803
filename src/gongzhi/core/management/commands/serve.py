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
        from gongzhi.core.metrics import multiprocess_env
        from gongzhi.core.supervisor import Supervisor, default_prefix

        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "gongzhi.settings", **multiprocess_env()}
        supervisor = None
        if not opts["no_worker"]:
            # Restarted when they exit, with back-off (gongzhi.core.supervisor); each worker
            # also starts the every-minute deadline sweep (duplicates die out).
            prefix = default_prefix(opts["port"])
            supervisor = Supervisor(opts["task_workers"], prefix=prefix, env=env).start()
            supervisor.run_in_thread()
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
            if supervisor is not None:
                supervisor.stop()
        sys.exit(code)
