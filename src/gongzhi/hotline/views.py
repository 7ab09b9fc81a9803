"""Staff hotline intake (民情热线): the call log with pending calls, and the intake screen."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from gongzhi.core.access import require
from gongzhi.core.forms import service_errors
from gongzhi.core.roles import HOTLINE
from gongzhi.grids.selectors import map_bounds_for

from . import services as svc
from .forms import HotlineIntakeForm, HotlineStartForm
from .models import HotlineCall

LOG_SIZE = 50


def intake_url(call: HotlineCall) -> str:
    return reverse("portal_staff_hotline_call", args=[call.pk])


def _hotline_staff(request) -> None:
    require(request.user, HOTLINE)


@login_required
def index(request):
    """Pending calls (from the telephony API), a box for a call taken by hand, the log."""
    _hotline_staff(request)
    form = HotlineStartForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with service_errors(form):
                call = svc.hotline_call_start(by=request.user, **form.cleaned_data)
                return redirect("portal_staff_hotline_call", pk=call.pk)
        status = 400
    ctx = {
        "form": form,
        "pending": svc.pending_calls_for(request.user)[:50],
        "calls": svc.hotline_calls_for(request.user).exclude(status=HotlineCall.Status.PENDING)[
            :LOG_SIZE
        ],
    }
    return render(request, "hotline/hotline_index.html", ctx, status=status)


@login_required
def pending(request):
    """htmx partial, polled by the log page: the calls waiting to be picked up."""
    _hotline_staff(request)
    ctx = {"pending": svc.pending_calls_for(request.user)[:50]}
    return render(request, "hotline/_hotline_pending.html", ctx)


@login_required
def call(request, pk: int):
    """The intake screen, prefilled with the caller's number and registry matches."""
    _hotline_staff(request)
    row = get_object_or_404(svc.hotline_calls_for(request.user), pk=pk)
    residents = list(svc.caller_matches(request.user, row)[:10])
    form = HotlineIntakeForm(request.POST or None, user=request.user, residents=residents)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with service_errors(form, denied=True):
                row = svc.hotline_call_finish(by=request.user, call=row, **form.service_fields())
                if row.case is not None:
                    messages.success(request, _("已转为事件 %(n)s") % {"n": row.case.number})
                else:
                    messages.success(request, _("已记录当场解答"))
                return redirect("portal_staff_hotline")
        status = 400
    ctx = {
        "call": row,
        "form": form,
        "residents": residents,
        "bounds": map_bounds_for(request.user),
    }
    return render(request, "hotline/hotline_call.html", ctx, status=status)
