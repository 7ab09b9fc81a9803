"""Permission-aware reads for the workbench: my grids, my tasks, diary feeds, stats."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Case as When_
from django.db.models import (
    Count,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gongzhi.cases.models import Case, CaseEvent, Channel, State
from gongzhi.cases.models.extras import ConsultationTask
from gongzhi.cases.selectors import inbox_q
from gongzhi.core import clock
from gongzhi.core.access import can, staff_of
from gongzhi.core.paths import subtree_q
from gongzhi.core.roles import DIARY_REVIEW, FIELDWORK, Role
from gongzhi.grids.models import Grid
from gongzhi.org.models import GridAssignment, Staff

from .models import (
    ChangeRequest,
    DiaryEntry,
    Duty,
    FiveRole,
    Inspection,
    ScoreEvent,
    WorkerScoreRule,
)

if TYPE_CHECKING:
    from gongzhi.core.types import Actor, AnyUser


TASK_LIMIT = 100  # per source; a worker's day never needs more
VISIT_HORIZON_DAYS = 14


def worker_grids(user: AnyUser) -> list[Grid]:
    staff = staff_of(user)
    if staff is None:
        return []
    return [
        a.grid
        for a in staff.grid_assignments.select_related("grid").order_by("grid__path")
        if a.duty == GridAssignment.Duty.WORKER
    ]


def worker_unit(user: AnyUser) -> Grid | None:
    """The grid a worker's own reports and diary entries belong to."""
    grids = worker_grids(user)
    return grids[0] if grids else None


def my_grids(user: AnyUser) -> list[dict]:
    from gongzhi.grids.selectors import grid_subtree_summary

    return [{"grid": g, "counts": grid_subtree_summary(g, [])["total"]} for g in worker_grids(user)]


# --- my tasks -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    kind: str  # case | visit | hazard | consultation
    kind_label: str
    title: str
    deadline: dt.datetime | None
    url: str

    @property
    def overdue(self) -> bool:
        return self.deadline is not None and self.deadline < clock.now()


def _end_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


def _case_tasks(user: AnyUser) -> list[Task]:
    deadline = When_(
        When(state=State.REPORTED, then=F("accept_red_at")),
        When(state=State.RESOLVED, then=F("verify_red_at")),
        default=Coalesce("extension_until", "handle_red_at"),
    )
    qs = (
        Case.objects.restrict(user)
        .filter(inbox_q(user, "todo") | inbox_q(user, "in_progress"))
        .annotate(deadline=deadline)
        .order_by(F("deadline").asc(nulls_last=True), "pk")
        .only(
            "number",
            "title",
            "state",
            "accept_red_at",
            "verify_red_at",
            "handle_red_at",
            "extension_until",
        )[:TASK_LIMIT]
    )
    return [
        Task(
            "case",
            pgettext("task kind", "事件"),
            f"{c.number} {c.title}",
            c.deadline,
            reverse("cases:detail", args=[c.number]),
        )
        for c in qs
    ]


def _visit_tasks(user: AnyUser, staff: Staff) -> list[Task]:
    from gongzhi.care.models import VisitPlan

    horizon = clock.today() + dt.timedelta(days=VISIT_HORIZON_DAYS)
    qs = (
        VisitPlan.objects.restrict(user)
        .filter(Q(worker=staff) | Q(worker__isnull=True), active=True, next_due_on__lte=horizon)
        .select_related("resident")
        .order_by("next_due_on", "pk")[:TASK_LIMIT]
    )
    return [
        Task(
            "visit",
            _("走访"),
            _("走访 %(name)s") % {"name": p.resident.masked_name},
            _end_of_day(p.next_due_on),
            reverse("care:target_detail", args=[p.resident_id]),
        )
        for p in qs
    ]


def _hazard_tasks(user: AnyUser) -> list[Task]:
    from gongzhi.liaison.models import SecurityHazard

    qs = (
        SecurityHazard.objects.restrict(user)
        .exclude(status=SecurityHazard.Status.CLOSED)
        .only("location", "description", "status")
        .order_by("reported_at", "pk")[:TASK_LIMIT]
    )
    return [
        Task(
            "hazard",
            _("隐患"),
            f"{h.location}:{h.description[:20]}",
            None,
            reverse("liaison:hazard_detail", args=[h.pk]),
        )
        for h in qs
    ]


