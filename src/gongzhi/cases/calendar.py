"""The business calendar: working days in Asia/Shanghai with holidays and 调休 make-up days.

The Holiday table is the source of truth (seeded from `chinesecalendar`, editable by admins).
Stored datetimes are UTC; day arithmetic happens in local time and converts back.

Working-day rule: a limit of N working days ends at the same local clock time on the N-th
working day after the start date (Friday 10:00 + 1 → Monday 10:00). Hour and minute
limits run around the clock, because they are used for urgent matters.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings

from .models import Holiday, LimitUnit

LOCAL = ZoneInfo(getattr(settings, "TIME_ZONE", "Asia/Shanghai") or "Asia/Shanghai")


def _exceptions(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    rows = Holiday.objects.filter(date__gte=start, date__lte=end)
    return dict(rows.values_list("date", "is_workday"))


def is_workday(day: dt.date, exceptions: dict[dt.date, bool] | None = None) -> bool:
    if exceptions is None:
        exceptions = _exceptions(day, day)
    if day in exceptions:
        return exceptions[day]
    return day.weekday() < 5


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    local = start.astimezone(LOCAL)
    # Long holidays (春节, 国庆) add at most ~9 extra days per week counted.
    exceptions = _exceptions(local.date(), local.date() + dt.timedelta(days=days * 3 + 30))
    day = local.date()
    left = days
    while left > 0:
        day += dt.timedelta(days=1)
        if is_workday(day, exceptions):
            left -= 1
    naive = dt.datetime.combine(day, local.timetz().replace(tzinfo=None))
    return naive.replace(tzinfo=LOCAL).astimezone(dt.UTC)


def add_limit(start: dt.datetime, amount: int, unit: str) -> dt.datetime:
    if unit == LimitUnit.WORKING_DAYS:
        return add_working_days(start, amount)
    if unit == LimitUnit.HOURS:
        return start + dt.timedelta(hours=amount)
    if unit == LimitUnit.MINUTES:
        return start + dt.timedelta(minutes=amount)
    raise ValueError(f"unknown limit unit {unit!r}")


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]."""
    exceptions = _exceptions(start, end)
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += is_workday(day, exceptions)
    return count


# The date from which next year's holidays must be on file (the State Council usually
# publishes them in November).
NEXT_YEAR_DUE = (12, 1)


def holidays_next_year_missing(today: dt.date | None = None) -> int | None:
    """Next year, when it is on or after 1 December and next year has no Holiday rows; else None.
    Used by the system check (gongzhi.W020) and the readiness probe."""
    from gongzhi.core import clock

    today = today or clock.now().astimezone(LOCAL).date()
    if (today.month, today.day) < NEXT_YEAR_DUE:
        return None
    year = today.year + 1
    return None if Holiday.objects.filter(date__year=year).exists() else year
