"""The public KPI functions: sealed days from the daily aggregates, the rest from the cases.

A period's days up to the last sealed day (and before the local today of `now`) are summed
from KpiDay rows of one tree depth; the remaining days — today, or days the sweep has not
sealed yet — are computed from the cases by the live query, which only reads cases due in
those few days (the deadline indexes). Both parts use the same formulas, so the sum equals
the live computation over the whole period (tests/test_kpi_aggregates.py checks it on random
data). Scopes the aggregates do not cover (a room, a department, a caller's own queryset,
a grid outside the user's subtree) are computed live.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet, Sum

from gongzhi.cases.models import Case, KpiDay, KpiSealed
from gongzhi.core import clock
from gongzhi.core.access import grid_in_scope
from gongzhi.core.paths import subtree_q
from gongzhi.grids.models import Grid
from gongzhi.grids.selectors import level_depth

from .compute import (
    KpiSet,
    _as_duration,
    kpi_row_live,
    kpi_rows_grouped_live,
    kpi_weights,
    kpis_compute_live,
    kpis_grouped_live,
    kpiset_from_row,
    rated_rule,
)
from .daily import COUNTER_NAMES, ONE_DAY, local_day
from .periods import Period

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime

    from gongzhi.core.types import AnyUser
    from gongzhi.org.models import Department, Room


_SUMS = {name: Sum(name) for name in COUNTER_NAMES}


def _split(period: Period, now: dt.datetime) -> tuple[tuple | None, Period | None]:
    """(first, last) sealed days of the period to read from the aggregates, and the period
    of the remaining days to compute from the cases (either may be None)."""
    through, rule = KpiSealed.objects.values_list("through", "rated_rule").first() or (None, None)
    if rule != rated_rule():  # sealed under another KPI_RATED_COUNTS_AT: not used
        through = None
    cut = period.first_day - ONE_DAY
    if through is not None:
        cut = max(cut, min(through, local_day(now) - ONE_DAY, period.last_day))
    sealed = (period.first_day, cut) if cut >= period.first_day else None
    rest = replace(period, first_day=cut + ONE_DAY) if cut < period.last_day else None
    return sealed, rest


def _merge(rows: Iterable[dict[str, Any]]) -> dict:
    out: dict = {}
    for row in rows:
        for name, value in row.items():
            if name == "handling_total":
                value = _as_duration(value)
                if value is not None:
                    out[name] = out[name] + value if out.get(name) is not None else value
            else:
                out[name] = out.get(name, 0) + (value or 0)
    return out


def kpi_row(*, period: Period, grid: Grid | None = None, now: dt.datetime) -> dict:
    """The raw counters of a grid's subtree (all cases when grid is None)."""
    sealed, rest = _split(period, now)
    rows = []
    if sealed:
        days = KpiDay.objects.filter(day__gte=sealed[0], day__lte=sealed[1])
        if grid is None:
            days = days.filter(depth=1)
        else:
            days = days.filter(depth=grid.depth, path=grid.path)
        rows.append(days.aggregate(**_SUMS))
    if rest:
        rows.append(kpi_row_live(period=rest, grid=grid, now=now))
    return _merge(rows)


def kpi_rows_grouped(
    *, period: Period, depth: int, grid: Grid | None = None, now: dt.datetime
) -> dict:
    """{grid path at `depth`: raw counters} under `grid` (everywhere when None)."""
    if grid is not None and depth <= grid.depth:  # one group: the grid's own subtree
        rows = {grid.path[: depth * Grid.steplen]: kpi_row(period=period, grid=grid, now=now)}
        return {p: row for p, row in rows.items() if _due(row)}
    sealed, rest = _split(period, now)
    parts: dict[str, list] = {}
    if sealed:
        days = KpiDay.objects.filter(depth=depth, day__gte=sealed[0], day__lte=sealed[1])
        if grid is not None:
            days = days.filter(subtree_q("path", grid.path))
        for row in _dicts(days.values("path").annotate(**_SUMS).order_by()):
            parts.setdefault(row.pop("path"), []).append(row)
    if rest:
        live = kpi_rows_grouped_live(period=rest, depth=depth, grid=grid, now=now)
        for path, row in live.items():
            parts.setdefault(path, []).append(row)
    merged = {path: _merge(rows) for path, rows in parts.items()}
    # A group the live query would not list: its cases left (deltas summing to nothing).
    return {p: row for p, row in merged.items() if _due(row)}


def _dicts(rows: Iterable[Any]) -> Iterable[dict[str, Any]]:
    """`.values()` rows as the plain dicts they are (their group key gets popped)."""
    return rows


def _due(row: dict) -> bool:
    return bool(row.get("accept_due") or row.get("close_due"))


def _aggregated(user: AnyUser | None, grid: Grid | None, *others: Any) -> bool:
    """The aggregates answer for whole subtrees: no other filter, and (for a user) a grid
    inside the user's own subtree, where restricting the cases changes nothing."""
    if any(x is not None for x in others):
        return False
    return user is None or (grid is not None and grid_in_scope(user, grid))


def kpis_compute(
    *,
    period: Period,
    qs: QuerySet[Case] | None = None,
    grid: Grid | None = None,
    room: Room | None = None,
    department: Department | None = None,
    now: dt.datetime | None = None,
    user: AnyUser | None = None,
) -> KpiSet:
    """The KPIs of one scope. `user` restricts to the user's subtree; `qs` (a caller's own
    case queryset), `room` and `department` are computed from the cases."""
    now = now or clock.now()
    if _aggregated(user, grid, qs, room, department):
        return kpiset_from_row(kpi_row(period=period, grid=grid, now=now))
    if user is not None and qs is None:
        qs = Case.objects.restrict(user)
    return kpis_compute_live(
        period=period, qs=qs, grid=grid, room=room, department=department, now=now
    )


