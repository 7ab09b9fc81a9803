"""Police liaison pages: the overview, referrals, hazards, roster and patrols. Thin: reads via
selectors, writes via services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from gongzhi.cases.selectors import case_list_for
from gongzhi.core import clock
from gongzhi.core.dbrouter import replica_reads
from gongzhi.core.forms import service_errors
from gongzhi.core.ledger import export_url, filtered_list, ledger_response

from .. import forms as f
from .. import services as svc
from ..ledger import HEADERS, ReferralFilterForm, referral_filter, referral_rows
from ..models import PoliceReferral, SecurityHazard
from ..selectors import (
    hazard_get_for,
    hazard_list_for,
    patrol_list_for,
    referral_list_for,
    roster_for,
)

ROSTER_DAYS = 14


def _page(request, qs):
    return Paginator(qs, 50).get_page(request.GET.get("page"))


@login_required
def index(request):
    context = {
        "open_referrals": referral_list_for(request.user).exclude(status="closed").count(),
        "open_hazards": hazard_list_for(request.user).exclude(status="closed").count(),
        "roster": roster_for(request.user, start=clock.today(), days=1),
    }
    return render(request, "liaison/index.html", context)


# --- referrals ---------------------------------------------------------------------------------


@login_required
def referral_list(request):
    """The referrals list, which is also the 转公安台账 (filters and export)."""
    form, qs, params = _referrals(request)
    context = {
        "page": _page(request, qs), "form": form, "query": params.urlencode(),
        "export_url": export_url(request.user, "liaison:referral_export", params),
    }  # fmt: skip
    return render(request, "liaison/referral_list.html", context)


def _referrals(request):
    qs = referral_list_for(request.user).order_by("-sent_at", "-pk")
    return filtered_list(request, ReferralFilterForm, qs, referral_filter)


@login_required
@replica_reads()
def referral_export(request):
    form, qs, params = _referrals(request)
    return ledger_response(
        by=request.user,
        title=_("转公安台账"),
        headers=HEADERS,
        rows=referral_rows(qs),
        model=PoliceReferral,
        filters=params.urlencode(),
        request=request,
        form=form,
    )


@login_required
def referral_create(request):
    form = f.ReferralForm(request.POST or None, initial={"case": request.GET.get("case", "")})
    if request.method == "POST" and form.is_valid():
        case = case_list_for(request.user).filter(number=form.cleaned_data["case"].strip()).first()
        if case is None:
            form.add_error("case", _("事件不存在或您无权查看"))
        else:
            with service_errors(form, denied=True):
                svc.police_referral_send(
                    by=request.user,
                    case=case,
                    police_unit=form.cleaned_data["police_unit"],
                    reason=form.cleaned_data["reason"],
                )
                messages.success(request, _("已移送公安"))
                return redirect("liaison:referral_list")
    return render(
        request, "liaison/referral_form.html", {"form": form}, status=400 if form.is_bound else 200
    )


REFERRAL_STEPS = {
    "receive": (f.ReceiptForm, lambda by, r, cd: svc.police_referral_receive(
        by=by, referral=r, **cd), _("已登记回执")),
    "feedback": (f.FeedbackForm, lambda by, r, cd: svc.police_referral_feedback(
        by=by, referral=r, **cd), _("已登记反馈")),
    "close": (f.CloseForm, lambda by, r, cd: svc.police_referral_close(
        by=by, referral=r, **cd), _("已办结")),
}  # fmt: skip


def _referral_or_404(user, pk) -> PoliceReferral:
    try:
        return referral_list_for(user).get(pk=pk)
    except PoliceReferral.DoesNotExist:
        raise Http404(_("移送记录不存在或您无权查看")) from None


@login_required
def referral_detail(request, pk: int, step: str | None = None):
    referral = _referral_or_404(request.user, pk)
    forms = {name: cls() for name, (cls, _call, _msg) in REFERRAL_STEPS.items()}
    status = 200
    if request.method == "POST":
        if step not in REFERRAL_STEPS:
            raise Http404(_("未知的操作"))
        cls, call, done = REFERRAL_STEPS[step]
        form = forms[step] = cls(request.POST)
        if form.is_valid():
            with service_errors(form, denied=True):
                call(request.user, referral, form.cleaned_data)
                messages.success(request, done)
                return redirect("liaison:referral_detail", referral.pk)
        status = 400
    return render(
        request, "liaison/referral_detail.html", {"r": referral, "forms": forms}, status=status
    )


# --- hazards -----------------------------------------------------------------------------------


@login_required
def hazard_list(request):
    qs = hazard_list_for(request.user)
    status = request.GET.get("status", "")
    if status in SecurityHazard.Status.values:
        qs = qs.filter(status=status)
    return render(
        request,
        "liaison/hazard_list.html",
        {"page": _page(request, qs), "status": status, "statuses": SecurityHazard.Status.choices},
    )


@login_required
def hazard_create(request):
    form = f.HazardForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with service_errors(form, denied=True):
            svc.hazard_report(by=request.user, **form.cleaned_data)
            messages.success(request, _("已登记治安隐患"))
            return redirect("liaison:hazard_list")
    return render(
        request, "liaison/hazard_form.html", {"form": form}, status=400 if form.is_bound else 200
    )


@login_required
def hazard_detail(request, pk: int):
    try:
        hazard = hazard_get_for(request.user, pk)
    except SecurityHazard.DoesNotExist:
        raise Http404(_("隐患不存在或您无权查看")) from None
    form = f.HazardUpdateForm(request.POST or None, initial={"to_status": hazard.status})
    if request.method == "POST" and form.is_valid():
        with service_errors(form, denied=True):
            svc.hazard_update(by=request.user, hazard=hazard, **form.cleaned_data)
            messages.success(request, _("已更新隐患整改情况"))
            return redirect("liaison:hazard_detail", hazard.pk)
    return render(
        request,
        "liaison/hazard_detail.html",
        {"h": hazard, "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
def hazard_photo(request, pk: int):
    from django.http import FileResponse

    from ..models import HazardPhoto

    photo = get_object_or_404(HazardPhoto.objects.restrict(request.user), pk=pk)
    return FileResponse(photo.file.open("rb"), content_type=photo.content_type)


# --- roster and patrols ------------------------------------------------------------------------


@login_required
def roster(request):
    form = f.DutyForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with service_errors(form, denied=True):
            svc.duty_set(by=request.user, **form.cleaned_data)
            messages.success(request, _("已加入值班表"))
            return redirect("liaison:roster")
    context = {
        "form": form,
        "entries": roster_for(request.user, start=clock.today(), days=ROSTER_DAYS),
        "days": ROSTER_DAYS,
    }
    return render(request, "liaison/roster.html", context, status=400 if form.is_bound else 200)


@login_required
def patrols(request):
    form = f.PatrolForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with service_errors(form, denied=True):
            svc.patrol_record(by=request.user, **form.cleaned_data)
            messages.success(request, _("已登记联合巡逻"))
            return redirect("liaison:patrols")
    context = {"form": form, "page": _page(request, patrol_list_for(request.user))}
    return render(request, "liaison/patrols.html", context, status=400 if form.is_bound else 200)
