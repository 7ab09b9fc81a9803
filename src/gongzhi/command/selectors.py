"""The command center's figures (综治指挥中心), one function per panel.

Every panel reads a grid's subtree through `restrict(user)` (a township's center staff see
their township; the leader and the administrator the district). Trends come from the daily
KPI aggregates (cases.kpis); live counts, categories and the per-grid table from indexed
queries over the cases (open cases are a small share of all; today's and the last 30 days'
cases are a range of the creation-time index).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q
from django.db.models.functions import Coalesce, Substr
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.cases.calendar import LOCAL
from gongzhi.cases.kpis import RATE_LABELS, kpis_per_child, period_custom
from gongzhi.cases.kpis.compute import kpiset_empty, kpiset_from_row
from gongzhi.cases.kpis.periods import Period, period_month
from gongzhi.cases.kpis.rollup import kpi_rows_by_day, kpi_rows_by_month
from gongzhi.cases.models import Case, CaseEvent, Channel, State
from gongzhi.cases.workflow import LABELS, OPEN_STATES
from gongzhi.core import clock
from gongzhi.core.access import can, require, scope_paths
from gongzhi.core.paths import subtree_q
from gongzhi.core.roles import COMMAND
from gongzhi.grids.models import Grid
from gongzhi.grids.selectors import grid_children

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from gongzhi.cases.kpis.rollup import KpiSet
    from gongzhi.core.types import AnyUser


TREND_DAYS = 30
TREND_MONTHS = 12
CATEGORY_DAYS = 30
TOP_GRIDS = 10
EVENTS = 20
# The 三率 of 接诉即办 and the two 化解率 ("小事不出网格、大事不出社区"), per child grid.
RATES = ("response", "resolution", "satisfaction", "in_grid", "in_community")
# Timeline lines that are not workflow actions (the sweep's, the call's, the report itself).
SYSTEM_ACTIONS = {
    "report": gettext_lazy("上报"),
    "supervise_yellow": gettext_lazy("黄牌督办"),
    "supervise_red": gettext_lazy("红牌督办"),
    "auto_escalate": gettext_lazy("超时自动上报"),
    "resident_safe": gettext_lazy("居民已安全"),
    "callback": gettext_lazy("回电"),
}


class BadParameter(ValueError):
    """A request parameter that is not what the panel takes (HTTP 400, message shown)."""


class NotInScope(LookupError):
    """A grid that does not exist or lies outside the user's scope (HTTP 404)."""


def may_command(user: AnyUser) -> bool:
    return can(user, COMMAND)


def require_command(user: AnyUser) -> None:
    require(user, COMMAND)


def scope_root(user: AnyUser) -> Grid | None:
    """Where the user's command center opens: the district, or their own subtree's top."""
    paths = scope_paths(user)
    if paths is None:
        return Grid.objects.filter(depth=1).order_by("path").first()
    return Grid.objects.filter(path__in=paths).order_by("path").first() if paths else None


def grid_for(user: AnyUser, raw: str | int | None) -> Grid:
    """The grid named by a request parameter: the user's scope root when absent."""
    if raw in (None, ""):
        grid = scope_root(user)
        if grid is None:
            raise NotInScope(_("您没有可查看的网格"))
        return grid
    try:
        pk = int(str(raw).strip())
    except ValueError:
        raise BadParameter(_("参数 grid 应为网格编号(整数)")) from None
    if not 0 < pk < 2**63:
        raise BadParameter(_("参数 grid 应为网格编号(整数)"))
    grid = Grid.objects.restrict(user).filter(pk=pk).first()
    if grid is None:
        raise NotInScope(_("网格不存在或不在您的管辖范围内"))
    return grid


