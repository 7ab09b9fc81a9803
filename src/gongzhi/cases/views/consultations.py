"""Joint consultation (会诊研判) pages: the calendar with my invitations, tasks and opinions
due, convening one on a case, a dispute or an alert, and the detail page with participants,
each department's opinion, minutes, decision and tasks. Thin: reads and writes go through
cases.consultations."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core import clock
from gongzhi.core.access import staff_of

from .. import consultations as svc
from ..consultation_forms import OpenForm, OpinionForm, RecordForm, TaskForm
from ..models import Case, Consultation, ConsultationTask
from ..selectors import case_get_for

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.db.models import QuerySet

    from gongzhi.core.forms import ServiceErrorsMixin
    from gongzhi.core.types import AnyUser, AuthedRequest


SPANS = {"week": 7, "month": 31}


def _consultation_or_404(user: AnyUser, pk: int) -> Consultation:
    try:
        return svc.consultation_get_for(user, pk)
    except Consultation.DoesNotExist:
        raise Http404(_("会诊研判不存在或您无权查看")) from None


@login_required
def consultation_calendar(request: AuthedRequest) -> HttpResponse:
    span = request.GET.get("span") or "week"
    span = span if span in SPANS else "week"
    now = clock.now()
    days = dt.timedelta(days=SPANS[span])
    qs = svc.consultation_list_for(request.user)
    upcoming = qs.filter(scheduled_at__gte=now, scheduled_at__lt=now + days)
    past = qs.filter(scheduled_at__lt=now, scheduled_at__gte=now - days).order_by("-scheduled_at")
    context = {
        "span": span,
        "upcoming": _by_day(upcoming),
        "past": _by_day(past),
        "pending": svc.consultation_pending_for(request.user),
        "tasks": svc.consultation_tasks_for(request.user)[:50],
        "awaiting": svc.consultations_awaiting_opinion(request.user)[:50],
        "today": clock.today(),
    }
    return render(request, "cases/consultation_calendar.html", context)


def _by_day(qs: QuerySet) -> list[tuple[dt.date, list[Consultation]]]:
    days: dict[dt.date, list[Consultation]] = {}
    for c in qs:
        days.setdefault(timezone.localdate(c.scheduled_at), []).append(c)
    return list(days.items())


# --- convening -------------------------------------------------------------------------------


def _subject_or_404(user: AnyUser, kind: str, ref: str) -> dict:
    """The case, dispute or alert named in the URL, looked up inside the user's scope."""
    if kind == "case":
        try:
            return {"case": case_get_for(user, number=ref)}
        except Case.DoesNotExist:
            raise Http404(_("事件不存在或您无权查看")) from None
    if not ref.isdigit() or len(ref) > 18:
        raise Http404
    if kind == "dispute":
        from gongzhi.mediation.models import Dispute

        found = Dispute.objects.restrict(user).select_related("center__grid").filter(pk=ref)
        key = "dispute"
    else:
        from gongzhi.care.models import CareAlert

        found = CareAlert.objects.restrict(user).select_related("plan__resident__grid")
        found, key = found.filter(pk=ref), "care_alert"
    obj = found.first()
    if obj is None:
        raise Http404(_("该事项不存在或您无权查看"))
    return {key: obj}


def subject_link(subject: dict) -> tuple[str, str]:
    """(label, url) of the thing a consultation is about."""
    if subject.get("case") is not None:
        case = subject["case"]
        return f"{case.number} {case.title}", reverse("cases:detail", args=[case.number])
    if subject.get("dispute") is not None:
        d = subject["dispute"]
        return f"{d.number} {d.title}", reverse("mediation:dispute_detail", args=[d.pk])
    alert = subject["care_alert"]
    resident = alert.plan.resident
    label = _("关爱对象%(name)s走访逾期预警(应走访 %(due)s)") % {
        "name": resident.masked_name,
        "due": f"{alert.due_on:%Y-%m-%d}",
    }
    return label, reverse("care:target_detail", args=[resident.pk])


def _default_topic(subject: dict) -> str:
    if subject.get("case") is not None:
        return subject["case"].title[:200]
    if subject.get("dispute") is not None:
        d = subject["dispute"]
        return f"{d.title}({d.number})"[:200]
    return _("关爱对象走访逾期预警研判")


