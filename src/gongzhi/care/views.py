"""Care room pages: targets with filters, a target's plan, visits and help, the overdue list,
the calendar and the 台账 export. Thin: reads via selectors, writes via services."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.cases.consultations import consultation_list_for, may_convene
from gongzhi.core import clock
from gongzhi.core.access import can, require
from gongzhi.core.dbrouter import replica_reads
from gongzhi.core.forms import service_errors
from gongzhi.core.ledger import export_url, ledger_response
from gongzhi.core.roles import CARE
from gongzhi.people.models import Resident

from . import services as svc
from .exports import HEADERS, care_target_rows
from .forms import HelpForm, PlanForm, TargetFilterForm, VisitForm
from .models import CareAlert
from .selectors import (
    care_calendar,
    care_target_filter,
    care_target_get_for,
    care_targets_for,
    help_of,
    overdue_plans_for,
    plan_overdue,
    visits_of,
)

CALENDAR_DAYS = 28
PAGE_SIZE = 50

# step → (form, service call, success message)
STEPS = {
    "plan": (
        PlanForm,
        lambda by, r, cd: svc.visit_plan_create(by=by, resident=r, **cd),
        gettext_lazy("走访计划已保存"),
    ),
    "visit": (
        VisitForm,
        lambda by, r, cd: svc.visit_record(by=by, resident=r, **cd),
        gettext_lazy("走访已记录"),
    ),
    "help": (
        HelpForm,
        lambda by, r, cd: svc.help_record(by=by, resident=r, **cd),
        gettext_lazy("帮扶已记录"),
    ),
}


def _filtered(request):
    params = request.GET.copy()
    params.pop("page", None)
    form = TargetFilterForm(params or None, user=request.user)
    qs = care_targets_for(request.user)
    if form.is_bound and form.is_valid():
        qs = care_target_filter(qs, **form.cleaned_data)
    elif form.is_bound:
        qs = qs.none()  # a junk or foreign filter shows its error and no rows
    return form, qs, params


@login_required
def target_list(request):
    today = clock.today()
    form, qs, params = _filtered(request)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for r in page.object_list:
        r.plan = getattr(r, "care_plan", None)
        r.overdue = r.has_alert or plan_overdue(r.plan, today)
    context = {
        "page": page, "today": today, "form": form, "query": params.urlencode(),
        "export_url": export_url(request.user, "care:target_export", params),
    }  # fmt: skip
    return render(request, "care/target_list.html", context)


@login_required
@replica_reads()
def target_export(request):
    form, qs, params = _filtered(request)
    return ledger_response(
        by=request.user,
        title=_("关爱对象台账"),
        headers=HEADERS,
        rows=care_target_rows(qs),
        model=Resident,
        filters=params.urlencode(),
        request=request,
    )


def _target_or_404(user, pk: int) -> Resident:
    try:
        return care_target_get_for(user, pk)
    except Resident.DoesNotExist:
        raise Http404(_("关爱对象不存在或不在您的管辖范围内")) from None


def _form(cls, user, data=None):
    return cls(data, user=user) if cls is PlanForm else cls(data)


def _detail(request, resident: Resident, bound=None, status: int = 200):
    forms = {name: _form(cls, request.user) for name, (cls, _c, _m) in STEPS.items()}
    if bound:
        forms[bound[0]] = bound[1]
    plan = getattr(resident, "care_plan", None)
    if plan is not None and not bound:
        forms["plan"].initial = {"worker": plan.worker_id, "interval_days": plan.interval_days}
    alerts = list(
        CareAlert.objects.restrict(request.user)
        .filter(plan__resident=resident, resolved_at__isnull=True)
        .select_related("plan__resident__grid")
    )
    for alert in alerts:
        alert.can_convene = may_convene(request.user, care_alert=alert)
    context = {
        "resident": resident, "plan": plan, "forms": forms, "open_alerts": alerts,
        "consultations": consultation_list_for(request.user).filter(
            care_alert__plan__resident=resident
        ),
        "overdue": resident.has_alert or plan_overdue(plan),  # type: ignore[attr-defined]  # annotated
        "visits": visits_of(request.user, resident)[:50],
        "helps": help_of(request.user, resident)[:50],
        "can_act": can(request.user, CARE, resident.grid), "open_for_error": bound[0] if bound else "",
        "step_base": reverse("care:target_detail", args=[resident.pk]),
    }  # fmt: skip
    return render(request, "care/target_detail.html", context, status=status)


@login_required
def target_detail(request, pk: int):
    return _detail(request, _target_or_404(request.user, pk))


@require_POST
@login_required
def target_step(request, pk: int, step: str):
    resident = _target_or_404(request.user, pk)
    if step not in STEPS:
        raise Http404
    require(request.user, CARE, resident.grid)
    cls, call, done = STEPS[step]
    form = _form(cls, request.user, request.POST)
    if form.is_valid():
        with service_errors(form):
            call(request.user, resident, form.cleaned_data)
            messages.success(request, str(done))
            return redirect("care:target_detail", resident.pk)
    return _detail(request, resident, bound=(step, form), status=400)


@login_required
def overdue_list(request):
    page = Paginator(overdue_plans_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "care/overdue_list.html", {"page": page, "query": ""})


@login_required
def calendar(request):
    start = clock.today()
    entries = care_calendar(request.user, start=start, end=start + dt.timedelta(days=CALENDAR_DAYS))
    return render(request, "care/calendar.html", {"entries": entries, "start": start})
