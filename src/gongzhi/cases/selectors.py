"""Permission-aware reads for cases and the inbox."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from gongzhi.core import clock
from gongzhi.core.access import staff_of

from .models import Case, CaseEvent, Notification, State, Supervision
from .workflow import FINAL_STATES, OPEN_STATES, allowed_actions  # noqa: F401 - re-exported

INBOXES = ("todo", "in_progress", "done", "overdue", "supervised", "follow_up")


def case_list_for(user, *, action: str = "view") -> QuerySet[Case]:
    return Case.objects.restrict(user, action).select_related("category", "grid")


def case_get_for(user, *, pk: int | None = None, number: str | None = None) -> Case:
    qs = case_list_for(user)
    return qs.get(pk=pk) if pk is not None else qs.get(number=number)


def case_timeline(case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor").prefetch_related("attachments")


def _mine(user) -> Q:
    staff = staff_of(user)
    if staff is None:
        return Q(pk__in=[])
    q = Q(assignee_staff=staff)
    if staff.room_id:
        q |= Q(assignee_room_id=staff.room_id)
    if staff.department_id:
        q |= Q(assignee_department_id=staff.department_id)
    return q


def case_inbox_for(user, inbox: str) -> QuerySet[Case]:
    """待办, 办理中, 已办, 超时, 督办, 待回访 — all inside the user's grid scope."""
    qs = case_list_for(user)
    if inbox == "todo":
        return qs.filter(
            Q(state__in=[State.REPORTED, State.ESCALATED, State.RESOLVED, State.VERIFIED])
            | (_mine(user) & Q(state__in=[State.DISPATCHED, State.SIGNED]))
        )
    if inbox == "in_progress":
        return qs.filter(_mine(user), state__in=OPEN_STATES)
    if inbox == "done":
        return qs.filter(state__in=FINAL_STATES)
    if inbox == "overdue":
        return qs.filter(overdue=True, state__in=OPEN_STATES)
    if inbox == "supervised":
        return qs.exclude(supervision=Supervision.NONE).filter(state__in=OPEN_STATES)
    if inbox == "follow_up":
        return qs.filter(state=State.CLOSED)
    raise ValueError(f"unknown inbox {inbox!r}")


def notification_list_for(user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).select_related("case")


def notification_unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_mark_read(user, *, ids=None) -> int:
    """A tiny write kept here with its reads: marking your own inbox needs no workflow."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=clock.now())