def parse_day(raw: str | dt.date | None, *, name: str = "end") -> dt.date:
    """A YYYY-MM-DD day parameter (today when absent); never in the future."""
    today = clock.today()
    if raw in (None, ""):
        return today
    try:
        day = dt.date.fromisoformat(str(raw).strip())
    except ValueError:
        raise BadParameter(
            _("参数 %(name)s 应为日期,格式 YYYY-MM-DD,例如 2026-03-01") % {"name": name}
        ) from None
    if day > today or day.year < 2000:
        raise BadParameter(_("参数 %(name)s 应在2000年至今天之间") % {"name": name})
    return day


def parse_month(raw: str | None) -> dt.date:
    """A YYYY-MM month parameter (this month when absent) → its first day; not in the future."""
    today = clock.today()
    if raw in (None, ""):
        return today.replace(day=1)
    text = str(raw).strip()
    try:
        month = dt.date.fromisoformat(f"{text}-01") if len(text) == 7 else None
    except ValueError:
        month = None
    if month is None:
        raise BadParameter(_("参数 month 应为月份,格式 YYYY-MM,例如 2026-03"))
    if month > today or month.year < 2000:
        raise BadParameter(_("参数 month 应在2000年1月至本月之间"))
    return month


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=LOCAL)


def cases_in(user: AnyUser, grid: Grid) -> QuerySet[Case]:
    return Case.objects.restrict(user).filter(subtree_q("grid__path", grid.path))


def _pct(numerator: int, denominator: int) -> float | None:
    return round(100 * numerator / denominator, 2) if denominator else None


# --- live counts ----------------------------------------------------------------------------


def live_counts(user: AnyUser, grid: Grid) -> dict:
    from gongzhi.hotline.models import HotlineCall
    from gongzhi.realtime.models import OneKeyCall

    today = _midnight(clock.today())
    cases = cases_in(user, grid)
    open_cases = cases.filter(state__in=OPEN_STATES)
    calls = OneKeyCall.objects.restrict(user).filter(subtree_q("unit__path", grid.path))
    hotline = HotlineCall.objects.restrict(user).filter(
        subtree_q("center__grid__path", grid.path) | subtree_q("case__grid__path", grid.path)
    )
    return {
        "today": cases.filter(created_at__gte=today).count(),
        "open": open_cases.count(),
        "overdue": open_cases.filter(overdue=True).count(),
        "calls_waiting": calls.filter(
            acknowledged_at__isnull=True, cancelled_at__isnull=True
        ).count(),
        "hotline_today": hotline.filter(started_at__gte=today).count(),
    }


LIVE_LABELS = {
    "today": gettext_lazy("今日新增事件"),
    "open": gettext_lazy("办理中"),
    "overdue": gettext_lazy("超时未办结"),
    "calls_waiting": gettext_lazy("一键呼叫待响应"),
    "hotline_today": gettext_lazy("今日热线来电"),
}


# --- trends from the daily aggregates ----------------------------------------------------------


def _series_point(label: str, row: dict) -> dict:
    kpis = kpiset_from_row(row) if row else kpiset_empty()
    return {
        "label": label,
        "accept_due": row.get("accept_due", 0) if row else 0,
        "close_due": row.get("close_due", 0) if row else 0,
        "closed": row.get("closed", 0) if row else 0,
        "closed_on_time": row.get("closed_on_time", 0) if row else 0,
        "on_time_closure": kpis.on_time_closure.percent,
        "satisfaction": kpis.satisfaction.percent,
    }


def trend_days(user: AnyUser, grid: Grid, *, end: dt.date, days: int = TREND_DAYS) -> list[dict]:
    period = period_custom(end - dt.timedelta(days=days - 1), end)
    rows = kpi_rows_by_day(period=period, grid=grid)
    out, day = [], period.first_day
    while day <= end:
        out.append(_series_point(f"{day:%m-%d}", rows.get(day, {})) | {"day": day.isoformat()})
        day += dt.timedelta(days=1)
    return out


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def trend_months(
    user: AnyUser, grid: Grid, *, end: dt.date, months: int = TREND_MONTHS
) -> list[dict]:
    first = add_months(end.replace(day=1), -(months - 1))
    rows = kpi_rows_by_month(period=period_custom(first, end), grid=grid)
    return [
        _series_point(f"{m:%Y-%m}", rows.get(m, {})) | {"month": f"{m:%Y-%m}"}
        for m in (add_months(first, k) for k in range(months))
    ]


