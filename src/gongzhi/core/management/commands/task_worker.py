"""One task worker: django-tasks-db's db_worker plus a heartbeat row (readiness reads it)."""

from __future__ import annotations

import os
import socket
from typing import TYPE_CHECKING, Any

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from gongzhi.core.supervisor import Heartbeat, forget, mark_down

if TYPE_CHECKING:
    from argparse import ArgumentParser


class Command(DbWorkerCommand):
    help = "运行一个后台任务进程并写入心跳 (Run one task worker with a heartbeat)"
    # The system checks import every URL conf, view and template tag (~40 MB per worker) and
    # belong to the start of the web server (`gongzhi serve`) and to `gongzhi check --deploy`.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(interval=0.5)
        parser.add_argument(
            "--name",
            default=os.environ.get("TASK_WORKER_NAME") or f"{socket.gethostname()}-{os.getpid()}",
            help="稳定的进程名,重启后沿用 (a stable name, kept across restarts)",
        )

    def handle(self, *args: Any, name: str, **options: Any) -> None:  # type: ignore[override]
        # `name` is our own option on top of db_worker's; the rest pass through.
        options["reload"] = False  # the supervisor (or systemd) restarts it, not the reloader
        options["worker_id"] = f"{name}#{os.getpid()}"[:64]
        from gongzhi.cases.tasks import sweep_schedule_start
        from gongzhi.intel.tasks import intel_schedule_start

        sweep_schedule_start()  # the every-minute deadline sweep; duplicates die out
        intel_schedule_start()  # early warnings and the classifier's retraining
        heartbeat = Heartbeat(name)
        heartbeat.start()
        try:
            super().handle(*args, **options)
        except SystemExit as exc:
            if exc.code not in (0, None):
                mark_down(name, f"exited with code {exc.code}", pid=os.getpid())
                raise
            forget(name, os.getpid())  # a clean stop (SIGTERM): nothing to report
            raise
        except BaseException as exc:
            mark_down(name, f"{exc.__class__.__name__}: {exc}", pid=os.getpid())
            raise
        else:
            forget(name, os.getpid())
        finally:
            heartbeat.stopped.set()
