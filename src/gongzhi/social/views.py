"""Social-organisations pages. Thin: reads via selectors, writes via services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gongzhi.core.access import can
from gongzhi.core.dbrouter import replica_reads
from gongzhi.core.forms import service_errors
from gongzhi.core.ledger import export_url, filtered_list, ledger_response
from gongzhi.core.roles import SOCIAL_MANAGE

from . import services as svc
from .forms import ActivityForm, MemberForm, OrganisationForm
from .ledger import HEADERS, OrganisationFilterForm, organisation_filter, organisation_rows
from .models import Organisation
from .selectors import activity_list_for, organisation_list_for, volunteer_ranking


@login_required
def organisation_list(request):
    form = OrganisationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with service_errors(form, denied=True):
            svc.organisation_create(by=request.user, **form.cleaned_data)
            messages.success(request, _("已登记社会组织"))
            return redirect("social:organisation_list")
    filter_form, qs, params = _organisations(request)
    context = {
        "form": form, "filter_form": filter_form, "page": Paginator(qs, 50).get_page(
            request.GET.get("page")),
        "query": params.urlencode(),
        "export_url": export_url(request.user, "social:organisation_export", params),
    }  # fmt: skip
    return render(
        request, "social/organisation_list.html", context, status=400 if form.is_bound else 200
    )


def _organisations(request):
    qs = organisation_list_for(request.user).order_by("kind", "name", "pk")
    return filtered_list(request, OrganisationFilterForm, qs, organisation_filter)


@login_required
@replica_reads()
def organisation_export(request):
    form, qs, params = _organisations(request)
    return ledger_response(
        by=request.user,
        title=_("社会组织台账"),
        headers=HEADERS,
        rows=organisation_rows(qs),
        model=Organisation,
        filters=params.urlencode(),
        request=request,
        form=form,
    )


@login_required
def organisation_detail(request, pk: int):
    try:
        org = organisation_list_for(request.user).get(pk=pk)
    except Organisation.DoesNotExist:
        raise Http404(_("组织不存在或您无权查看")) from None
    post = request.POST if request.method == "POST" else None
    member_form = MemberForm(post if "add_member" in request.POST else None)
    activity_form = ActivityForm(post if "add_activity" in request.POST else None, organisation=org)
    for form, call, done in (
        (
            member_form,
            lambda cd: svc.member_add(by=request.user, organisation=org, **cd),
            _("已添加成员"),
        ),
        (
            activity_form,
            lambda cd: svc.activity_record(by=request.user, organisation=org, **cd),
            _("已登记活动"),
        ),
    ):
        if form.is_bound and form.is_valid():
            with service_errors(form, denied=True):
                call(form.cleaned_data)
                messages.success(request, done)
                return redirect("social:organisation_detail", org.pk)
    context = {
        "org": org,
        "members": org.members.all(),
        "activities": activity_list_for(request.user).filter(organisation=org)[:50],
        "ranking": volunteer_ranking(request.user, organisation=org, limit=10),
        "member_form": member_form,
        "activity_form": activity_form,
        "can_manage": can(request.user, SOCIAL_MANAGE, org.grid),
    }
    return render(
        request,
        "social/organisation_detail.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


@login_required
def ranking(request):
    return render(request, "social/ranking.html", {"ranking": volunteer_ranking(request.user)})