TREND_LABELS = {
    "accept_due": gettext_lazy("应受理事件"),
    "close_due": gettext_lazy("应办结事件"),
    "closed": gettext_lazy("已结案"),
    "closed_on_time": gettext_lazy("按期办结"),
    "on_time_closure": gettext_lazy("按期办结率(%)"),
    "satisfaction": gettext_lazy("满意率(%)"),
}


# --- categories, per-grid table, top grids ------------------------------------------------------


def categories(user: AnyUser, grid: Grid, *, end: dt.date, days: int = CATEGORY_DAYS) -> list[dict]:
    """Cases reported in the last `days` days up to `end`, by top-level category."""
    since, until = _midnight(end - dt.timedelta(days=days - 1)), _midnight(end + dt.timedelta(1))
    rows = (
        cases_in(user, grid)
        .filter(created_at__gte=since, created_at__lt=until)
        .annotate(top=Coalesce("category__parent__name", "category__name"))
        .values("top")
        .annotate(n=Count("pk"))
        .order_by("-n", "top")
    )
    return [{"name": r["top"], "count": r["n"]} for r in rows]


@dataclass
class GridRow:
    grid: Grid | None  # None: cases located on the grid itself (本级)
    open: int = 0
    overdue: int = 0
    today: int = 0

    def as_dict(self, parent: Grid) -> dict:
        g = self.grid or parent
        return {
            "id": g.pk, "code": g.code, "name": g.name if self.grid else _("本级"),
            "level": g.level, "own": self.grid is None, "open": self.open,
            "overdue": self.overdue, "today": self.today,
            "overdue_rate": _pct(self.overdue, self.open),
            "has_children": bool(self.grid and self.grid.numchild),
        }  # fmt: skip


def grid_table(user: AnyUser, grid: Grid) -> dict:
    """Each child grid's open, overdue and today's cases, plus the cases located on the grid
    itself; the rows add up to the grid's totals (which are returned too). One aggregate
    query over the subtree's open and today's cases, grouped by the child's path prefix;
    the map colours the same rows (see grid_map)."""
    length = (grid.depth + 1) * Grid.steplen
    since = _midnight(clock.today())
    is_open, is_today = Q(state__in=OPEN_STATES), Q(created_at__gte=since)
    counted = (
        cases_in(user, grid)
        .filter(is_open | is_today)
        .annotate(key=Substr("grid__path", 1, length))
        .values("key")
        .annotate(
            n=Count("pk", filter=is_open),
            late=Count("pk", filter=is_open & Q(overdue=True)),
            new=Count("pk", filter=is_today),
        )
        .order_by()
    )
    rows = {c.path: GridRow(c) for c in grid_children(grid).defer("boundary")}
    own = GridRow(None)
    for r in counted:
        row = rows.get(r["key"], own)
        row.open, row.overdue, row.today = (
            row.open + r["n"],
            row.overdue + r["late"],
            row.today + r["new"],
        )
    listed = [*rows.values(), own]
    total: dict[str, Any] = {
        "open": sum(r.open for r in listed), "overdue": sum(r.overdue for r in listed),
        "today": sum(r.today for r in listed),
    }  # fmt: skip
    total["overdue_rate"] = _pct(total["overdue"], total["open"])
    return {
        "grid": {"id": grid.pk, "name": grid.name, "code": grid.code, "level": grid.level},
        "rows": [r.as_dict(grid) for r in listed if r.grid is not None or r.open or r.today],
        "total": total,
        "children": [r.grid for r in rows.values()],  # Grid rows: the caller pops them
    }


