"""`gongzhi archive --before 2025-01-01`: move old audit rows and outbound messages to files."""

import datetime as dt
import zoneinfo
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongzhi.core.archive import BATCH, KINDS, history_archive, history_retention_enforce


class Command(BaseCommand):
    help = (
        "把早于某日的审计日志和外发消息归档为压缩文件后删除 "
        "(Archive and delete audit rows and outbound messages older than a date)"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--before", help="YYYY-MM-DD;不填则按保留天数设置")
        parser.add_argument("--kind", choices=sorted(KINDS), action="append")
        parser.add_argument("--batch", type=int, default=BATCH)

    def handle(
        self,
        *args: Any,
        before: str | None = None,
        kind: list[str] | None = None,
        batch: int = BATCH,
        **opts: Any,
    ) -> None:
        if batch < 1:
            raise CommandError("--batch 必须是正整数")
        if before is None:
            for name, count in history_retention_enforce().items():
                self.stdout.write(f"{name}: {count}")
            return
        try:
            day = dt.date.fromisoformat(before)
        except ValueError:
            raise CommandError(f"日期格式应为 YYYY-MM-DD,收到 {before!r}") from None
        moment = dt.datetime.combine(day, dt.time(), zoneinfo.ZoneInfo(settings.TIME_ZONE))
        for name in kind or sorted(KINDS):
            count, files = history_archive(name, before=moment, batch=batch)
            self.stdout.write(f"{name}: {count} → {len(files)} 个文件")
