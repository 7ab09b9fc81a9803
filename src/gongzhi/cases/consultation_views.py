"""Joint consultation (会诊研判) pages: the calendar, opening one on a case, the detail page with
participants' confirmations, minutes and decision, and the decision tasks. Thin: reads and
writes go through cases.consultations."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.core import clock
from gongzhi.core.access import can, staff_of
from gongzhi.core.forms import BaseForm, service_errors
from gongzhi.core.roles import CASE_SUPERVISE
from gongzhi.grids.models import Grid
from gongzhi.org.models import Department, Room, Staff

from . import consultations as svc
from .models import Case, Consultation, ConsultationTask
from .selectors import case_get_for

DATETIME_LOCAL = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
SPANS = {"week": 7, "month": 31}


def _center_paths(case: Case) -> list[str]:
    """The case's grid and its ancestors: the centers that may take part sit on one of them."""
    path = case.grid.path
    return [path[:i] for i in range(Grid.steplen, len(path) + 1, Grid.steplen)]


class OpenForm(BaseForm):
    topic = forms.CharField(label=gettext_lazy("议题"), max_length=200)
    scheduled_at = forms.DateTimeField(
        label=gettext_lazy("会商时间"), input_formats=DATETIME_LOCAL,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL[0]),
        error_messages={
            "required": gettext_lazy("请填写会商时间"),
            "invalid": gettext_lazy("会商时间格式不正确,请按 2030-03-04 09:00 的格式填写"),
        },
    )  # fmt: skip
    rooms = forms.ModelMultipleChoiceField(
        label=gettext_lazy("参加科室"), queryset=Room.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    departments = forms.ModelMultipleChoiceField(
        label=gettext_lazy("参加部门"), queryset=Department.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    staff = forms.ModelMultipleChoiceField(
        label=gettext_lazy("另邀请人员"), queryset=Staff.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )  # fmt: skip

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        paths = _center_paths(case)
        self.fields["rooms"].queryset = Room.objects.filter(center__grid__path__in=paths)
        self.fields["departments"].queryset = Department.objects.filter(
            center__grid__path__in=paths
        )
        self.fields["staff"].queryset = Staff.objects.filter(
            center__grid__path__in=paths, active=True
        ).order_by("name")

    def clean(self):
        data = super().clean()
        if not (data.get("rooms") or data.get("departments") or data.get("staff")):
            raise ValidationError(_("请至少选择一个参加的科室、部门或人员"))
        return data


class RecordForm(BaseForm):
    minutes = forms.CharField(
        label=gettext_lazy("会议纪要"), required=False, max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )  # fmt: skip
    decision = forms.CharField(
        label=gettext_lazy("研判结论"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("请填写研判结论")},
    )  # fmt: skip


class TaskForm(BaseForm):
    title = forms.CharField(label=gettext_lazy("任务"), max_length=200)
    assignee = forms.ModelChoiceField(
        label=gettext_lazy("承办人"), queryset=Staff.objects.none(),
        error_messages={"required": gettext_lazy("请选择承办人")},
    )  # fmt: skip
    due_date = forms.DateField(
        label=gettext_lazy("完成期限"), widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": gettext_lazy("请填写完成期限"),
            "invalid": gettext_lazy("完成期限格式不正确,请按 2030-03-10 的格式填写"),
        },
    )  # fmt: skip

    def __init__(self, *args, consultation: Consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = Staff.objects.filter(
            center__grid__path__in=_center_paths(consultation.case), active=True
        ).order_by("name")

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due < clock.today():
            raise ValidationError(_("完成期限不能早于今天"))
        return due


def _consultation_or_404(user, pk: int) -> Consultation:
    try:
        return svc.consultation_get_for(user, pk)
    except Consultation.DoesNotExist:
        raise Http404(_("会诊研判不存在或您无权查看")) from None


def _may_organise(user, consultation: Consultation) -> bool:
    return can(user, CASE_SUPERVISE, consultation.case.grid)


@login_required
def consultation_calendar(request):
    span = request.GET.get("span") if request.GET.get("span") in SPANS else "week"
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
    }
    return render(request, "cases/consultation_calendar.html", context)


def _by_day(qs) -> list[tuple[dt.date, list[Consultation]]]:
    days: dict[dt.date, list[Consultation]] = {}
    for c in qs:
        days.setdefault(timezone.localdate(c.scheduled_at), []).append(c)
    return list(days.items())


@login_required
def consultation_new(request, ref: str):
    try:
        case = case_get_for(request.user, number=ref)
    except Case.DoesNotExist:
        raise Http404(_("事件不存在或您无权查看")) from None
    if not can(request.user, CASE_SUPERVISE):
        raise Http404(_("您无权组织该事件的会诊研判"))
    form = OpenForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            c = svc.consultation_open(case=case, by=request.user, **form.cleaned_data)
            messages.success(request, _("已发起会诊研判,邀请已发送"))
            return redirect("consultations:detail", c.pk)
    status = 400 if form.is_bound else 200
    context = {"form": form, "case": case}
    return render(request, "cases/consultation_form.html", context, status=status)


def _detail(request, c: Consultation, bound: tuple[str, forms.Form] | None = None, status=200):
    me = staff_of(request.user)
    participants = list(c.participants.select_related("staff", "room", "department"))
    step_forms = {
        "record": RecordForm(initial={"minutes": c.minutes, "decision": c.decision}),
        "task": TaskForm(consultation=c),
    }
    if bound:
        step_forms[bound[0]] = bound[1]
    context = {
        "c": c,
        "participants": participants,
        "mine": next((p for p in participants if me and p.staff_id == me.pk), None),
        "tasks": c.tasks.select_related("assignee").order_by("due_date", "pk"),
        "forms": step_forms,
        "can_organise": _may_organise(request.user, c),
        "me": me,
    }
    return render(request, "cases/consultation_detail.html", context, status=status)


@login_required
def consultation_detail(request, pk: int):
    return _detail(request, _consultation_or_404(request.user, pk))


@require_POST
@login_required
def consultation_respond(request, pk: int):
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


@require_POST
@login_required
def consultation_record(request, pk: int):
    c = _consultation_or_404(request.user, pk)
    form = RecordForm(request.POST)
    if form.is_valid():
        with service_errors(form):
            svc.consultation_record(consultation=c, by=request.user, **form.cleaned_data)
            messages.success(request, _("已记录会议纪要和研判结论"))
            return redirect("consultations:detail", c.pk)
    return _detail(request, c, bound=("record", form), status=400)


@require_POST
@login_required
def consultation_task_add(request, pk: int):
    c = _consultation_or_404(request.user, pk)
    form = TaskForm(request.POST, consultation=c)
    if form.is_valid():
        with service_errors(form):
            svc.consultation_task_add(consultation=c, by=request.user, **form.cleaned_data)
            messages.success(request, _("已将研判结论分解为任务"))
            return redirect("consultations:detail", c.pk)
    return _detail(request, c, bound=("task", form), status=400)


@require_POST
@login_required
def consultation_task_done(request, pk: int, task_pk: int):
    c = _consultation_or_404(request.user, pk)
    try:
        task = c.tasks.get(pk=task_pk)
    except ConsultationTask.DoesNotExist:
        raise Http404 from None
    svc.consultation_task_done(task=task, by=request.user)
    messages.success(request, _("任务已完成"))
    return redirect("consultations:detail", c.pk)