def _map_zoom(grid: Grid, children: list[Grid]) -> int | None:
    """The web-map zoom at which the children fill a panel about 600 px wide: the outlines
    are simplified to half a pixel there (None: no bounding box known, no simplification)."""
    boxes = [
        (g.min_lng, g.min_lat, g.max_lng, g.max_lat)
        for g in children
        if g.min_lng is not None
        and g.min_lat is not None
        and g.max_lng is not None
        and g.max_lat is not None
    ]
    if not boxes:
        return None
    west, east = min(b[0] for b in boxes), max(b[2] for b in boxes)
    south, north = min(b[1] for b in boxes), max(b[3] for b in boxes)
    span = max(east - west, (north - south) * 1.3, 1e-6)
    return max(5, min(19, int(math.log2(360 * 600 / 256 / span))))


def grid_map(grid: Grid, children: list[Grid], rows: list[dict]) -> dict:
    """The children's outlines (GeoJSON, from the per-process boundary index: no query for
    the shapes) with the figures of grid_table's rows, for the command center's map."""
    from gongzhi.grids.geo import outline_features

    figures = {r["id"]: r for r in rows if not r["own"]}
    keys = ("open", "overdue", "overdue_rate", "today", "has_children")
    features = outline_features(
        children,
        zoom=_map_zoom(grid, children),
        properties=lambda g: {k: figures[g.pk][k] for k in keys},
    )
    return {
        "type": "FeatureCollection",
        "features": features,
        "missing": len(children) - len(features),
    }


def top_grids(user: AnyUser, grid: Grid, *, limit: int = TOP_GRIDS) -> list[dict]:
    """The grids (where cases are located) with the most open cases, then the most overdue."""
    rows = (
        cases_in(user, grid)
        .filter(state__in=OPEN_STATES)
        .values("grid_id", "grid__full_name", "grid__name", "grid__level")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(overdue=True)))
        .order_by("-open", "-overdue", "grid__full_name")[:limit]
    )
    return [
        {
            "id": r["grid_id"],
            "name": r["grid__full_name"] or r["grid__name"],
            "level": r["grid__level"],
            "open": r["open"],
            "overdue": r["overdue"],
        }
        for r in rows
    ]


# --- KPI rates per child ------------------------------------------------------------------------


def rates_per_child(user: AnyUser, grid: Grid, *, period: Period) -> dict:
    children = list(grid_children(grid))
    figures = kpis_per_child(grid=grid, period=period, user=user) if children else {}
    empty = kpiset_empty()
    rows = []
    for child in children or [grid]:
        kpis = figures.get(child.path, empty) if children else _own_kpis(user, grid, period)
        rows.append(
            {"id": child.pk, "name": child.name}
            | {
                name: {
                    "percent": getattr(kpis, name).percent,
                    "numerator": getattr(kpis, name).numerator,
                    "denominator": getattr(kpis, name).denominator,
                }
                for name in RATES
            }
        )
    return {
        "period": {"first": period.first_day.isoformat(), "last": period.last_day.isoformat()},
        "labels": {name: str(RATE_LABELS[name]) for name in RATES},
        "rows": rows,
    }


def _own_kpis(user: AnyUser, grid: Grid, period: Period) -> KpiSet:
    from gongzhi.cases.kpis import kpis_compute

    return kpis_compute(period=period, grid=grid, user=user)


# --- the rooms ----------------------------------------------------------------------------------


