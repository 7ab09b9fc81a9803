"""Writes for the household vote: create, cast online, record paper ballots, close and freeze.

Every ballot write locks the vote row first, so a cast and the close never interleave: a
ballot is either in the frozen tally or refused.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from gongzhi.core import clock
from gongzhi.core.numbers import decimal_places
from gongzhi.people.models import Household, Resident

from ..models import Ballot, BallotChange, Channel, Choice, DeliberationStatus, ThresholdBase, Vote
from .common import clean_text, household_under, households_under, require_staff_in
from .procedure import deliberation_move, locked_deliberation

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from gongzhi.core.types import Actor
    from gongzhi.deliberation.models import Deliberation


def _clean_pct(value: Any, *, field: str, label: StrOrPromise) -> Decimal:
    try:
        pct = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError(
            {field: _("%(label)s必须是 0 到 100 之间的数字") % {"label": label}}
        ) from None
    if not pct.is_finite() or not 0 <= pct <= 100:
        raise ValidationError({field: _("%(label)s必须是 0 到 100 之间的数字") % {"label": label}})
    if decimal_places(pct) > 2:
        raise ValidationError({field: _("%(label)s最多保留两位小数") % {"label": label}})
    return pct


@transaction.atomic
def vote_create(
    *,
    deliberation: Deliberation,
    by: Actor,
    question: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    quorum_pct: Any,
    threshold_pct: Any,
    threshold_base: str = ThresholdBase.CAST,
    threshold_inclusive: bool = False,
) -> Vote:
    locked = locked_deliberation(deliberation)
    require_staff_in(by, locked.grid)
    question = clean_text(question, field="question", label=_("表决事项"), max_length=300)
    quorum = _clean_pct(quorum_pct, field="quorum_pct", label=_("参与率要求"))
    threshold = _clean_pct(threshold_pct, field="threshold_pct", label=_("通过比例"))
    if threshold_base not in ThresholdBase.values:
        raise ValidationError({"threshold_base": _("请选择通过比例的计算基数")})
    if not isinstance(opens_at, dt.datetime) or not isinstance(closes_at, dt.datetime):
        raise ValidationError({"closes_at": _("请填写投票开始和截止时间")})
    if closes_at <= opens_at:
        raise ValidationError({"closes_at": _("截止时间必须晚于开始时间")})
    if closes_at <= clock.now():
        raise ValidationError({"closes_at": _("截止时间必须晚于现在")})
    deliberation_move(locked, "start_vote")
    deliberation.status = locked.status
    vote = Vote.objects.create(
        deliberation=locked,
        question=question,
        opens_at=opens_at,
        closes_at=closes_at,
        quorum_pct=quorum,
        threshold_pct=threshold,
        threshold_base=threshold_base,
        threshold_inclusive=bool(threshold_inclusive),
        created_by=by,
    )
    from ..tasks import vote_count_at_close

    vote_count_at_close.using(run_after=closes_at).enqueue(vote.pk)
    return vote


def _locked_vote(vote: Vote) -> Vote:
    return Vote.objects.select_for_update().select_related("deliberation__grid").get(pk=vote.pk)


def _ballot_put(
    vote: Vote,
    household: Household,
    choice: str,
    *,
    channel: str,
    resident: Resident | None = None,
    user: Actor | None = None,
) -> Ballot:
    """Cast or change the household's one ballot (update in place, history appended)."""
    if choice not in Choice.values:
        raise ValidationError({"choice": _("请选择同意、反对或弃权")})
    locked = _locked_vote(vote)
    now = clock.now()
    if locked.is_closed or now >= locked.closes_at:
        raise ValidationError(_("投票已截止,不能再投票或改票"))
    if now < locked.opens_at:
        raise ValidationError(_("投票尚未开始"))
    if not household_under(household, locked.deliberation.grid):
        raise ValidationError({"household": _("该户不在本次表决范围内")})
    ballot = Ballot.objects.select_for_update().filter(vote=locked, household=household).first()
    previous = ballot.choice if ballot else ""
    if ballot is None:
        ballot = Ballot.objects.create(
            vote=locked,
            household=household,
            choice=choice,
            channel=channel,
            cast_by_resident=resident,
            recorded_by=user,
            cast_at=now,
            updated_at=now,
        )
    elif ballot.choice == choice:
        return ballot  # the same choice again changes nothing
    else:
        ballot.choice, ballot.channel = choice, channel
        ballot.cast_by_resident, ballot.recorded_by = resident, user
        ballot.updated_at, ballot.revisions = now, ballot.revisions + 1
        ballot.save()
    BallotChange.objects.create(
        ballot=ballot,
        from_choice=previous,
        to_choice=choice,
        channel=channel,
        by_resident=resident,
        by_user=user,
        at=now,
    )
    return ballot


@transaction.atomic
def vote_cast(*, vote: Vote, household: Household, by_resident: Resident, choice: str) -> Ballot:
    """A resident votes online for their own household."""
    if by_resident.household_id != household.pk:
        raise ValidationError({"household": _("您不是该户成员,不能代表该户投票")})
    return _ballot_put(vote, household, choice, channel=Channel.ONLINE, resident=by_resident)


@transaction.atomic
def vote_record_paper(*, vote: Vote, household: Household, by: Actor, choice: str) -> Ballot:
    """Staff enter a household's paper ballot; only staff whose subtree holds the household."""
    require_staff_in(by, household.unit, _("您无权为该户录入纸质票"))
    return _ballot_put(vote, household, choice, channel=Channel.PAPER, user=by)


def _passes(vote: Vote, *, yes: int, base: int) -> bool:
    if base == 0:
        return False
    needed = vote.threshold_pct * base  # compare yes/base with pct/100 without division
    return yes * 100 >= needed if vote.threshold_inclusive else yes * 100 > needed


@transaction.atomic
def vote_close(*, vote: Vote, by: Actor | None = None) -> Vote:
    """Count once the vote has closed and freeze the results into the vote row.

    `by` is the staff member counting; None when the system closes it on schedule."""
    locked = _locked_vote(vote)
    grid = locked.deliberation.grid
    if by is not None:
        require_staff_in(by, grid)
    if locked.is_closed:
        raise ValidationError(_("本次表决已计票,结果不能更改"))
    now = clock.now()
    if now < locked.closes_at:
        raise ValidationError(_("投票尚未截止,不能提前计票"))
    counts = dict(Ballot.objects.filter(vote=locked).values_list("choice").annotate(n=Count("id")))
    eligible = households_under(grid).count()
    yes, no, abstain = (counts.get(c, 0) for c in (Choice.YES, Choice.NO, Choice.ABSTAIN))
    cast = yes + no + abstain
    quorum_met = eligible > 0 and cast * 100 >= locked.quorum_pct * eligible
    base = cast if locked.threshold_base == ThresholdBase.CAST else eligible
    locked.closed_at = now
    locked.eligible_count, locked.cast_count = eligible, cast
    locked.yes_count, locked.no_count, locked.abstain_count = yes, no, abstain
    locked.quorum_met = quorum_met
    locked.passed = quorum_met and _passes(locked, yes=yes, base=base)
    locked.save()
    delib = locked_deliberation(locked.deliberation)
    if delib.status == DeliberationStatus.VOTING:
        deliberation_move(delib, "close", now=now)
    vote.__dict__.update({k: v for k, v in locked.__dict__.items() if k != "_state"})
    return locked
