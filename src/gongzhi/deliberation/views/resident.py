"""The residents' portal pages: the public notices of one's own community, and the online
vote (一户一票) for the resident's own household.

Behind the portal's resident sign-in (not staff login). The notices page only links to the
public token pages, so it shows nothing those pages do not already show. The vote page is
for residents whose registry record (ResidentAccount.resident) belongs to a household the
vote covers; everyone else gets a Chinese message and no question, choices or form."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gongzhi.core import clock
from gongzhi.portal.auth import resident_required

from ..models import Ballot, Choice, Vote
from ..selectors import public_notices_for_unit
from ..services import vote_cast
from ..services.common import household_under


def _voting_household(account, vote: Vote):
    """The household this account may vote for in `vote`, or None."""
    resident = account.resident
    if resident is None:
        return None
    household = resident.household
    return household if household_under(household, vote.deliberation.grid) else None


@resident_required
def public_for_me(request):
    account = request.resident_account
    notices = public_notices_for_unit(account.unit)
    votable = {
        n.vote.pk
        for n in notices
        if n.vote_phase == "open" and _voting_household(account, n.vote) is not None
    }
    context = {"account": account, "notices": notices, "votable": votable}
    return render(request, "deliberation/public_for_me.html", context)


def _error_text(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return ";".join(m for ms in exc.message_dict.values() for m in ms)
    return ";".join(exc.messages)


@require_http_methods(["GET", "POST"])
@resident_required
def resident_vote(request, pk: int):
    account = request.resident_account
    vote = Vote.objects.select_related("deliberation__grid").filter(pk=pk).first()
    if vote is None:
        raise Http404
    household = _voting_household(account, vote)
    if household is None:
        # Not an eligible household: say so, show nothing of the vote, write nothing.
        if account.resident is None:
            reason = _("您的账号尚未关联到户籍登记信息,暂不能在网上投票。请联系社区工作人员。")
        else:
            reason = _("您所在的户不在本次表决范围内,不能参加投票。")
        return render(request, "deliberation/resident_vote.html", {"refused": reason}, status=403)
    error = ""
    if request.method == "POST":
        try:
            ballot = vote_cast(
                vote=vote,
                household=household,
                by_resident=account.resident,
                choice=request.POST.get("choice", ""),
            )
        except ValidationError as exc:
            error = _error_text(exc)
        else:
            messages.success(
                request, _("投票成功:本户当前选择为「%s」。") % ballot.get_choice_display()
            )
            return redirect("deliberation:resident_vote", pk=vote.pk)
        vote.refresh_from_db()
    now = clock.now()
    phase = vote.phase_at(now)
    mine = Ballot.objects.filter(vote=vote, household=household).first()
    context = {
        "vote": vote,
        "phase": phase,
        "can_vote": vote.accepts_ballots_at(now),
        "choices": Choice.choices,
        "ballot": mine,
        "household": household,
        "error": error,
    }
    return render(request, "deliberation/resident_vote.html", context, status=400 if error else 200)
