"""Permission-aware reads for cases and the inbox."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from gongzhi.core import clock
from gongzhi.core.access import can, staff_of
from gongzhi.core.paths import subtree_q
from gongzhi.core.roles import CASE_SUPERVISE

from . import calendar
from .models import Case, CaseEvent, Notification, Rating, State, Supervision
from .workflow import FINAL_STATES, OPEN_STATES, allowed_actions  # noqa: F401 - re-exported

if TYPE_CHECKING:
    from collections.abc import Iterable

    from gongzhi.cases.models import Category
    from gongzhi.core.types import Actor, AnyUser
    from gongzhi.grids.models import Grid


INBOXES = ("todo", "in_progress", "done", "overdue", "supervised", "follow_up")


def case_list_for(user: AnyUser, *, action: str = "view") -> QuerySet[Case]:
    return Case.objects.restrict(user, action).select_related("category", "grid")


def case_get_for(user: AnyUser, *, pk: int | None = None, number: str | None = None) -> Case:
    qs = case_list_for(user)
    return qs.get(pk=pk) if pk is not None else qs.get(number=number)


def case_timeline(case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor").prefetch_related("attachments")


def _mine(user: AnyUser) -> Q:
    staff = staff_of(user)
    if staff is None:
        return Q(pk__in=[])
    q = Q(assignee_staff=staff)
    if staff.room_id:
        q |= Q(assignee_room_id=staff.room_id)
    if staff.department_id:
        q |= Q(assignee_department_id=staff.department_id)
    return q


INBOX_LABELS = {
    "todo": _("待办"),
    "in_progress": _("办理中"),
    "done": _("已办"),
    "overdue": _("超时"),
    "supervised": _("督办"),
    "follow_up": _("待回访"),
}


def inbox_q(user: AnyUser, inbox: str) -> Q:
    """待办, 办理中, 已办, 超时, 督办, 待回访 as conditions on the user's restricted cases."""
    if inbox == "todo":
        return Q(state__in=[State.REPORTED, State.ESCALATED, State.RESOLVED, State.VERIFIED]) | (
            _mine(user) & Q(state__in=[State.DISPATCHED, State.SIGNED])
        )
    if inbox == "in_progress":
        return _mine(user) & Q(state__in=OPEN_STATES)
    if inbox == "done":
        return Q(state__in=FINAL_STATES)
    if inbox == "overdue":
        return Q(overdue=True, state__in=OPEN_STATES)
    if inbox == "supervised":
        return ~Q(supervision=Supervision.NONE) & Q(state__in=OPEN_STATES)
    if inbox == "follow_up":
        return Q(state=State.CLOSED)
    raise ValueError(f"unknown inbox {inbox!r}")


def case_inbox_for(user: AnyUser, inbox: str) -> QuerySet[Case]:
    return case_list_for(user).filter(inbox_q(user, inbox))


def case_filter(
    qs: QuerySet[Case],
    *,
    category: Category | None = None,
    channel: str = "",
    urgency: str = "",
    grid: Grid | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    **_ignored: Any,
) -> QuerySet[Case]:
    """The list filters shared by the inbox pages, the export and the API."""
    if category is not None:
        qs = qs.filter(Q(category=category) | Q(category__parent=category))
    if channel:
        qs = qs.filter(channel=channel)
    if urgency:
        qs = qs.filter(urgency=urgency)
    if grid is not None:
        qs = qs.filter(subtree_q("grid__path", grid.path))
    if date_from:
        qs = qs.filter(created_at__gte=_local_midnight(date_from))
    if date_to:
        qs = qs.filter(created_at__lt=_local_midnight(date_to + dt.timedelta(days=1)))
    return qs


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=calendar.LOCAL)


def inbox_counts(user: AnyUser, qs: QuerySet[Case]) -> dict[str, int]:
    """Every inbox's size in one aggregate query over an already restricted queryset."""
    return qs.order_by().aggregate(
        **{name: Count("pk", filter=inbox_q(user, name)) for name in INBOXES}
    )


