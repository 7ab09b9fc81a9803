"""Joint consultation (会诊研判): open on any case, invite participants who confirm or decline,
record minutes and a decision, and turn decisions into follow-up tasks.

It never changes the case's state; each step appends a timeline event.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import clock
from gongzhi.core.access import can, require, staff_of
from gongzhi.core.roles import CASE_SUPERVISE

from .models import Case, CaseEvent, Consultation, ConsultationParticipant, ConsultationTask
from .notify import notify_users


def _require(by, case: Case) -> None:
    require(by, CASE_SUPERVISE, case.grid, _("您无权组织该事件的会诊研判"))


@transaction.atomic
def consultation_open(
    *, case: Case, by, topic: str, scheduled_at: dt.datetime, rooms=(), departments=(),
    staff=(),
) -> Consultation:  # fmt: skip
    """Everyone working in the chosen rooms and departments is invited, plus any staff named."""
    _require(by, case)
    topic = (topic or "").strip()
    if not topic:
        raise ValidationError({"topic": _("请填写会商议题")})
    if not rooms and not departments and not staff:
        raise ValidationError({"participants": _("请至少选择一个参加的科室、部门或人员")})
    c = Consultation.objects.create(case=case, opened_by=by, topic=topic, scheduled_at=scheduled_at)
    c.rooms.set(rooms)
    c.departments.set(departments)
    invited = _invite(c, rooms=rooms, departments=departments, staff=staff)
    CaseEvent.objects.create(
        case=case, actor=by, action="consultation_open", comment=topic,
        data={"consultation": c.pk, "scheduled_at": scheduled_at.isoformat()},
    )  # fmt: skip
    when = timezone.localtime(scheduled_at)
    notify_users(
        [p.staff.user for p in invited], case=case, kind="consultation",
        title=f"会诊研判邀请:{topic}", body=f"会商时间 {when:%Y-%m-%d %H:%M},请确认是否参加",
    )  # fmt: skip
    return c


def _invite(c: Consultation, *, rooms, departments, staff) -> list[ConsultationParticipant]:
    # One row per person: someone in both a chosen room and department is invited once.
    rows: dict[int, ConsultationParticipant] = {}
    for room in rooms:
        for s in room.staff.filter(active=True).select_related("user"):
            rows.setdefault(s.pk, ConsultationParticipant(consultation=c, staff=s, room=room))
    for dept in departments:
        for s in dept.staff.filter(active=True).select_related("user"):
            rows.setdefault(s.pk, ConsultationParticipant(consultation=c, staff=s, department=dept))
    for s in staff:
        rows.setdefault(
            s.pk,
            ConsultationParticipant(consultation=c, staff=s, room=s.room, department=s.department),
        )
    ConsultationParticipant.objects.bulk_create(rows.values())
    return list(rows.values())


@transaction.atomic
def consultation_respond(
    *, participant: ConsultationParticipant, by, confirm: bool
) -> ConsultationParticipant:
    """The invited person confirms or declines; a decline tells the organiser."""
    if staff_of(by) is None or staff_of(by).pk != participant.staff_id:
        raise PermissionDenied(_("只有受邀人本人可以确认是否参加"))
    status = ConsultationParticipant.Status
    participant.status = status.CONFIRMED if confirm else status.DECLINED
    participant.responded_at = clock.now()
    participant.save(update_fields=["status", "responded_at"])
    c = participant.consultation
    if not confirm and c.opened_by_id:
        notify_users(
            [c.opened_by_id], case=c.case, kind="consultation_declined",
            title=f"{participant.staff.name}不能参加会诊研判:{c.topic}",
        )  # fmt: skip
    return participant


@transaction.atomic
def consultation_record(*, consultation: Consultation, by, minutes: str, decision: str):
    _require(by, consultation.case)
    if not (decision or "").strip():
        raise ValidationError({"decision": _("请填写研判结论")})
    consultation.minutes, consultation.decision = minutes or "", decision.strip()
    consultation.save(update_fields=["minutes", "decision"])
    CaseEvent.objects.create(
        case=consultation.case, actor=by, action="consultation_decide", comment=decision,
        data={"consultation": consultation.pk},
    )  # fmt: skip
    return consultation


@transaction.atomic
def consultation_task_add(
    *, consultation: Consultation, by, title: str, assignee, due_date: dt.date
) -> ConsultationTask:
    _require(by, consultation.case)
    if not (title or "").strip():
        raise ValidationError({"title": _("请填写任务内容")})
    if assignee is None:
        raise ValidationError({"assignee": _("请选择承办人")})
    if due_date is None:
        raise ValidationError({"due_date": _("请填写完成期限")})
    task = ConsultationTask.objects.create(
        consultation=consultation, title=title.strip(), assignee=assignee, due_date=due_date
    )
    notify_users([assignee.user], case=consultation.case, kind="consultation_task", title=title)
    return task


@transaction.atomic
def consultation_task_done(*, task: ConsultationTask, by) -> ConsultationTask:
    if getattr(by, "staff", None) != task.assignee and not can(by, CASE_SUPERVISE):
        raise PermissionDenied(_("只有任务承办人或中心工作人员可以完成该任务"))
    task.done_at = clock.now()
    task.save(update_fields=["done_at"])
    return task


# Reads: a consultation is visible exactly where its case is.


def consultation_list_for(user) -> QuerySet[Consultation]:
    return (
        Consultation.objects.filter(case__in=Case.objects.restrict(user).values("pk"))
        .select_related("case", "opened_by")
        .order_by("scheduled_at", "pk")
    )


def consultation_get_for(user, pk: int) -> Consultation:
    return consultation_list_for(user).get(pk=pk)


def consultation_pending_for(user) -> QuerySet[ConsultationParticipant]:
    """Invitations the user has not answered yet, in their scope."""
    staff = staff_of(user)
    if staff is None:
        return ConsultationParticipant.objects.none()
    return (
        ConsultationParticipant.objects.filter(
            Q(staff=staff), status=ConsultationParticipant.Status.INVITED,
            consultation__in=consultation_list_for(user).values("pk"),
        )
        .select_related("consultation")
        .order_by("consultation__scheduled_at")
    )  # fmt: skip
