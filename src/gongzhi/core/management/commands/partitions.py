"""`gongzhi partitions --ahead 2`: create this year's and the next years' partitions now."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongzhi.core import clock
from gongzhi.core.partitions import partitions_ahead


class Command(BaseCommand):
    help = "为分区表提前建立年度分区(仅 PostgreSQL) (Create year partitions ahead, PostgreSQL)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--ahead", type=int, default=settings.PARTITIONS_AHEAD)

    def handle(self, *args: Any, ahead: int, **opts: Any) -> None:
        if not 0 <= ahead <= 50:
            raise CommandError("--ahead 应在 0 到 50 之间")
        made = partitions_ahead(clock.today(), ahead)
        for name in made:
            self.stdout.write(name)
        self.stdout.write(self.style.SUCCESS(f"新建分区 {len(made)} 个"))
