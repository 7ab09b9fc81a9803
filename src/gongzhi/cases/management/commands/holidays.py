"""`gongzhi holidays sync [--year Y]` / `gongzhi holidays import FILE` / `gongzhi holidays list`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from gongzhi.cases.calendar import holidays_next_year_missing
from gongzhi.cases.holidays import holidays_replace, holidays_sync, parse_holiday_file
from gongzhi.cases.models import Holiday
from gongzhi.core import clock

if TYPE_CHECKING:
    from django.core.management.base import CommandParser


class Command(BaseCommand):
    help = "维护节假日和调休上班日 (Maintain holidays and make-up working days)"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sync = sub.add_parser("sync", help="从 chinesecalendar 软件包载入一年(默认明年)")
        sync.add_argument("--year", type=int)
        load = sub.add_parser("import", help="导入 CSV/XLSX:日期, 名称, 调休上班(是/否)")
        load.add_argument("file")
        show = sub.add_parser("list", help="列出一年的节假日")
        show.add_argument("--year", type=int)

    def handle(self, *args: Any, action: str, **opts: Any) -> None:
        try:
            getattr(self, f"_{action}")(**opts)
        except ValidationError as exc:
            raise CommandError(";".join(exc.messages)) from None

    def _sync(self, year: int | None = None, **opts: Any) -> None:
        year = year or clock.now().year + 1
        count = holidays_sync(year=year)
        self.stdout.write(self.style.SUCCESS(f"{year}: {count} 天"))

    def _import(self, file: str, **opts: Any) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件 {file}")
        count = holidays_replace(rows=parse_holiday_file(path.read_bytes()))
        self.stdout.write(self.style.SUCCESS(f"已导入 {count} 天"))
        missing = holidays_next_year_missing()
        if missing:
            self.stdout.write(self.style.WARNING(f"{missing} 年尚无节假日数据"))

    def _list(self, year: int | None = None, **opts: Any) -> None:
        year = year or clock.now().year
        for day in Holiday.objects.filter(date__year=year):
            self.stdout.write(f"{day.date} {'上班' if day.is_workday else '休息'} {day.name}")
