"""Every KPI of REFERENCE §5 as ONE aggregate query per scope (see docs/kpis.md).

A case enters a period's figures only once one of its deadlines has been reached inside
the period: the acceptance deadline (accept_red_at) for 受理及时率 and 响应率, the handling
deadline (handle_red_at) for every closure-side rate. Cases not yet due are left out, so
a figure never moves against a unit for work that is still within its time limit.

Rollups ("every level-1 grid at once", "each child of this grid") are the same aggregates
grouped by a prefix of the grid path: one GROUP BY, never a loop over grids.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, fields, replace
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Least, Substr
from django.utils.translation import gettext_lazy as _

from gongzhi.cases.models import Case, OwningLevel, Rating, State
from gongzhi.core import clock
from gongzhi.core.paths import subtree_q
from gongzhi.grids.models import Grid

from . import prepared
from .periods import Period

if TYPE_CHECKING:
    from collections.abc import Iterable

    from gongzhi.org.models import Department, Room


# Cases that are not a demand the platform took on: rejected at the door, or duplicates.
EXCLUDED_STATES = (State.REJECTED, State.MERGED)
# The case is (still) closed: a reopened case (重办) is back in progress and not closed.
CLOSED_STATES = (State.CLOSED, State.FOLLOWED_UP, State.ARCHIVED)
# The latest resolution stands (not reworked or reopened since).
RESOLVED_STATES = (State.RESOLVED, State.VERIFIED, *CLOSED_STATES)
GOOD_RATINGS = (Rating.SATISFIED, Rating.BASIC)

# When a rated case enters the closure-side figures (settings.KPI_RATED_COUNTS_AT, see
# docs/kpis.md "When a rating counts"): at its handling deadline (the default), or at the
# rating when that comes first.
RATED_RULES = ("deadline", "rating")

# 三率 (Beijing 接诉即办): 响应率, 解决率, 满意率, equal weights unless settings say otherwise.
DEFAULT_KPI_WEIGHTS = {"response": 1.0, "resolution": 1.0, "satisfaction": 1.0}


@dataclass(frozen=True)
class Rate:
    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        """The rate in 0..1, or None when nothing was due (never a division by zero)."""
        return self.numerator / self.denominator if self.denominator else None

    @property
    def percent(self) -> float | None:
        return None if self.value is None else round(self.value * 100, 2)

    def __str__(self) -> str:
        return "—" if self.percent is None else f"{self.percent:.2f}%"


@dataclass(frozen=True)
class KpiSet:
    accept_timely: Rate  # 受理及时率
    response: Rate  # 响应率
    on_time_closure: Rate  # 按期办结率
    closure: Rate  # 结案率
    resolution: Rate  # 解决率
    satisfaction: Rate  # 满意率
    follow_up: Rate  # 回访率
    rework: Rate  # 返工率
    rehandle: Rate  # 重办率
    in_grid: Rate  # 网格内化解率
    in_community: Rate  # 社区内化解率
    handled: int  # resolved cases behind the average handling time
    avg_handling: dt.timedelta | None = None
    score: float | None = field(default=None)  # weighted 0..100, see kpi_score

    def rates(self) -> list[tuple[str, Rate]]:
        return [(f.name, getattr(self, f.name)) for f in fields(self) if f.type == "Rate"]

    @property
    def avg_handling_hours(self) -> float | None:
        return None if self.avg_handling is None else self.avg_handling.total_seconds() / 3600


# Lazy labels: str() them before JSON, spreadsheets or other serialization.
RATE_LABELS = {
    "accept_timely": _("受理及时率"),
    "response": _("响应率"),
    "on_time_closure": _("按期办结率"),
    "closure": _("结案率"),
    "resolution": _("解决率"),
    "satisfaction": _("满意率"),
    "follow_up": _("回访率"),
    "rework": _("返工率"),
    "rehandle": _("重办率"),
    "in_grid": _("网格内化解率"),
    "in_community": _("社区内化解率"),
}


def kpi_weights() -> dict[str, float]:
    """settings.KPI_WEIGHTS ({rate name: weight}); unknown names and weights ≤ 0 are ignored."""
    raw = getattr(settings, "KPI_WEIGHTS", None) or DEFAULT_KPI_WEIGHTS
    return {k: float(w) for k, w in raw.items() if k in RATE_LABELS and float(w) > 0}


def kpi_score(kpis: KpiSet, weights: dict[str, float] | None = None) -> float | None:
    """Weighted mean (0..100) of the weighted rates that have a value; None if none has."""
    weights = kpi_weights() if weights is None else weights
    parts = [(w, getattr(kpis, k).value) for k, w in weights.items()]
    parts = [(w, v) for w, v in parts if v is not None]
    if not parts:
        return None
    return round(100 * sum(w * v for w, v in parts) / sum(w for w, _ in parts), 2)


def rated_rule() -> str:
    """settings.KPI_RATED_COUNTS_AT: "deadline" (default) or "rating" (the checks refuse
    anything else)."""
    rule = getattr(settings, "KPI_RATED_COUNTS_AT", "deadline")
    return rule if rule in RATED_RULES else "deadline"


# --- the query ---------------------------------------------------------------------------


def close_due_q(start: dt.datetime, end: dt.datetime, now: dt.datetime | None) -> Q:
    """The case's closure side counts in [start, end) and (when `now` is given) by now: its
    handling deadline was reached there, or, under the "rating" rule, it was rated there
    before that deadline. Plain column ranges, so the deadline index still serves them."""
    deadline = Q(handle_red_at__gte=start, handle_red_at__lt=end)
    if now is not None:
        deadline &= Q(handle_red_at__lte=now)
    if rated_rule() == "deadline":
        return deadline
    early = Q(followed_up_at__lt=F("handle_red_at"))
    rated = Q(followed_up_at__gte=start, followed_up_at__lt=end)
    if now is not None:
        rated &= Q(followed_up_at__lte=now)
    not_early = Q(followed_up_at__isnull=True) | Q(followed_up_at__gte=F("handle_red_at"))
    return (deadline & not_early) | (rated & early)


def close_count_at() -> F | Least:
    """The moment the closure side counts, as an SQL expression (see close_due_q)."""
    if rated_rule() == "deadline":
        return F("handle_red_at")
    return Least("handle_red_at", Coalesce("followed_up_at", "handle_red_at"))


def close_count_instant(case: Case) -> dt.datetime | None:
    """close_count_at() for one case in Python (None: the case has no handling deadline)."""
    deadline, rated = case.handle_red_at, case.followed_up_at
    if deadline is not None and rated is not None and rated_rule() == "rating":
        return min(deadline, rated)
    return deadline


def _due(deadline: str, period: Period, now: dt.datetime) -> Q:
    """The deadline fell inside the period and has been reached."""
    return Q(**{f"{deadline}__gte": period.start, f"{deadline}__lt": period.end}) & Q(
        **{f"{deadline}__lte": now}
    )


def accept_aggregates(a: Q) -> dict:
    """The acceptance-side counters over the cases matching `a` (due on acceptance)."""
    n = "pk"
    return {
        "accept_due": Count(n, filter=a),
        "accept_timely": Count(n, filter=a & Q(accepted_on_time=True)),
        "responded": Count(n, filter=a & Q(responded_at__lte=F("accept_red_at"))),
    }


def close_aggregates(h: Q) -> dict:
    """The closure-side counters over the cases matching `h` (due on closure)."""
    closed_once = h & Q(closed_at__isnull=False)
    followed = h & Q(followed_up_at__isnull=False)
    in_grids = h & Q(grid__level__gte=1)
    resolved_now = h & Q(state__in=RESOLVED_STATES, resolved_level__isnull=False)
    n = "pk"
    return {
        "close_due": Count(n, filter=h),
        "closed": Count(n, filter=h & Q(state__in=CLOSED_STATES)),
        "closed_on_time": Count(n, filter=h & Q(state__in=CLOSED_STATES, resolved_on_time=True)),
        "closed_once": Count(n, filter=closed_once),
        "followed": Count(n, filter=followed),
        "rated_good": Count(n, filter=followed & Q(satisfaction__in=GOOD_RATINGS)),
        "rated_resolved": Count(n, filter=followed & Q(follow_up_resolved=True)),
        "rehandled": Count(n, filter=closed_once & Q(rehandle_count__gt=0)),
        "reworks": Sum("rework_count", filter=h),
        "earlier_resolutions": Sum(F("rework_count") + F("rehandle_count"), filter=h),
        "standing_resolutions": Count(n, filter=h & Q(state__in=RESOLVED_STATES)),
        "handled": Count(n, filter=h & Q(resolved_at__isnull=False)),
        "handling_total": Sum(
            ExpressionWrapper(F("resolved_at") - F("created_at"), output_field=DurationField()),
            filter=h & Q(resolved_at__isnull=False),
        ),
        "raised_in_grids": Count(n, filter=in_grids),
        "in_grid": Count(n, filter=in_grids & resolved_now & Q(resolved_level__gte=1)),
        "in_community": Count(
            n, filter=resolved_now & Q(resolved_level__gte=OwningLevel.COMMUNITY_CENTER)
        ),
    }


def _aggregates(period: Period, now: dt.datetime) -> dict:
    return accept_aggregates(_due("accept_red_at", period, now)) | close_aggregates(
        close_due_q(period.start, period.end, now)
    )


def _base(qs: QuerySet[Case] | None, period: Period, now: dt.datetime) -> QuerySet[Case]:
    qs = Case.objects.all() if qs is None else qs
    touched = _due("accept_red_at", period, now) | close_due_q(period.start, period.end, now)
    return qs.exclude(state__in=EXCLUDED_STATES).filter(touched)


def _as_duration(value: dt.timedelta | float | None) -> dt.timedelta | None:
    if value is None or isinstance(value, dt.timedelta):
        return value
    return dt.timedelta(microseconds=int(value))  # SQLite may hand back microseconds


def kpiset_from_row(row: dict, weights: dict[str, float] | None = None) -> KpiSet:
    g = defaultdict(int, {k: (v or 0) for k, v in row.items() if k != "handling_total"})
    resolutions = g["earlier_resolutions"] + g["standing_resolutions"]
    total = _as_duration(row.get("handling_total"))
    kpis = KpiSet(
        accept_timely=Rate(g["accept_timely"], g["accept_due"]),
        response=Rate(g["responded"], g["accept_due"]),
        on_time_closure=Rate(g["closed_on_time"], g["close_due"]),
        closure=Rate(g["closed"], g["close_due"]),
        resolution=Rate(g["rated_resolved"], g["followed"]),
        satisfaction=Rate(g["rated_good"], g["followed"]),
        follow_up=Rate(g["followed"], g["closed_once"]),
        rework=Rate(g["reworks"], resolutions),
        rehandle=Rate(g["rehandled"], g["closed_once"]),
        in_grid=Rate(g["in_grid"], g["raised_in_grids"]),
        in_community=Rate(g["in_community"], g["close_due"]),
        handled=g["handled"],
        avg_handling=total / g["handled"] if total is not None and g["handled"] else None,
    )
    return _with_score(kpis, weights)


def kpiset_empty() -> KpiSet:
    """The figures of a scope with no case due: every rate is "—"."""
    return kpiset_from_row({})


def _with_score(kpis: KpiSet, weights: dict[str, float] | None) -> KpiSet:
    return replace(kpis, score=kpi_score(kpis, weights))


def scope_filter(
    *, grid: Grid | None = None, room: Room | None = None, department: Department | None = None
) -> Q:
    """A grid subtree (the case's location), and/or the room or department handling it."""
    q = Q()
    if grid is not None:
        q &= subtree_q("grid__path", grid.path)
    if room is not None:
        q &= Q(assignee_room=room)
    if department is not None:
        q &= Q(assignee_department=department)
    return q


def kpi_row_live(
    *,
    period: Period,
    qs: QuerySet[Case] | None = None,
    grid: Grid | None = None,
    room: Room | None = None,
    department: Department | None = None,
    now: dt.datetime,
) -> dict:
    """The raw counters of one scope, read from the cases (one query)."""
    if qs is None and room is None and department is None:  # a query Django built before
        values = prepared.Values(period=period, now=now, grid_path=grid.path if grid else None)
        (row,) = prepared.rows("row", _row_query, values)
        del row["one"]
        return row
    base = _base(qs, period, now).filter(scope_filter(grid=grid, room=room, department=department))
    return base.aggregate(**_aggregates(period, now))


def _row_query(v: prepared.Values) -> QuerySet[Case, Any]:
    """kpi_row_live over every case as a query with one row (a constant selected and no
    GROUP BY: one row even when no case is due)."""
    base = _base(None, v.period, v.now)
    if v.grid_path is not None:
        base = base.filter(subtree_q("grid__path", v.grid_path))
    return base.values(one=Value(1)).annotate(**_aggregates(v.period, v.now)).order_by()


def kpi_rows_grouped_live(
    *,
    period: Period,
    depth: int,
    qs: QuerySet[Case] | None = None,
    grid: Grid | None = None,
    now: dt.datetime,
) -> dict[str, dict]:
    """{grid path at `depth`: raw counters}, read from the cases in one GROUP BY. Cases
    located above that depth belong to no group."""
    values = prepared.Values(period=period, now=now, grid_path=grid.path if grid else None)
    found: Iterable[dict[str, Any]]
    if qs is None:  # a query Django built before
        found = prepared.rows(
            "grouped", partial(_grouped_query, None, depth), values, extra_key=(depth,)
        )
    else:
        found = cast("Iterable[dict[str, Any]]", _grouped_query(qs, depth, values))
    return {row.pop("group"): row for row in found}


def _grouped_query(
    qs: QuerySet[Case] | None, depth: int, v: prepared.Values
) -> QuerySet[Case, Any]:
    base = _base(qs, v.period, v.now).filter(grid__depth__gte=depth)
    if v.grid_path is not None:
        base = base.filter(subtree_q("grid__path", v.grid_path))
    return (
        base.annotate(group=Substr("grid__path", 1, depth * Grid.steplen))
        .values("group")
        .annotate(**_aggregates(v.period, v.now))
        .order_by()
    )


def kpis_compute_live(
    *,
    period: Period,
    qs: QuerySet[Case] | None = None,
    grid: Grid | None = None,
    room: Room | None = None,
    department: Department | None = None,
    now: dt.datetime | None = None,
) -> KpiSet:
    """The KPIs of one scope computed from the cases: the oracle of the daily aggregates, and
    the path for scopes they do not cover (a room, a department, an arbitrary queryset)."""
    now = now or clock.now()
    row = kpi_row_live(period=period, qs=qs, grid=grid, room=room, department=department, now=now)
    return kpiset_from_row(row)


def kpis_grouped_live(
    *,
    period: Period,
    depth: int,
    qs: QuerySet[Case] | None = None,
    grid: Grid | None = None,
    now: dt.datetime | None = None,
) -> dict[str, KpiSet]:
    now = now or clock.now()
    rows = kpi_rows_grouped_live(period=period, depth=depth, qs=qs, grid=grid, now=now)
    weights = kpi_weights()
    return {path: kpiset_from_row(row, weights) for path, row in rows.items()}
