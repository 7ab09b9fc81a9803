"""The counselling room's calendar work: slots, cancelling appointments, appointment requests
(hall referrals and residents' own) and supervision grants. Thin: selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core.forms import service_errors

from .. import services as svc
from ..forms import DeclineForm, GrantForm, ScheduleForm, SlotForm
from ..models import CounselingSupervisor, CounselorSlot
from ..selectors import (
    appointment_list_for,
    appointment_request_list_for,
    counselors_for,
    free_slots,
    supervision_list_for,
)
from .sessions import calendar


@require_POST
@login_required
def slot_new(request):
    counselors = counselors_for(request.user)
    if not counselors.exists():
        raise PermissionDenied(_("您无权安排咨询时段"))
    form = SlotForm(request.POST, counselors=counselors)
    if form.is_valid():
        with service_errors(form):
            svc.slot_create(by=request.user, **form.cleaned_data)
            messages.success(request, _("已添加咨询时段"))
            return redirect("counseling:calendar")
    return calendar(request, slot_form=form, status=400)  # the form with its errors


@require_POST
@login_required
def slot_cancel(request, pk: int):
    slot = get_object_or_404(
        CounselorSlot.objects.filter(counselor__in=counselors_for(request.user)), pk=pk
    )
    with service_errors(request=request, denied=True):
        svc.slot_cancel(by=request.user, slot=slot)
        messages.success(request, _("已取消该时段"))
    return redirect("counseling:calendar")


@require_POST
@login_required
def appointment_cancel(request, pk: int):
    appointment = get_object_or_404(appointment_list_for(request.user), pk=pk)
    with service_errors(request=request, denied=True):
        svc.appointment_cancel(by=request.user, appointment=appointment)
        messages.success(request, _("已取消预约"))
    return redirect("counseling:calendar")


@login_required
def request_list(request, bound: tuple[int, object] | None = None, status: int = 200):
    requests = appointment_request_list_for(request.user)
    pending = list(requests.filter(status="pending")[:100])
    for r in pending:
        form = bound[1] if bound and bound[0] == r.pk else None
        r.schedule_form = form or ScheduleForm(slots=free_slots(r.center))  # type: ignore[attr-defined]  # for the page
    done = requests.exclude(status="pending").order_by("-created_at")[:50]
    context = {"pending": pending, "done": done, "decline_form": DeclineForm()}
    return render(request, "counseling/request_list.html", context, status=status)


def _request_or_404(user, pk: int):
    return get_object_or_404(appointment_request_list_for(user), pk=pk)


@require_POST
@login_required
def request_schedule(request, pk: int):
    req = _request_or_404(request.user, pk)
    form = ScheduleForm(request.POST, slots=free_slots(req.center))
    if form.is_valid():
        with service_errors(form):
            svc.appointment_request_schedule(by=request.user, request=req, **form.cleaned_data)
            messages.success(request, _("已安排咨询时段"))
            return redirect("counseling:request_list")
    return request_list(request, bound=(req.pk, form), status=400)


@require_POST
@login_required
def request_decline(request, pk: int):
    req = _request_or_404(request.user, pk)
    with service_errors(request=request) as refusal:
        svc.appointment_request_decline(
            by=request.user, request=req, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("已记录未安排原因"))
    if refusal.error:
        return request_list(request, status=400)
    return redirect("counseling:request_list")


@login_required
def supervision(request):
    counselors = counselors_for(request.user)
    if not counselors.exists():
        raise PermissionDenied(_("您无权管理督导授权"))
    form = GrantForm(request.POST or None, counselors=counselors)
    if request.method == "POST" and form.is_valid():
        with service_errors(form, denied=True):
            svc.supervisor_grant(by=request.user, **form.cleaned_data)
            messages.success(request, _("已授权督导"))
            return redirect("counseling:supervision")
    context = {"form": form, "grants": supervision_list_for(request.user)}
    return render(
        request, "counseling/supervision.html", context, status=400 if form.errors else 200
    )


@require_POST
@login_required
def supervision_revoke(request, pk: int):
    grant = get_object_or_404(
        CounselingSupervisor.objects.filter(pk__in=supervision_list_for(request.user).values("pk")),
        pk=pk,
    )
    with service_errors(request=request, denied=True):
        svc.supervisor_revoke(by=request.user, grant=grant)
        messages.success(request, _("已撤销督导授权"))
    return redirect("counseling:supervision")
