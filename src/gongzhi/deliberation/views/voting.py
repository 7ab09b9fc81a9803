"""Staff pages for the household vote: create, record paper ballots, count."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core import clock
from gongzhi.core.paths import subtree_q
from gongzhi.people.selectors import household_list_for, label_buildings

from .. import services
from ..forms import PaperBallotForm, VoteForm
from ..models import Vote
from ..selectors import ballots_for, deliberation_list_for, vote_tally
from .common import form_page, may_change, post_action, require_change


@login_required
def vote_create_view(request, pk: int):
    delib = get_object_or_404(deliberation_list_for(request.user), pk=pk)
    require_change(request.user, delib.grid)
    form = VoteForm(request.POST or None)

    def save(data):
        vote = services.vote_create(deliberation=delib, by=request.user, **data)
        return reverse("deliberation:vote_detail", args=[vote.pk])

    return form_page(
        request,
        form,
        title=_("发起户表决"),
        back_url=reverse("deliberation:detail", args=[pk]),
        save=save,
        success=_("已发起表决"),
        intro=delib.title,
    )


def _vote_or_404(user, pk: int) -> Vote:
    return get_object_or_404(
        Vote.objects.restrict(user).select_related("deliberation__grid"), pk=pk
    )


def _labelled(ballots) -> list:
    ballots = list(ballots)
    label_buildings([b.household for b in ballots])
    return ballots


def _households(user, vote: Vote):
    # Only households this user may record for: their own subtree within the vote's grid.
    return (
        household_list_for(user, action="change")
        .filter(subtree_q("unit__path", vote.deliberation.grid.path))
        .order_by("unit__path", "house_number")
    )


@login_required
def vote_detail(request, pk: int):
    vote = _vote_or_404(request.user, pk)
    households = _households(request.user, vote)
    form = PaperBallotForm(request.POST or None, households=households)
    if request.method == "POST":

        def save(data):
            services.vote_record_paper(
                vote=vote,
                household=households.get(pk=data["household"]),
                by=request.user,
                choice=data["choice"],
            )
            return reverse("deliberation:vote_detail", args=[pk])

        return form_page(
            request,
            form,
            title=_("录入纸质票"),
            back_url=request.path,
            save=save,
            success=_("已录入纸质票"),
            intro=vote.question,
        )
    now = clock.now()
    context = {
        "vote": vote,
        "phase": vote.phase_at(now),
        "tally": vote_tally(vote),
        "ballots": _labelled(ballots_for(vote)),
        "form": form,
        "can_record": vote.accepts_ballots_at(now) and households.exists(),
        "can_close": not vote.is_closed
        and now >= vote.closes_at
        and may_change(request.user, vote.deliberation.grid),
        "public_url": reverse("deliberation:public_vote", args=[vote.public_token]),
    }
    return render(request, "deliberation/vote_detail.html", context)


@require_POST
@login_required
def vote_close_view(request, pk: int):
    vote = _vote_or_404(request.user, pk)
    require_change(request.user, vote.deliberation.grid)
    return post_action(
        request,
        lambda: services.vote_close(vote=vote, by=request.user),
        success=_("已计票,结果已公示且不可更改"),
        target=reverse("deliberation:vote_detail", args=[pk]),
    )
