"""Joint consultation (会诊研判): a center convenes one on a case, a dispute or an alert,
invites its rooms and stationed departments (as units, whether or not their officers have
logins) and named staff, records each unit's opinion, the minutes and the decision, and turns
the decision into tasks with deadlines for any participant or department.

It never changes the case's state or the dispute's outcome; on a case each step appends a
timeline event, and a dispute or an alert shows its consultations on its own page.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import clock
from gongzhi.core.access import can, grid_in_scope, role_of, staff_of
from gongzhi.core.paths import ancestor_paths
from gongzhi.core.roles import CASE_SUPERVISE, MEDIATE
from gongzhi.core.text import clean_text
from gongzhi.grids.models import Grid
from gongzhi.org.models import Center, Department, Room, Staff

from .models import (
    Case,
    CaseEvent,
    Consultation,
    ConsultationOpinion,
    ConsultationParticipant,
    ConsultationTask,
)
from .notify import notify_users

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.contrib.auth.models import User
    from django.db.models import Manager

    from gongzhi.care.models import CareAlert
    from gongzhi.core.types import Actor, AnyUser
    from gongzhi.mediation.models import Dispute


# --- who may do what -------------------------------------------------------------------------


def subject_grid(
    *, case: Case | None = None, dispute: Dispute | None = None, care_alert: CareAlert | None = None
) -> Grid:
    """Where the case, dispute (its center) or alert (its resident) sits."""
    if case is not None:
        return case.grid
    if dispute is not None:
        return dispute.center.grid
    assert care_alert is not None  # callers pass exactly one subject
    return care_alert.plan.resident.grid


def may_convene(
    user: AnyUser,
    *,
    case: Case | None = None,
    dispute: Dispute | None = None,
    care_alert: CareAlert | None = None,
) -> bool:
    """The center's staff on anything in their area; a mediator on a high-risk dispute of
    their own center (人民调解 raises the alarm where it sits)."""
    grid = subject_grid(case=case, dispute=dispute, care_alert=care_alert)
    if can(user, CASE_SUPERVISE):
        return grid_in_scope(user, grid)
    if dispute is not None and can(user, MEDIATE, dispute.center.grid):
        from gongzhi.mediation.models import RiskGrade

        return dispute.risk_grade == RiskGrade.HIGH
    return False


def may_organise(user: AnyUser, consultation: Consultation) -> bool:
    """Who convened it, or the convening center's staff: they record minutes, the decision,
    opinions on a department's behalf, and tasks."""
    if consultation.opened_by_id == getattr(user, "pk", None) and role_of(user) is not None:
        return True
    center = consultation.center
    return can(user, CASE_SUPERVISE) and center is not None and grid_in_scope(user, center.grid)


def speaks_for(user: AnyUser, consultation: Consultation) -> list[Department | Room]:
    """The invited units the user belongs to (an officer speaks for their department)."""
    staff = staff_of(user)
    if staff is None or not staff.active:
        return []
    units: list[Department | Room] = []
    if staff.department and consultation.departments.filter(pk=staff.department.pk).exists():
        units.append(staff.department)
    if staff.room and consultation.rooms.filter(pk=staff.room.pk).exists():
        units.append(staff.room)
    return units


def _require_organise(by: Actor, consultation: Consultation) -> None:
    if not may_organise(by, consultation):
        raise PermissionDenied(_("您无权组织该会诊研判"))


# --- the units that may take part ------------------------------------------------------------


def centers_on_path(grid: Grid) -> QuerySet[Center]:
    """The centers whose area holds the grid: its own and those above it."""
    return Center.objects.filter(grid__path__in=ancestor_paths(grid.path, Grid.steplen))


def convening_center(by: Actor, grid: Grid) -> Center | None:
    """The organiser's own center when its area holds the subject, else the nearest above it."""
    staff = staff_of(by)
    if staff is not None and staff.center and grid.path.startswith(staff.center.grid.path):
        return staff.center
    return centers_on_path(grid).order_by("-grid__depth").first()


# --- writes ----------------------------------------------------------------------------------


