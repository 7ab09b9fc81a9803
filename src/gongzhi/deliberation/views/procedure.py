"""Staff pages: proposals, deliberations and meetings."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core.dbrouter import replica_reads
from gongzhi.core.ledger import export_url, filtered_list, ledger_response
from gongzhi.core.paths import subtree_q
from gongzhi.people.selectors import household_list_for, label_buildings, resident_list_for

from .. import services
from ..forms import DeliberationForm, MeetingForm, MinutesForm, ProposalForm, SupportForm
from ..ledger import HEADERS, DeliberationFilterForm, deliberation_filter, deliberation_rows
from ..models import Deliberation, Meeting, ProposalStatus
from ..selectors import (
    body_list_for,
    deliberation_list_for,
    proposal_list_for,
    tasks_with_photos,
)
from ..workflow import TRANSITIONS
from .common import form_page, may_change, post_action, require_change

PAGE_SIZE = 30


@login_required
def deliberation_list(request):
    """The deliberations, which are also the 议事台账 (filters and export)."""
    form, qs, params = _deliberations(request)
    context = {
        "page": Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page")), "form": form,
        "query": params.urlencode(),
        "export_url": export_url(request.user, "deliberation:ledger_export", params),
    }  # fmt: skip
    return render(request, "deliberation/deliberation_list.html", context)


def _deliberations(request):
    qs = deliberation_list_for(request.user).order_by("-created_at", "-pk")
    return filtered_list(request, DeliberationFilterForm, qs, deliberation_filter)


@login_required
@replica_reads()
def ledger_export(request):
    form, qs, params = _deliberations(request)
    return ledger_response(
        by=request.user,
        title=_("议事台账"),
        headers=HEADERS,
        rows=deliberation_rows(qs),
        model=Deliberation,
        filters=params.urlencode(),
        request=request,
        form=form,
    )


@login_required
def proposal_list(request):
    qs = proposal_list_for(request.user).order_by("-created_at")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "deliberation/proposal_list.html", {"page": page, "query": ""})


@login_required
def proposal_create_view(request):
    form = ProposalForm(request.POST or None, user=request.user)

    def save(data):
        p = services.proposal_create(
            grid=data["grid"], title=data["title"], description=data["description"], by=request.user
        )
        return reverse("deliberation:proposal_detail", args=[p.pk])

    return form_page(
        request,
        form,
        title=_("提出议事提议"),
        back_url=reverse("deliberation:proposal_list"),
        save=save,
        success=_("已提交提议"),
    )


def _supporters_choices(user, proposal):
    return (
        resident_list_for(user)
        .filter(subtree_q("grid__path", proposal.grid.path))
        .select_related("household__unit")
        .order_by("grid__path", "household__house_number", "id")
    )


@login_required
def proposal_detail(request, pk: int):
    proposal = get_object_or_404(proposal_list_for(request.user), pk=pk)
    residents = _supporters_choices(request.user, proposal)
    form = SupportForm(request.POST or None, residents=residents)
    can_act = may_change(request.user, proposal.grid) and proposal.status == ProposalStatus.OPEN
    if request.method == "POST":
        require_change(request.user, proposal.grid)

        def save(data):
            resident = residents.get(pk=data["resident"])
            services.proposal_support(proposal=proposal, resident=resident, by=request.user)
            return reverse("deliberation:proposal_detail", args=[pk])

        return form_page(
            request,
            form,
            title=_("登记附议"),
            back_url=request.path,
            save=save,
            success=_("已登记附议"),
        )
    supports = proposal.supports.select_related("resident").order_by("created_at")
    context = {"proposal": proposal, "supports": supports, "form": form, "can_act": can_act}
    return render(request, "deliberation/proposal_detail.html", context)


@login_required
def deliberation_create_view(request):
    proposal = None
    if pid := request.GET.get("proposal"):
        proposal = get_object_or_404(proposal_list_for(request.user), pk=pid)
    initial = {}
    if proposal is not None:
        initial = {
            "grid": proposal.grid_id,
            "title": proposal.title,
            "description": proposal.description,
        }
    form = DeliberationForm(request.POST or None, user=request.user, initial=initial)

    def save(data):
        d = services.deliberation_open(
            by=request.user,
            grid=data["grid"],
            title=data["title"],
            description=data["description"],
            proposal=proposal,
            draft=data["draft"],
        )
        return reverse("deliberation:detail", args=[d.pk])

    return form_page(
        request,
        form,
        title=_("发起议事"),
        back_url=reverse("deliberation:list"),
        save=save,
        success=_("已发起议事"),
        intro=_("来源提议:%(t)s") % {"t": proposal.title} if proposal else "",
    )


@login_required
def deliberation_detail(request, pk: int):
    delib = get_object_or_404(deliberation_list_for(request.user), pk=pk)
    context = {
        "d": delib,
        "meetings": delib.meetings.order_by("scheduled_at"),
        "vote": getattr(delib, "vote", None),
        "share": getattr(delib, "cost_share", None),
        "tasks": tasks_with_photos(delib),
        "can_change": may_change(request.user, delib.grid),
        "actions": [a for (s, a) in TRANSITIONS if s == delib.status and a != "start_vote"],
    }
    return render(request, "deliberation/deliberation_detail.html", context)


@require_POST
@login_required
def deliberation_action(request, pk: int, action: str):
    delib = get_object_or_404(deliberation_list_for(request.user), pk=pk)
    require_change(request.user, delib.grid)
    do = {"publish": services.deliberation_publish, "close": services.deliberation_close}
    if action not in do:
        raise Http404
    return post_action(
        request,
        lambda: do[action](deliberation=delib, by=request.user),
        success=_("已更新议事状态"),
        target=reverse("deliberation:detail", args=[pk]),
    )


def _meeting_form(request, *, owner, back_url: str, **owner_kw):
    require_change(request.user, owner.grid)
    form = MeetingForm(request.POST or None)

    def save(data):
        m = services.meeting_schedule(by=request.user, **owner_kw, **data)
        return reverse("deliberation:meeting_detail", args=[m.pk])

    return form_page(
        request,
        form,
        title=_("安排会议"),
        back_url=back_url,
        save=save,
        success=_("已安排会议"),
        intro=str(owner),
    )


@login_required
def meeting_create_view(request, pk: int):
    delib = get_object_or_404(deliberation_list_for(request.user), pk=pk)
    back = reverse("deliberation:detail", args=[pk])
    return _meeting_form(request, owner=delib, back_url=back, deliberation=delib)


@login_required
def body_meeting_create_view(request, pk: int):
    body = get_object_or_404(body_list_for(request.user), pk=pk)
    back = reverse("deliberation:body_detail", args=[pk])
    return _meeting_form(request, owner=body, back_url=back, body=body)


def _meeting_households(user, meeting):
    return (
        household_list_for(user)
        .filter(subtree_q("unit__path", meeting.grid.path))
        .order_by("unit__path", "house_number")
    )


@login_required
def meeting_detail(request, pk: int):
    meeting = get_object_or_404(
        Meeting.objects.restrict(request.user).select_related("grid", "deliberation", "body"), pk=pk
    )
    households = _meeting_households(request.user, meeting)
    form = MinutesForm(request.POST or None, households=households)
    if request.method == "POST":
        require_change(request.user, meeting.grid)

        def save(data):
            chosen = list(households.filter(pk__in=data["households"]))
            services.meeting_record_minutes(
                meeting=meeting,
                by=request.user,
                minutes=data["minutes"],
                households=chosen,
                org_kinds=data["org_kinds"],
            )
            return reverse("deliberation:meeting_detail", args=[pk])

        return form_page(
            request,
            form,
            title=_("记录会议纪要"),
            back_url=request.path,
            save=save,
            success=_("已记录会议纪要"),
        )
    attendances = list(
        meeting.attendances.select_related("household__unit").order_by("org_kind", "id")
    )
    label_buildings([a.household for a in attendances if a.household_id])
    owner_url = (
        reverse("deliberation:detail", args=[meeting.deliberation_id])
        if meeting.deliberation_id
        else reverse("deliberation:body_detail", args=[meeting.body_id])
    )
    context = {
        "meeting": meeting, "attendances": attendances, "form": form, "owner_url": owner_url,
        "can_change": may_change(request.user, meeting.grid) and not meeting.held,
    }  # fmt: skip
    return render(request, "deliberation/meeting_detail.html", context)
