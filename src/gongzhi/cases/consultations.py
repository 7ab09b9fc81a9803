"""Joint consultation (会诊研判): open on any case, record minutes and a decision, follow-up tasks.

It never changes the case's state; each step appends a timeline event.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from gongzhi.core import clock
from gongzhi.core.access import grid_in_scope, role_of

from .models import Case, CaseEvent, Consultation, ConsultationTask
from .notify import notify_users
from .workflow import SUPERVISORS


def _require(by, case: Case) -> None:
    if role_of(by) not in SUPERVISORS or not grid_in_scope(by, case.grid):
        raise PermissionDenied("您无权组织该事件的会诊研判")


@transaction.atomic
def consultation_open(
    *, case: Case, by, topic: str, scheduled_at: dt.datetime, rooms=(), departments=()
) -> Consultation:
    _require(by, case)
    topic = (topic or "").strip()
    if not topic:
        raise ValidationError({"topic": "请填写会商议题"})
    if not rooms and not departments:
        raise ValidationError({"participants": "请至少选择一个参加的科室或部门"})
    c = Consultation.objects.create(case=case, opened_by=by, topic=topic, scheduled_at=scheduled_at)
    c.rooms.set(rooms)
    c.departments.set(departments)
    CaseEvent.objects.create(
        case=case, actor=by, action="consultation_open", comment=topic,
        data={"consultation": c.pk, "scheduled_at": scheduled_at.isoformat()},
    )  # fmt: skip
    staff_users = [s.user for r in rooms for s in r.staff.select_related("user")]
    staff_users += [s.user for d in departments for s in d.staff.select_related("user")]
    notify_users(staff_users, case=case, kind="consultation", title=f"会诊研判邀请:{topic}")
    return c


@transaction.atomic
def consultation_record(*, consultation: Consultation, by, minutes: str, decision: str):
    _require(by, consultation.case)
    if not (decision or "").strip():
        raise ValidationError({"decision": "请填写研判结论"})
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
        raise ValidationError({"title": "请填写任务内容"})
    task = ConsultationTask.objects.create(
        consultation=consultation, title=title.strip(), assignee=assignee, due_date=due_date
    )
    notify_users([assignee.user], case=consultation.case, kind="consultation_task", title=title)
    return task


@transaction.atomic
def consultation_task_done(*, task: ConsultationTask, by) -> ConsultationTask:
    if getattr(by, "staff", None) != task.assignee and role_of(by) not in SUPERVISORS:
        raise PermissionDenied("只有任务承办人或中心工作人员可以完成该任务")
    task.done_at = clock.now()
    task.save(update_fields=["done_at"])
    return task