def case_waiting_counts(user: AnyUser) -> dict[str, int]:
    """For the navigation, in one query: the 待办 and 超时 inboxes' sizes, and for those who
    verify, the cases waiting for 核查."""
    counts = {
        "todo": Count("pk", filter=inbox_q(user, "todo")),
        "overdue": Count("pk", filter=inbox_q(user, "overdue")),
    }
    if can(user, CASE_SUPERVISE):
        counts["verify"] = Count("pk", filter=Q(state=State.RESOLVED))
    return Case.objects.restrict(user).order_by().aggregate(**counts)


def case_page_queryset(qs: QuerySet[Case]) -> QuerySet[Case]:
    """What a list row shows, joined up front (no per-row queries)."""
    return qs.select_related(
        "category__parent",
        "grid",
        "owning_grid",
        "assignee_staff",
        "assignee_room",
        "assignee_department",
    ).order_by("-created_at", "-pk")


def notification_list_for(user: Actor | int) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).select_related("case")


def notification_unread_count(user: Actor | int) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_mark_read(user: Actor | int, *, ids: Iterable[int] | None = None) -> int:
    """A tiny write kept here with its reads: marking your own inbox needs no workflow."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=clock.now())


RATED_PENDING_LIMIT = 20


def rated_not_counted(
    user: AnyUser, *, grid: Grid, now: dt.datetime | None = None, limit: int = RATED_PENDING_LIMIT
) -> tuple[int, list[Case]]:
    """Rated cases of the user's cases in `grid`'s subtree that no KPI counts yet (their
    closure side counts on a day still to come: docs/kpis.md, "When a rating counts").

    Returns (how many, the `limit` counting soonest); each case carries `counts_on` (the
    local date it will count) and `rating_label`."""
    from .kpis.compute import EXCLUDED_STATES, close_count_at, close_count_instant

    now = now or clock.now()
    qs = (
        Case.objects.restrict(user)
        .filter(subtree_q("grid__path", grid.path), followed_up_at__isnull=False)
        .exclude(state__in=EXCLUDED_STATES)
        .alias(counts_at=close_count_at())
        .filter(counts_at__gt=now)
    )
    rows = list(qs.select_related("category").order_by("counts_at", "pk")[:limit])
    total = len(rows) if len(rows) < limit else qs.count()
    labels = dict(Rating.choices)
    for case in rows:
        instant = close_count_instant(case)  # set: the query kept counts_at > now
        case.counts_on = instant.astimezone(calendar.LOCAL).date() if instant else None
        case.rating_label = labels.get(case.satisfaction, case.satisfaction)
    return total, rows


# --- the case map --------------------------------------------------------------------------

MAP_LIMIT = 5000  # markers per map; more are summarised ("显示最新的 5000 件")


def case_state_filter(qs: QuerySet[Case], state: str) -> QuerySet[Case]:
    """The case map's state filter: open (未办结), final (已办结), one state, or all ("")."""
    if state == "open":
        return qs.filter(state__in=OPEN_STATES)
    if state == "final":
        return qs.filter(state__in=FINAL_STATES)
    return qs.filter(state=state) if state else qs


def case_map_points(qs: QuerySet[Case], *, limit: int = MAP_LIMIT) -> tuple[list[dict], int, int]:
    """(newest `limit` placed cases, how many are placed, how many have no place at all).

    A case is placed at its own coordinates, else (approximately) at its grid's center.
    """
    has_point = Q(lat__isnull=False, lng__isnull=False)
    placed = Q(has_point | Q(grid__center_lat__isnull=False, grid__center_lng__isnull=False))
    fields = (
        "pk",
        "number",
        "title",
        "state",
        "lat",
        "lng",
        "grid__center_lat",
        "grid__center_lng",
    )
    rows = list(qs.filter(placed).order_by("-created_at", "-pk").values(*fields)[:limit])
    if len(rows) < limit:
        total = len(rows)
        unplaced = qs.exclude(placed).count()
    else:
        counts = qs.order_by().aggregate(total=Count("pk", filter=placed), all=Count("pk"))
        total, unplaced = counts["total"], counts["all"] - counts["total"]
    points = []
    for r in rows:
        approx = r["lat"] is None or r["lng"] is None
        points.append(
            {
                "number": r["number"],
                "title": r["title"],
                "state": r["state"],
                "lat": r["grid__center_lat"] if approx else r["lat"],
                "lng": r["grid__center_lng"] if approx else r["lng"],
                "approx": approx,
            }
        )
    return points, total, unplaced