def rooms(user: AnyUser, grid: Grid) -> dict:
    """The mediation room's and the care room's figures for the subtree, this month and
    year to date."""
    from gongzhi.care.models import CareAlert, Visit, VisitPlan
    from gongzhi.mediation.models import Dispute, Outcome, Party
    from gongzhi.people.models import ResidentTag, TagKind

    today = clock.today()
    month, year = _midnight(today.replace(day=1)), _midnight(today.replace(month=1, day=1))
    # A dispute belongs to the subtree through its center, its case or a party living there.
    parties = Party.objects.filter(subtree_q("resident__grid__path", grid.path))
    disputes = Dispute.objects.restrict(user).filter(
        subtree_q("center__grid__path", grid.path)
        | subtree_q("case__grid__path", grid.path)
        | Q(pk__in=parties.values("dispute_id"))
    )
    settled = (Outcome.WRITTEN, Outcome.ORAL)
    d = disputes.aggregate(
        month=Count("pk", filter=Q(opened_at__gte=month)),
        ongoing=Count("pk", filter=Q(outcome=Outcome.PENDING)),
        settled_month=Count("pk", filter=Q(outcome__in=settled, outcome_at__gte=month)),
        settled_year=Count("pk", filter=Q(outcome__in=settled, outcome_at__gte=year)),
        ended_year=Count("pk", filter=~Q(outcome=Outcome.PENDING) & Q(outcome_at__gte=year)),
    )
    residents = subtree_q("resident__grid__path", grid.path)
    plans = VisitPlan.objects.restrict(user).filter(residents, active=True)
    care = {
        "targets": ResidentTag.objects.restrict(user)
        .filter(residents, kind=TagKind.CARE)
        .values("resident_id")
        .distinct()
        .count(),
        "plans": plans.count(),
        "visits_month": Visit.objects.restrict(user)
        .filter(residents, visited_at__gte=month)
        .count(),
        "overdue": plans.filter(next_due_on__lt=today).count(),
        "alerts": CareAlert.objects.restrict(user)
        .filter(subtree_q("plan__resident__grid__path", grid.path), resolved_at__isnull=True)
        .count(),
    }
    return {
        "mediation": {
            "month": d["month"],
            "ongoing": d["ongoing"],
            "settled_month": d["settled_month"],
            "success_rate": _pct(d["settled_year"], d["ended_year"]),
        },
        "care": care,
    }


ROOM_LABELS = {
    "mediation": {
        "month": gettext_lazy("本月受理纠纷"),
        "ongoing": gettext_lazy("调解中"),
        "settled_month": gettext_lazy("本月调解成功"),
        "success_rate": gettext_lazy("本年调解成功率(%)"),
    },
    "care": {
        "targets": gettext_lazy("关爱对象"),
        "plans": gettext_lazy("走访计划"),
        "visits_month": gettext_lazy("本月走访"),
        "overdue": gettext_lazy("走访逾期"),
        "alerts": gettext_lazy("未解除预警"),
    },
}


# --- recent events ---------------------------------------------------------------------------


def action_label(action: str) -> str:
    return str(SYSTEM_ACTIONS.get(action) or LABELS.get(action) or action)


def event_dict(e: CaseEvent) -> dict:
    case = e.case
    return {
        "id": e.pk, "at": e.at.astimezone(LOCAL).isoformat(), "action": e.action,
        "label": action_label(e.action), "case": case.number, "title": case.title[:40],
        "state": str(State(e.to_state).label) if e.to_state else "",
        "channel": str(Channel(case.channel).label), "grid": case.grid.name,
        "path": case.grid.path,
    }  # fmt: skip


def recent_events(user: AnyUser, grid: Grid, *, after: int = 0, limit: int = EVENTS) -> list[dict]:
    events = (
        CaseEvent.objects.restrict(user)
        .filter(subtree_q("case__grid__path", grid.path), pk__gt=after)
        .select_related("case__grid")
        .order_by("-at", "-pk")[:limit]
    )
    return [event_dict(e) for e in events]


def period_of_month(month: dt.date) -> Period:
    return period_month(month)


def recent_months(count: int = 12) -> list[str]:
    """This month and the ones before it, as YYYY-MM (the report's choices)."""
    first = clock.today().replace(day=1)
    return [f"{add_months(first, -k):%Y-%m}" for k in range(count)]
