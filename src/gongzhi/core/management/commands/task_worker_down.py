"""Record a task worker as down (readiness names it): run by `gongzhi serve`'s supervisor,
which holds no database connection of its own, when one of its workers exits."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.management.base import BaseCommand

from gongzhi.core.supervisor import mark_down

if TYPE_CHECKING:
    from django.core.management.base import CommandParser


class Command(BaseCommand):
    help = "记录后台任务进程已退出 (Record that a task worker exited)"
    requires_system_checks: list[str] = []  # it runs while the server is up: no checks

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--reason", default="")
        parser.add_argument("--pid", type=int, default=None)

    def handle(self, *args: Any, name: str, reason: str, pid: int | None, **opts: Any) -> None:
        mark_down(name, reason, pid=pid)
