"""Public pages (no login): vote results and the cost-sharing notice (公示).

Reached by an unguessable token; they show tallies and money, never a person's name, and
households only as unit plus masked house number."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.cache import cache_control

from gongzhi.core import clock

from ..models import WorkPhoto
from ..selectors import (
    cost_share_by_token,
    cost_share_totals,
    public_ledger,
    tasks_with_photos,
    vote_by_token,
    vote_tally,
)


@cache_control(public=True, max_age=60)
def public_vote(request, token: str):
    vote = vote_by_token(token)
    if vote is None:
        raise Http404
    # Before the count only the turnout is shown; a live yes/no split could sway the vote.
    tally = vote_tally(vote)
    context = {"vote": vote, "tally": tally, "phase": vote.phase_at(clock.now())}
    return render(request, "deliberation/public_vote.html", context)


@cache_control(public=True, max_age=60)
def public_notice(request, token: str):
    share = cost_share_by_token(token)
    if share is None:
        raise Http404
    delib = share.deliberation
    vote = getattr(delib, "vote", None)
    context = {
        "share": share,
        "d": delib,
        "vote": vote,
        "tally": vote_tally(vote) if vote and vote.is_closed else None,
        "totals": cost_share_totals(share),
        "ledger": public_ledger(share),
        "expenditures": share.expenditures.order_by("spent_on", "id"),
        "tasks": tasks_with_photos(delib),
    }
    return render(request, "deliberation/public_notice.html", context)


def public_photo(request, token: str, pk: int):
    share = cost_share_by_token(token)
    if share is None:
        raise Http404
    photo = WorkPhoto.objects.filter(pk=pk, task__deliberation_id=share.deliberation_id).first()
    if photo is None:
        raise Http404
    return FileResponse(photo.file.open("rb"), content_type=photo.content_type)