@transaction.atomic
def consultation_open(
    *,
    by: Actor,
    topic: str,
    scheduled_at: dt.datetime,
    case: Case | None = None,
    dispute: Dispute | None = None,
    care_alert: CareAlert | None = None,
    rooms: Iterable[Room] = (),
    departments: Iterable[Department] = (),
    staff: Iterable[Staff] = (),
) -> Consultation:
    """Convene on exactly one of a case, a dispute or an alert. The chosen rooms and
    departments are invited as units; everyone working in them who can sign in, and the staff
    named, get a personal invitation to confirm."""
    subject = {"case": case, "dispute": dispute, "care_alert": care_alert}
    if sum(v is not None for v in subject.values()) != 1:
        raise ValidationError(_("会诊研判须针对一个事件、一起矛盾纠纷或一条预警"))
    if not may_convene(by, case=case, dispute=dispute, care_alert=care_alert):
        raise PermissionDenied(_("您无权就此组织会诊研判"))
    topic = clean_text(topic, field="topic", label=_("议题"), max_length=200)
    if not isinstance(scheduled_at, dt.datetime):
        raise ValidationError({"scheduled_at": _("请填写会商时间")})
    rooms, departments, staff = list(rooms), list(departments), list(staff)
    if not rooms and not departments and not staff:
        raise ValidationError({"participants": _("请至少选择一个参加的科室、部门或人员")})
    grid = subject_grid(case=case, dispute=dispute, care_alert=care_alert)
    centers = set(centers_on_path(grid).values_list("pk", flat=True))
    units: list[Room | Department] = [*rooms, *departments]
    if any(u.center_id not in centers for u in units) or any(
        s.center_id not in centers or not s.active for s in staff
    ):
        raise ValidationError({"participants": _("只能邀请本辖区综治中心的科室、入驻部门和人员")})
    c = Consultation.objects.create(
        center=convening_center(by, grid),
        opened_by=by,
        topic=topic,
        scheduled_at=scheduled_at,
        **subject,
    )
    c.rooms.set(rooms)
    c.departments.set(departments)
    if dispute is not None:  # the dispute's first consultation is the one its page names
        type(dispute).objects.filter(pk=dispute.pk, consultation__isnull=True).update(
            consultation=c
        )
    invited = _invite(c, rooms=rooms, departments=departments, staff=staff)
    _event(c, by, "consultation_open", topic, scheduled_at=scheduled_at.isoformat())
    when = timezone.localtime(scheduled_at)
    _notify(
        c,
        [p.staff.user for p in invited],
        kind="consultation",
        title=f"会诊研判邀请:{topic}",
        body=f"会商时间 {when:%Y-%m-%d %H:%M},请确认是否参加",
    )
    return c


def _invite(
    c: Consultation,
    *,
    rooms: Iterable[Room],
    departments: Iterable[Department],
    staff: Iterable[Staff],
) -> list[ConsultationParticipant]:
    # One row per person: someone in both a chosen room and department is invited once.
    # Officers without a login take part through their department (its opinion is recorded
    # for it), so only people who can sign in and confirm get a personal invitation.
    rows: dict[int, ConsultationParticipant] = {}
    for room in rooms:
        for s in _can_sign_in(room.staff):
            rows.setdefault(s.pk, ConsultationParticipant(consultation=c, staff=s, room=room))
    for dept in departments:
        for s in _can_sign_in(dept.staff):
            rows.setdefault(s.pk, ConsultationParticipant(consultation=c, staff=s, department=dept))
    for s in staff:
        rows.setdefault(
            s.pk,
            ConsultationParticipant(consultation=c, staff=s, room=s.room, department=s.department),
        )
    ConsultationParticipant.objects.bulk_create(rows.values())
    return list(rows.values())


def _can_sign_in(staff_qs: QuerySet[Staff] | Manager[Staff]) -> QuerySet[Staff]:
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX

    return (
        staff_qs.filter(active=True, user__is_active=True)
        .exclude(user__password__startswith=UNUSABLE_PASSWORD_PREFIX)
        .select_related("user")
    )


def _event(c: Consultation, by: Actor, action: str, comment: str, **data: Any) -> None:
    """A line on the case's timeline (disputes and alerts show their consultations instead)."""
    if c.case is not None:
        CaseEvent.objects.create(
            case=c.case,
            actor=by,
            action=action,
            comment=comment,
            data={"consultation": c.pk, **data},
        )


def _notify(
    c: Consultation, users: Iterable[User | int], *, kind: str, title: str, body: str = ""
) -> None:
    link = "" if c.case_id else reverse("consultations:detail", args=[c.pk])
    notify_users(users, case=c.case, kind=kind, title=title, body=body, link=link)