def _consultation_tasks(staff: Staff) -> list[Task]:
    """Tasks for the person or, for an officer, for their stationed department."""
    mine = Q(assignee=staff)
    if staff.department_id:
        mine |= Q(department=staff.department_id)
    qs = ConsultationTask.objects.filter(mine, done_at__isnull=True).order_by("due_date", "pk")
    return [
        Task(
            "consultation",
            _("会诊任务"),
            t.title,
            _end_of_day(t.due_date),
            reverse("consultations:detail", args=[t.consultation_id]),
        )
        for t in qs[:TASK_LIMIT]
    ]


def my_tasks(user: AnyUser) -> list[Task]:
    """Cases, visits due, open hazards and consultation tasks, merged, soonest deadline first.

    Each source is one query; items without a deadline come last.
    """
    staff = staff_of(user)
    if staff is None:
        return []
    tasks = _case_tasks(user) + _visit_tasks(user, staff) + _hazard_tasks(user)
    tasks += _consultation_tasks(staff)
    far = timezone.make_aware(dt.datetime.max - dt.timedelta(days=2))
    return sorted(tasks, key=lambda t: (t.deadline or far, t.kind, t.title))


# --- diary ------------------------------------------------------------------------------------


def diary_list_for(user: AnyUser) -> QuerySet[DiaryEntry]:
    """The diaries a user may open (list, detail, photos): those in scope for reviewers
    (DIARY_REVIEW), only their own for everyone else (a grid worker's colleagues' entries
    stay private to them and their reviewers)."""
    qs = DiaryEntry.objects.restrict(user)
    if not can(user, DIARY_REVIEW):
        qs = qs.filter(worker=user)
    return qs.select_related("worker__staff", "grid").prefetch_related("photos", "comments__author")


def diary_get_for(user: AnyUser, pk: int) -> DiaryEntry:
    return diary_list_for(user).get(pk=pk)


def public_text(entry: DiaryEntry, area_names_: set[str] | None = None) -> str:
    """The entry as neighbours read it (workbench.diary_privacy): every registry name of its
    area, the residents met, phones and ID numbers hidden."""
    from .diary_privacy import area_names, area_of, diary_public_text

    names = area_names(area_of(entry.grid)) if area_names_ is None else area_names_
    return diary_public_text(entry.text, [*names, *(r.name for r in entry.residents_met.all())])


def diary_public_feed(grid: Grid, *, limit: int = 50) -> list[DiaryEntry]:
    """Public entries in `grid`'s subtree, newest first, each with `public_text` set."""
    from .diary_privacy import area_names, area_of

    entries = list(
        DiaryEntry.objects.filter(subtree_q("grid__path", grid.path), is_public=True)
        .select_related("grid")
        .prefetch_related("residents_met", "comments")
        .order_by("-date", "-pk")[:limit]
    )
    # Names of the whole area, once: the feed's grid is the readers' compound (or above).
    names = area_names(area_of(grid)) if entries else set()
    for e in entries:
        e.public_text = public_text(e, names)  # type: ignore[attr-defined]  # for the feed
    return entries


def change_request_list_for(user: AnyUser) -> QuerySet[ChangeRequest]:
    return ChangeRequest.objects.restrict(user).select_related("requested_by", "resident")


def change_request_waiting_count(user: AnyUser) -> int:
    return ChangeRequest.objects.restrict(user).filter(status=ChangeRequest.Status.PENDING).count()


# --- how workers are doing ----------------------------------------------------------------


def score_table() -> dict[str, int]:
    return dict(WorkerScoreRule.objects.values_list("event", "points"))


def _count(qs: QuerySet, outer: str) -> Coalesce:
    """A correlated COUNT subquery, so a whole leaderboard is one SQL statement."""
    sub = qs.filter(**{outer: OuterRef("user_id")}).order_by().values(outer)
    return Coalesce(
        Subquery(sub.annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()),
        Value(0),
    )


def _worker_counts(since: dt.datetime | None) -> dict[str, Coalesce]:
    from gongzhi.care.models import Visit

    t = {} if since is None else {"created_at__gte": since}
    return {
        ScoreEvent.DIARY_ENTRY: _count(DiaryEntry.objects.filter(**t), "worker"),
        ScoreEvent.VISIT: _count(
            Visit.objects.filter(**({} if since is None else {"visited_at__gte": since})), "by"
        ),
        ScoreEvent.CASE_FOUND: _count(
            Case.objects.filter(channel=Channel.PATROL, **t), "created_by"
        ),
        ScoreEvent.CASE_RESOLVED: _count(
            CaseEvent.objects.filter(
                action="resolve", **({} if since is None else {"at__gte": since})
            ),
            "actor",
        ),
        ScoreEvent.INSPECTION: _count(
            Inspection.objects.filter(**({} if since is None else {"inspected_at__gte": since})),
            "inspector",
        ),
    }