@login_required
def consultation_new(request: AuthedRequest, ref: str, kind: str = "case") -> HttpResponse:
    subject = _subject_or_404(request.user, kind, ref)
    if not svc.may_convene(request.user, **subject):
        raise Http404(_("您无权就此组织会诊研判"))
    grid = svc.subject_grid(**subject)
    initial = {"topic": _default_topic(subject)}
    form = OpenForm(request.POST or None, grid=grid, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            c = svc.consultation_open(by=request.user, **subject, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("已发起会诊研判,邀请已发送"))
            return redirect("consultations:detail", c.pk)
    status = 400 if form.is_bound else 200
    label, url = subject_link(subject)
    context = {"form": form, "subject_label": label, "subject_url": url}
    return render(request, "cases/consultation_form.html", context, status=status)


# --- the detail page and its steps -----------------------------------------------------------


def _opinion_units(user: AnyUser, c: Consultation) -> list:
    if svc.may_organise(user, c):
        return [*c.departments.all(), *c.rooms.all()]
    return svc.speaks_for(user, c)


def _detail(
    request: AuthedRequest,
    c: Consultation,
    bound: tuple[str, ServiceErrorsMixin] | None = None,
    status: int = 200,
) -> HttpResponse:
    me = staff_of(request.user)
    participants = list(c.participants.select_related("staff", "room", "department"))
    organiser = svc.may_organise(request.user, c)
    opinion_units = [] if c.decided_at else _opinion_units(request.user, c)
    step_forms: dict[str, forms.BaseForm] = {
        "record": RecordForm(initial={"minutes": c.minutes, "decision": c.decision}),
        "task": TaskForm(consultation=c),
        "opinion": OpinionForm(consultation=c, units=opinion_units),
    }
    if bound:
        step_forms[bound[0]] = bound[1]
    opinions = {
        (o.department_id, o.room_id): o for o in c.opinions.select_related("department", "room")
    }
    units: list[dict[str, Any]] = [
        {
            "unit": d,
            "kind": _("部门"),
            "opinion": opinions.get((d.pk, None)),
            "officers": [s for s in d.staff.all() if s.active],
        }
        for d in c.departments.select_related("center").prefetch_related("staff")
    ] + [
        {"unit": r, "kind": _("科室"), "opinion": opinions.get((None, r.pk)), "officers": []}
        for r in c.rooms.select_related("center")
    ]
    tasks = list(c.tasks.select_related("assignee", "department").order_by("due_date", "pk"))
    for t in tasks:
        t.can_finish = t.done_at is None and svc.may_finish_task(request.user, t)  # type: ignore[attr-defined]  # for the template
    label, url = subject_link(_subject_values(c))
    context = {
        "c": c,
        "participants": participants,
        "mine": next((p for p in participants if me and p.staff_id == me.pk), None),
        "units": units,
        "tasks": tasks,
        "today": clock.today(),
        "forms": step_forms,
        "can_organise": organiser,
        "can_give_opinion": bool(opinion_units),
        "subject_label": label,
        "subject_url": url,
        "me": me,
    }
    return render(request, "cases/consultation_detail.html", context, status=status)


def _subject_values(c: Consultation) -> dict:
    return {"case": c.case, "dispute": c.dispute, "care_alert": c.care_alert}


@login_required
def consultation_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, _consultation_or_404(request.user, pk))


@require_POST
@login_required
def consultation_respond(request: AuthedRequest, pk: int) -> HttpResponse:
    c = _consultation_or_404(request.user, pk)
    me = staff_of(request.user)
    participant = c.participants.filter(staff=me).first() if me else None
    if participant is None:
        raise Http404(_("您不在该会诊研判的邀请名单中"))
    answer = request.POST.get("answer")
    if answer not in ("confirm", "decline"):
        messages.error(request, _("请选择参加或不能参加"))
        return redirect("consultations:detail", c.pk)
    svc.consultation_respond(participant=participant, by=request.user, confirm=answer == "confirm")
    confirmed = answer == "confirm"
    messages.success(request, _("已确认参加") if confirmed else _("已回复不能参加"))
    return redirect("consultations:detail", c.pk)


def _step(
    request: AuthedRequest,
    c: Consultation,
    name: str,
    form: ServiceErrorsMixin,
    write: Callable[[], object],
    done: str,
) -> HttpResponse:
    """Validate, call the service, and either go back to the page or show the errors (400)."""
    if form.is_valid():
        try:
            write()
        except ValidationError as exc:
            form.add_service_errors(exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, done)
            return redirect("consultations:detail", c.pk)
    return _detail(request, c, bound=(name, form), status=400)


@require_POST
@login_required
def consultation_record(request: AuthedRequest, pk: int) -> HttpResponse:
    c = _consultation_or_404(request.user, pk)
    if not svc.may_organise(request.user, c):
        raise Http404(_("您无权组织该会诊研判"))
    form = RecordForm(request.POST)
    return _step(
        request,
        c,
        "record",
        form,
        lambda: svc.consultation_record(consultation=c, by=request.user, **form.cleaned_data),
        _("已记录会议纪要和研判结论"),
    )


@require_POST
@login_required
def consultation_opinion(request: AuthedRequest, pk: int) -> HttpResponse:
    c = _consultation_or_404(request.user, pk)
    units = _opinion_units(request.user, c)
    if not units:
        raise Http404(_("您不能为本次会诊研判记录部门意见"))
    form = OpinionForm(request.POST, consultation=c, units=units)
    return _step(
        request,
        c,
        "opinion",
        form,
        lambda: svc.consultation_opinion_record(
            consultation=c, by=request.user, **form.service_kwargs()
        ),
        _("已记录部门意见"),
    )


@require_POST
@login_required
def consultation_task_add(request: AuthedRequest, pk: int) -> HttpResponse:
    c = _consultation_or_404(request.user, pk)
    if not svc.may_organise(request.user, c):
        raise Http404(_("您无权组织该会诊研判"))
    form = TaskForm(request.POST, consultation=c)
    return _step(
        request,
        c,
        "task",
        form,
        lambda: svc.consultation_task_add(consultation=c, by=request.user, **form.service_kwargs()),
        _("已将研判结论分解为任务"),
    )


@require_POST
@login_required
def consultation_task_done(request: AuthedRequest, pk: int, task_pk: int) -> HttpResponse:
    c = _consultation_or_404(request.user, pk)
    try:
        task = c.tasks.select_related("consultation").get(pk=task_pk)
    except ConsultationTask.DoesNotExist:
        raise Http404 from None
    try:
        svc.consultation_task_done(task=task, by=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("任务已完成"))
    return redirect("consultations:detail", c.pk)