@transaction.atomic
def consultation_respond(
    *, participant: ConsultationParticipant, by: Actor, confirm: bool
) -> ConsultationParticipant:
    """The invited person confirms or declines; a decline tells the organiser."""
    me = staff_of(by)
    if me is None or me.pk != participant.staff_id:
        raise PermissionDenied(_("只有受邀人本人可以确认是否参加"))
    status = ConsultationParticipant.Status
    participant.status = status.CONFIRMED if confirm else status.DECLINED
    participant.responded_at = clock.now()
    participant.save(update_fields=["status", "responded_at"])
    c = participant.consultation
    if not confirm and c.opened_by_id:
        _notify(
            c,
            [c.opened_by_id],
            kind="consultation_declined",
            title=f"{participant.staff.name}不能参加会诊研判:{c.topic}",
        )
    return participant


def _locked_open(consultation: Consultation) -> Consultation:
    locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if locked.decided_at is not None:
        raise ValidationError(_("研判结论已形成,不能再补充部门意见"))
    return locked


@transaction.atomic
def consultation_opinion_record(
    *,
    consultation: Consultation,
    by: Actor,
    text: str,
    department: Department | None = None,
    room: Room | None = None,
    speaker: str = "",
) -> ConsultationOpinion:
    """One invited unit's opinion: given by its own officer, or written down for it by the
    organiser (who then names who spoke). A unit may revise its opinion until the decision."""
    if (department is None) == (room is None):
        raise ValidationError({"unit": _("请选择发表意见的部门或科室")})
    unit: Department | Room | None = department or room
    assert unit is not None  # exactly one was given (checked above)
    invited = consultation.departments if department is not None else consultation.rooms
    if not invited.filter(pk=unit.pk).exists():
        raise ValidationError({"unit": _("该部门或科室未受邀参加本次会诊研判")})
    own = any(type(u) is type(unit) and u.pk == unit.pk for u in speaks_for(by, consultation))
    if not own and not may_organise(by, consultation):
        raise PermissionDenied(_("只有该部门的人员或会诊组织者可以记录其意见"))
    text = clean_text(text, field="text", label=_("意见"), max_length=4000)
    speaker = clean_text(
        speaker, field="speaker", label=_("发表意见人"), max_length=50, required=False
    )
    if not speaker:
        if not own:
            raise ValidationError({"speaker": _("代为记录时请填写发表意见人")})
        me = staff_of(by)
        assert me is not None  # `own`: the user speaks for an invited unit
        speaker = f"{me.name}({me.title})" if me.title else me.name
        speaker = speaker[:50]
    c = _locked_open(consultation)
    lookup = {"department": department} if department is not None else {"room": room}
    opinion, _created = ConsultationOpinion.objects.update_or_create(
        consultation=c,
        **lookup,
        defaults={"speaker": speaker, "text": text, "recorded_by": by, "recorded_at": clock.now()},
    )
    _event(c, by, "consultation_opinion", f"{unit.name}({speaker}):{text}")
    return opinion


@transaction.atomic
def consultation_record(
    *, consultation: Consultation, by: Actor, minutes: str, decision: str
) -> Consultation:
    """Minutes and decision. The decision goes back where the consultation came from: the
    case's timeline, and a notice to the participants and the dispute's mediators."""
    _require_organise(by, consultation)
    decision = clean_text(decision, field="decision", label=_("研判结论"), max_length=4000)
    minutes = clean_text(
        minutes, field="minutes", label=_("会议纪要"), max_length=10000, required=False
    )
    c = Consultation.objects.select_for_update().get(pk=consultation.pk)
    c.minutes, c.decision = minutes, decision
    c.decided_at = c.decided_at or clock.now()
    c.save(update_fields=["minutes", "decision", "decided_at"])
    consultation.minutes, consultation.decision, consultation.decided_at = (
        c.minutes,
        c.decision,
        c.decided_at,
    )
    _event(c, by, "consultation_decide", decision)
    users: list[int] = [p.staff.user_id for p in c.participants.select_related("staff")]
    if c.dispute is not None:
        users += [
            m.staff.user_id
            for m in c.dispute.mediators.filter(staff__isnull=False)
            if m.staff is not None
        ]
    users = [u for u in users if u != getattr(by, "pk", None)]
    _notify(c, users, kind="consultation_decided", title=f"会诊研判结论:{c.topic}", body=decision)
    return consultation


def task_assignees(consultation: Consultation) -> QuerySet[Staff]:
    """Who can be given a task: anyone invited (personally or through their unit) and the
    convening center's staff, active."""
    c = consultation
    return Staff.objects.filter(
        Q(pk__in=c.participants.values("staff_id"))
        | Q(department__in=c.departments.all())
        | Q(room__in=c.rooms.all())
        | Q(center=c.center_id),
        active=True,
    ).distinct()