def kpis_grouped(
    *,
    period: Period,
    depth: int,
    qs: QuerySet[Case] | None = None,
    grid: Grid | None = None,
    now: dt.datetime | None = None,
    user: AnyUser | None = None,
) -> dict[str, KpiSet]:
    """{grid path: KPIs} for every grid at tree `depth` (under `grid` when given). Cases
    located above that depth belong to no group."""
    now = now or clock.now()
    if not _aggregated(user, grid, qs):
        if qs is None:
            assert user is not None  # else the aggregates answer
            qs = Case.objects.restrict(user)
        return kpis_grouped_live(period=period, depth=depth, qs=qs, grid=grid, now=now)
    rows = kpi_rows_grouped(period=period, depth=depth, grid=grid, now=now)
    weights = kpi_weights()
    return {path: kpiset_from_row(row, weights) for path, row in rows.items()}


def kpis_per_child(
    *,
    grid: Grid,
    period: Period,
    qs: QuerySet | None = None,
    now: datetime | None = None,
    user: AnyUser | None = None,
) -> dict[str, KpiSet]:
    """{child path: KPIs} for every child of `grid` (one query per source)."""
    return kpis_grouped(period=period, depth=grid.depth + 1, qs=qs, grid=grid, now=now, user=user)


def kpis_per_level(
    *,
    root: Grid | None,
    level: int,
    period: Period,
    qs: QuerySet | None = None,
    now: datetime | None = None,
    user: AnyUser | None = None,
) -> dict[str, KpiSet]:
    """{path: KPIs} for every grid of `level` under `root` at once (a province or city root
    groups the grids of that level of all its districts)."""
    depth = root.depth + level - root.level if root is not None else level_depth(level)
    return kpis_grouped(period=period, depth=depth, qs=qs, grid=root, now=now, user=user)


# --- series: one row per day or per month (the command center's trends) ---------------------


def _live_days(rest: Period | None, grid: Grid | None, now: dt.datetime) -> dict[dt.date, dict]:
    """Days not sealed yet (today, or days the sweep has not reached), computed from the
    cases with the live formulas: one GROUP BY per side (acceptance, closure), each side by
    the local day of its own deadline, whatever the number of days."""
    from django.db.models import Q
    from django.db.models.functions import TruncDate

    from gongzhi.cases.calendar import LOCAL

    from .compute import EXCLUDED_STATES, accept_aggregates, close_aggregates

    if rest is None or min(rest.last_day, local_day(now)) < rest.first_day:
        return {}
    period = replace(rest, last_day=min(rest.last_day, local_day(now)))
    cases = Case.objects.exclude(state__in=EXCLUDED_STATES)
    if grid is not None:
        cases = cases.filter(subtree_q("grid__path", grid.path))
    parts: dict[dt.date, list] = {}
    everything = Q(pk__isnull=False)
    for deadline, aggregates in (
        ("accept_red_at", accept_aggregates(everything)),
        ("handle_red_at", close_aggregates(everything)),
    ):
        due = {f"{deadline}__gte": period.start, f"{deadline}__lt": period.end}
        rows = (
            cases.filter(**due, **{f"{deadline}__lte": now})
            .annotate(kday=TruncDate(deadline, tzinfo=LOCAL))
            .values("kday")
            .annotate(**aggregates)
            .order_by()
        )
        for row in _dicts(rows):
            day = row.pop("kday")
            parts.setdefault(day, []).append(row)
    return {day: _merge(rows) for day, rows in parts.items()}


def _sealed_rows(sealed: tuple, grid: Grid | None) -> QuerySet[KpiDay]:
    days = KpiDay.objects.filter(day__gte=sealed[0], day__lte=sealed[1])
    return days.filter(depth=1) if grid is None else days.filter(depth=grid.depth, path=grid.path)


def kpi_rows_by_day(
    *, period: Period, grid: Grid | None = None, now: dt.datetime | None = None
) -> dict:
    """{local day: raw counters} for every day of the period up to today that has any (the
    subtree of `grid`, or everything). Sealed days come from the aggregates in one query."""
    now = now or clock.now()
    sealed, rest = _split(period, now)
    out: dict[dt.date, dict] = {}
    if sealed:
        for row in _dicts(_sealed_rows(sealed, grid).values("day").annotate(**_SUMS).order_by()):
            day = row.pop("day")
            out[day] = _merge([row])
    out |= _live_days(rest, grid, now)
    return out


def kpi_rows_by_month(
    *, period: Period, grid: Grid | None = None, now: dt.datetime | None = None
) -> dict:
    """{first day of the month: raw counters} over the period (as kpi_rows_by_day)."""
    from django.db.models.functions import TruncMonth

    now = now or clock.now()
    sealed, rest = _split(period, now)
    parts: dict[dt.date, list] = {}
    if sealed:
        rows = _sealed_rows(sealed, grid).annotate(month=TruncMonth("day"))
        for row in _dicts(rows.values("month").annotate(**_SUMS).order_by()):
            month = row.pop("month")
            month = month.date() if isinstance(month, dt.datetime) else month
            parts.setdefault(month, []).append(row)
    for day, row in _live_days(rest, grid, now).items():
        parts.setdefault(day.replace(day=1), []).append(row)
    return {month: _merge(rows) for month, rows in parts.items()}