def leaderboard(community: Grid, *, since: dt.datetime | None = None) -> list[dict]:
    """Grid workers under `community`, by points: one aggregate query plus the score table."""
    rules = score_table()
    staff = (
        Staff.objects.filter(
            role=Role.GRID_WORKER,
            active=True,
            pk__in=GridAssignment.objects.filter(subtree_q("grid__path", community.path)).values(
                "staff_id"
            ),
        )
        .annotate(**_worker_counts(since))
        .values("pk", "name", *ScoreEvent.values)
    )
    rows = []
    for s in staff:
        counts = {k: s[k] for k in ScoreEvent.values}
        points = sum(rules.get(k, 0) * n for k, n in counts.items())
        rows.append({"staff_id": s["pk"], "name": s["name"], "counts": counts, "points": points})
    rows.sort(key=lambda r: (-r["points"], r["name"], r["staff_id"]))
    for rank, row in enumerate(rows, 1):
        row["rank"] = rank
    return rows


def _visit_coverage(user: AnyUser, staff: Staff | None) -> dict:
    """走访完成/计划: the worker's active plans (theirs, or unassigned ones in a grid worker's
    own grids), and how many of them had a visit within the current cycle."""
    from gongzhi.care.models import VisitPlan

    if staff is None:
        return {"visits_done": 0, "visits_planned": 0}
    mine = Q(worker=staff)
    if can(user, FIELDWORK):
        mine |= Q(worker__isnull=True)
    plans = (
        VisitPlan.objects.restrict(user)
        .filter(mine, active=True)
        .annotate(last=Max("visits__visited_at"))
        .values_list("interval_days", "last")
    )
    today = clock.today()
    done = sum(
        1
        for days, last in plans
        if last and timezone.localdate(last) > today - dt.timedelta(days=days)
    )
    return {"visits_done": done, "visits_planned": len(plans)}


def worker_stats(user: Actor, *, since: dt.date | None = None) -> dict:
    """One worker's figures: diary by role and duty, visits, cases found/handled, response."""

    staff = staff_of(user)
    diary = DiaryEntry.objects.filter(worker=user)
    if since:
        diary = diary.filter(date__gte=since)
    by_role = dict(diary.values_list("role").annotate(n=Count("pk")).order_by())
    by_duty = dict(diary.values_list("duty").annotate(n=Count("pk")).order_by())
    found = Case.objects.filter(created_by=user, channel=Channel.PATROL)
    responded = [
        (r - c).total_seconds() / 3600
        for c, r in found.filter(responded_at__isnull=False).values_list(
            "created_at", "responded_at"
        )[:1000]
        if r is not None
    ]
    return {
        "diary_by_role": [(lbl, by_role.get(v, 0)) for v, lbl in FiveRole.choices],
        "diary_by_duty": [(lbl, by_duty.get(v, 0)) for v, lbl in Duty.choices],
        **_visit_coverage(user, staff),
        "cases_found": found.count(),
        "cases_handled": CaseEvent.objects.filter(actor=user, action="resolve").count(),
        "avg_response_hours": round(sum(responded) / len(responded), 1) if responded else None,
    }


def grid_stats(grid: Grid) -> dict:
    """Diary counts by role and duty for everything under a grid (one GROUP BY each)."""
    qs = DiaryEntry.objects.filter(subtree_q("grid__path", grid.path))
    by_role = dict(qs.values_list("role").annotate(n=Count("pk")).order_by())
    by_duty = dict(qs.values_list("duty").annotate(n=Count("pk")).order_by())
    return {
        "diary_by_role": [(lbl, by_role.get(v, 0)) for v, lbl in FiveRole.choices],
        "diary_by_duty": [(lbl, by_duty.get(v, 0)) for v, lbl in Duty.choices],
        "cases_found": Case.objects.filter(
            subtree_q("grid__path", grid.path), channel=Channel.PATROL
        ).count(),
    }
