"""`gongzhi sweep_deadlines`: act on passed deadlines now, or start the every-minute chain."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.management.base import BaseCommand

from gongzhi.cases.deadlines import cases_sweep_deadlines
from gongzhi.cases.tasks import sweep_schedule_start

if TYPE_CHECKING:
    from django.core.management.base import CommandParser


class Command(BaseCommand):
    help = "检查办理时限:黄牌、红牌督办与自动上报 (Sweep case deadlines)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--schedule", action="store_true", help="启动每分钟自动检查的后台任务链"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["schedule"]:
            sweep_schedule_start()
            self.stdout.write("已安排每分钟检查办理时限的后台任务")
            return
        count = cases_sweep_deadlines()
        self.stdout.write(f"已处理 {count} 件到期事件")
