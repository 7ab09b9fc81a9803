"""Reads for the care room: targets with their overdue status, and the care calendar."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import clock
from gongzhi.core.paths import subtree_q
from gongzhi.people.models import Resident, ResidentTag, TagKind

from .models import CareAlert, HelpDelivery, Visit, VisitPlan

if TYPE_CHECKING:
    from gongzhi.core.types import AnyUser
    from gongzhi.grids.models import Grid


def care_targets_for(user: AnyUser) -> QuerySet[Resident]:
    """Residents with a care tag in the user's scope, with plan and open-alert flag."""
    care_tags = ResidentTag.objects.filter(kind=TagKind.CARE)
    open_alert = CareAlert.objects.filter(plan__resident=OuterRef("pk"), resolved_at__isnull=True)
    return (
        Resident.objects.restrict(user)
        .filter(Exists(care_tags.filter(resident=OuterRef("pk"))))
        .annotate(
            has_alert=Exists(open_alert),
            last_visit=Subquery(
                Visit.objects.filter(resident=OuterRef("pk"))
                .order_by("-visited_at")
                .values("visited_at")[:1]
            ),
        )
        .select_related("grid", "care_plan__worker")
        .prefetch_related(Prefetch("tags", queryset=care_tags.order_by("tag")))
        .order_by("grid_id", "pk")
    )


class Status:
    NO_PLAN = "no_plan"
    OVERDUE = "overdue"
    NORMAL = "normal"


def care_target_filter(
    qs: QuerySet[Resident],
    *,
    grid: Grid | None = None,
    tag: str = "",
    status: str = "",
    **_ignored: Any,
) -> QuerySet[Resident]:
    """Narrow `care_targets_for` by grid subtree, care category and plan status."""
    if grid is not None:
        qs = qs.filter(subtree_q("grid__path", grid.path))
    if tag:
        qs = qs.filter(tags__kind=TagKind.CARE, tags__tag=tag).distinct()
    today = clock.today()
    if status == Status.NO_PLAN:
        qs = qs.filter(Q(care_plan__isnull=True) | Q(care_plan__active=False))
    elif status == Status.OVERDUE:
        qs = qs.filter(
            Q(has_alert=True) | Q(care_plan__active=True, care_plan__next_due_on__lt=today)
        )
    elif status == Status.NORMAL:
        qs = qs.filter(  # type: ignore[misc]  # has_alert: annotated by care_targets_for
            has_alert=False, care_plan__active=True, care_plan__next_due_on__gte=today
        )
    return qs


def care_target_get_for(user: AnyUser, pk: int) -> Resident:
    """One care target in the user's scope (DoesNotExist otherwise)."""
    return care_targets_for(user).get(pk=pk)


def visits_of(user: AnyUser, resident: Resident) -> QuerySet[Visit]:
    return Visit.objects.restrict(user).filter(resident=resident).select_related("by__staff")


def help_of(user: AnyUser, resident: Resident) -> QuerySet[HelpDelivery]:
    return HelpDelivery.objects.restrict(user).filter(resident=resident).select_related("by__staff")


def overdue_plans_for(user: AnyUser) -> QuerySet[VisitPlan]:
    """Active plans past their due date, oldest first, with the open alert's date if raised."""
    open_alert = CareAlert.objects.filter(plan=OuterRef("pk"), resolved_at__isnull=True)
    return (
        VisitPlan.objects.restrict(user)
        .filter(active=True, next_due_on__lt=clock.today())
        .annotate(alert_at=Subquery(open_alert.order_by("raised_at").values("raised_at")[:1]))
        .select_related("resident__grid", "worker")
        .order_by("next_due_on", "pk")
    )


def overdue_plan_count(user: AnyUser) -> int:
    return (
        VisitPlan.objects.restrict(user).filter(active=True, next_due_on__lt=clock.today()).count()
    )


def plan_overdue(plan: VisitPlan | None, today: dt.date | None = None) -> bool:
    return plan is not None and plan.active and plan.next_due_on < (today or clock.today())


def alert_list_for(user: AnyUser) -> QuerySet[CareAlert]:
    return (
        CareAlert.objects.restrict(user)
        .filter(resolved_at__isnull=True)
        .select_related("plan__resident", "plan__worker")
    )


@dataclass(frozen=True)
class CalendarEntry:
    day: dt.date
    kind: str  # "due" | "visit" | "help"
    label: str
    resident_id: int


def care_calendar(user: AnyUser, *, start: dt.date, end: dt.date) -> list[CalendarEntry]:
    """Visits due, visits made and help delivered in [start, end), in the user's scope."""
    entries = [
        CalendarEntry(
            p.next_due_on,
            "due",
            _("应走访 %(name)s") % {"name": p.resident.masked_name},
            p.resident_id,
        )
        for p in VisitPlan.objects.restrict(user)
        .filter(active=True, next_due_on__gte=start, next_due_on__lt=end)
        .select_related("resident")
    ]
    visits = Visit.objects.restrict(user).filter(
        visited_at__gte=_local_midnight(start), visited_at__lt=_local_midnight(end)
    )
    for v in visits.select_related("resident"):
        day = timezone.localdate(v.visited_at)
        entries.append(
            CalendarEntry(
                day, "visit", _("已走访 %(name)s") % {"name": v.resident.masked_name}, v.resident_id
            )
        )
    for h in (
        HelpDelivery.objects.restrict(user)
        .filter(delivered_on__gte=start, delivered_on__lt=end)
        .select_related("resident")
    ):
        label = _("%(kind)s帮扶 %(name)s:%(text)s") % {
            "kind": h.get_kind_display(),
            "name": h.resident.masked_name,
            "text": h.description,
        }
        entries.append(CalendarEntry(h.delivered_on, "help", label, h.resident_id))
    return sorted(entries, key=lambda e: (e.day, e.kind, e.resident_id))


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
