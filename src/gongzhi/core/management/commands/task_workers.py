"""Several supervised task workers without a web server (a worker-only host)."""

from __future__ import annotations

import os
import signal
import threading
from typing import TYPE_CHECKING, Any

from django.core.management.base import BaseCommand

from gongzhi.core.supervisor import Supervisor, default_prefix

if TYPE_CHECKING:
    from django.core.management.base import CommandParser


class Command(BaseCommand):
    help = "运行并看护多个后台任务进程 (Run and supervise several task workers)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=int(os.environ.get("TASK_WORKERS", "1")))

    def handle(self, *args: Any, count: int, **opts: Any) -> None:
        done = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: done.set())
        supervisor = Supervisor(count, prefix=default_prefix()).start().run_in_thread()
        try:
            done.wait()
        finally:
            supervisor.stop()
