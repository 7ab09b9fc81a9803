"""Reporting periods in local time (Asia/Shanghai), stored as half-open UTC ranges."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.cases.calendar import LOCAL
from gongzhi.core import clock

KINDS = ("month", "last_month", "quarter", "last_quarter", "custom")
KIND_LABELS = {
    "month": _("本月"),
    "last_month": _("上月"),
    "quarter": _("本季度"),
    "last_quarter": _("上季度"),
    "custom": _("自定义"),
}
MAX_CUSTOM_DAYS = 3660


@dataclass(frozen=True)
class Period:
    """[start, end) as aware datetimes; first_day/last_day are the local dates it covers."""

    kind: str
    first_day: dt.date
    last_day: dt.date

    @property
    def start(self) -> dt.datetime:
        return _midnight(self.first_day)

    @property
    def end(self) -> dt.datetime:
        return _midnight(self.last_day + dt.timedelta(days=1))

    @property
    def label(self) -> str:
        return gettext("%(first)s 至 %(last)s") % {
            "first": f"{self.first_day:%Y-%m-%d}",
            "last": f"{self.last_day:%Y-%m-%d}",
        }


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=LOCAL)


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def period_month(today: dt.date, *, back: int = 0) -> Period:
    first = _add_months(_month_start(today), -back)
    last = _add_months(first, 1) - dt.timedelta(days=1)
    return Period("last_month" if back else "month", first, last)


def period_quarter(today: dt.date, *, back: int = 0) -> Period:
    first = _add_months(dt.date(today.year, (today.month - 1) // 3 * 3 + 1, 1), -3 * back)
    last = _add_months(first, 3) - dt.timedelta(days=1)
    return Period("last_quarter" if back else "quarter", first, last)


def period_custom(first_day: dt.date, last_day: dt.date) -> Period:
    if last_day < first_day:
        raise ValueError(gettext("结束日期不能早于开始日期"))
    if (last_day - first_day).days > MAX_CUSTOM_DAYS:
        raise ValueError(gettext("统计区间不能超过%(years)s年") % {"years": 10})
    return Period("custom", first_day, last_day)


def period_for(
    kind: str,
    *,
    today: dt.date | None = None,
    first_day: dt.date | None = None,
    last_day: dt.date | None = None,
) -> Period:
    """The named period around `today` (local date; defaults to the clock's today)."""
    today = today or clock.now().astimezone(LOCAL).date()
    if kind == "last_month":
        return period_month(today, back=1)
    if kind == "quarter":
        return period_quarter(today)
    if kind == "last_quarter":
        return period_quarter(today, back=1)
    if kind == "custom":
        assert first_day is not None and last_day is not None  # a custom period names both
        return period_custom(first_day, last_day)
    return period_month(today)
