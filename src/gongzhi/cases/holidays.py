"""Holidays and 调休 days as data the district administrator maintains.

Three ways in: the admin site (节假日), `gongzhi holidays import FILE` (CSV or XLSX rows of
date, name, 调休上班), and `gongzhi holidays sync --year Y` from the installed
`chinesecalendar` package (which knows a year once the State Council has published it and the
package is upgraded). Each import is one transaction; a bad row rejects the whole file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Holiday

HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
}
MAX_ROWS = 400
MAX_FILE_BYTES = 200_000
_TRUE = {"1", "true", "yes", "是", "上班", "调休上班", "y"}
_FALSE = {"", "0", "false", "no", "否", "休息", "放假", "n"}


@dataclass(frozen=True)
class HolidayRow:
    date: dt.date
    name: str
    is_workday: bool


def calendar_package_rows(year: int) -> list[HolidayRow]:
    """The year's holidays and weekend make-up days as the installed chinesecalendar knows them."""
    from chinese_calendar import constants

    rows = [
        HolidayRow(d, HOLIDAY_NAMES.get(str(n), str(n)), False)
        for d, n in constants.holidays.items()
        if d.year == year
    ]
    rows += [
        HolidayRow(d, HOLIDAY_NAMES.get(str(n), str(n)) + "调休", True)
        for d, n in constants.workdays.items()
        if d.year == year and d.weekday() >= 5
    ]
    return sorted(rows, key=lambda r: r.date)


@transaction.atomic
def holidays_replace(*, rows: list[HolidayRow], years: set[int] | None = None) -> int:
    """Write the rows; the listed years' other rows are removed (the file is the year's truth)."""
    years = years if years is not None else {r.date.year for r in rows}
    if years:
        Holiday.objects.filter(date__year__in=years).exclude(
            date__in=[r.date for r in rows]
        ).delete()
    for row in rows:
        Holiday.objects.update_or_create(
            date=row.date, defaults={"name": row.name, "is_workday": row.is_workday}
        )
    return len(rows)


def holidays_sync(*, year: int) -> int:
    """Load one year from chinesecalendar; ValidationError when the package does not know it."""
    rows = calendar_package_rows(year)
    if not rows:
        raise ValidationError(
            _("已安装的 chinesecalendar 尚无%(year)d年的节假日数据,请升级该软件包或导入节假日文件")
            % {"year": year}
        )
    return holidays_replace(rows=rows, years={year})


def parse_holiday_file(data: bytes) -> list[HolidayRow]:
    """CSV (UTF-8, optional header) or XLSX: date (YYYY-MM-DD), name, 调休上班 (是/否)."""
    if not data:
        raise ValidationError(_("文件为空"))
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError(_("文件过大"))
    if data[:2] == b"PK":
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
            raw_rows = [
                ["" if c is None else c for c in r] for r in sheet.iter_rows(values_only=True)
            ]
        except Exception:  # noqa: BLE001 - any unreadable workbook is the same user error
            raise ValidationError(_("无法读取该 Excel 文件")) from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(_("文件应为 UTF-8 编码的 CSV 或 Excel 文件")) from None
        raw_rows = list(csv.reader(io.StringIO(text)))
    rows, seen = [], set()
    for number, raw in enumerate(raw_rows, start=1):
        if not any(str(c).strip() for c in raw):
            continue
        if number == 1 and str(raw[0]).strip() in ("date", "日期"):
            continue
        row = _parse_row(number, list(raw) + ["", ""])
        if row.date in seen:
            raise ValidationError(_("第%(n)d行:日期重复") % {"n": number})
        seen.add(row.date)
        rows.append(row)
        if len(rows) > MAX_ROWS:
            raise ValidationError(_("行数过多(最多%(n)d行)") % {"n": MAX_ROWS})
    if not rows:
        raise ValidationError(_("文件中没有节假日数据"))
    return rows


def _parse_row(number: int, raw: list) -> HolidayRow:
    value, name, flag = raw[0], str(raw[1]).strip(), str(raw[2]).strip().lower()
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value).strip()[:10])
        except ValueError:
            raise ValidationError(_("第%(n)d行:日期应为 YYYY-MM-DD 格式") % {"n": number}) from None
    if not 2000 <= day.year <= 2100:
        raise ValidationError(_("第%(n)d行:年份超出范围") % {"n": number})
    if len(name) > 50 or any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise ValidationError(_("第%(n)d行:名称过长或含有控制字符") % {"n": number})
    if flag not in _TRUE | _FALSE:
        raise ValidationError(_("第%(n)d行:调休上班一栏应为“是”或“否”") % {"n": number})
    return HolidayRow(day, name, flag in _TRUE)