@transaction.atomic
def consultation_task_add(
    *,
    consultation: Consultation,
    by: Actor,
    title: str,
    due_date: dt.date,
    assignee: Staff | None = None,
    department: Department | None = None,
) -> ConsultationTask:
    """A task for a person (a participant, an invited unit's officer or the center's staff,
    or anyone who works on the subject) or for a whole invited department."""
    _require_organise(by, consultation)
    title = clean_text(title, field="title", label=_("任务内容"), max_length=200)
    if (assignee is None) == (department is None):
        raise ValidationError({"assignee": _("请选择承办人或承办部门")})
    if due_date is None:
        raise ValidationError({"due_date": _("请填写完成期限")})
    if department is not None:
        if not consultation.departments.filter(pk=department.pk).exists():
            raise ValidationError({"assignee": _("承办部门须是受邀参加的部门")})
        users = [s.user for s in _can_sign_in(department.staff)]
    else:
        assert assignee is not None  # exactly one was given (checked above)
        allowed = task_assignees(consultation).filter(pk=assignee.pk).exists()
        if not allowed and not consultation_list_for(assignee.user).filter(pk=consultation.pk):
            raise ValidationError({"assignee": _("承办人须是参加人员或能办理该事项的工作人员")})
        users = [assignee.user]
    task = ConsultationTask.objects.create(
        consultation=consultation,
        title=title,
        assignee=assignee,
        department=department,
        due_date=due_date,
    )
    _event(consultation, by, "consultation_task", f"{task.assignee_label}:{title}")
    _notify(
        consultation,
        users,
        kind="consultation_task",
        title=title,
        body=f"完成期限 {due_date:%Y-%m-%d}",
    )
    return task


def may_finish_task(user: AnyUser, task: ConsultationTask) -> bool:
    staff = staff_of(user)
    if staff is not None and staff.active:
        if task.assignee_id == staff.pk:
            return True
        if task.department_id and staff.department_id == task.department_id:
            return True
    return may_organise(user, task.consultation)


@transaction.atomic
def consultation_task_done(*, task: ConsultationTask, by: Actor) -> ConsultationTask:
    if not may_finish_task(by, task):
        raise PermissionDenied(_("只有任务承办人、承办部门或会诊组织者可以完成该任务"))
    locked = ConsultationTask.objects.select_for_update().get(pk=task.pk)
    if locked.done_at is not None:
        raise ValidationError(_("该任务已完成"))
    locked.done_at, locked.done_by = clock.now(), by
    locked.save(update_fields=["done_at", "done_by"])
    task.done_at, task.done_by = locked.done_at, by
    _event(task.consultation, by, "consultation_task_done", task.title)
    return task


# --- reads: a consultation is visible in the convening center's area and to those who see its
# case or its alert's resident ------------------------------------------------------------------


def consultation_list_for(user: AnyUser) -> QuerySet[Consultation]:
    return (
        Consultation.objects.restrict(user)
        .select_related("case", "dispute", "care_alert__plan__resident", "center", "opened_by")
        .order_by("scheduled_at", "pk")
    )


def consultation_get_for(user: AnyUser, pk: int) -> Consultation:
    return consultation_list_for(user).get(pk=pk)


def consultation_pending_for(user: AnyUser) -> QuerySet[ConsultationParticipant]:
    """Invitations the user has not answered yet, in their scope."""
    staff = staff_of(user)
    if staff is None:
        return ConsultationParticipant.objects.none()
    return (
        ConsultationParticipant.objects.filter(
            Q(staff=staff),
            status=ConsultationParticipant.Status.INVITED,
            consultation__in=consultation_list_for(user).values("pk"),
        )
        .select_related("consultation")
        .order_by("consultation__scheduled_at")
    )


def consultation_tasks_for(user: AnyUser) -> QuerySet[ConsultationTask]:
    """Open tasks for the user or their department, soonest deadline first."""
    staff = staff_of(user)
    if staff is None:
        return ConsultationTask.objects.none()
    mine = Q(assignee=staff)
    if staff.department_id:
        mine |= Q(department=staff.department_id)
    return (
        ConsultationTask.objects.filter(mine, done_at__isnull=True)
        .filter(consultation__in=consultation_list_for(user).values("pk"))
        .select_related("consultation", "assignee", "department")
        .order_by("due_date", "pk")
    )


def consultations_awaiting_opinion(user: AnyUser) -> QuerySet[Consultation]:
    """Undecided consultations that invited the user's department with no opinion from it."""
    staff = staff_of(user)
    if staff is None or not staff.department_id:
        return Consultation.objects.none()
    return (
        consultation_list_for(user)
        .filter(departments=staff.department_id, decided_at__isnull=True)
        .exclude(opinions__department=staff.department_id)
    )
