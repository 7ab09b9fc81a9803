"""One household, one vote; nothing changes after the close; results are frozen at close."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongzhi.core.testing import fresh
from gongzhi.deliberation.models import Ballot, BallotChange, DeliberationStatus, ThresholdBase
from gongzhi.deliberation.services import vote_cast, vote_close, vote_record_paper

from .conftest import T0, open_deliberation, open_vote

pytestmark = pytest.mark.django_db

CLOSE = dt.timedelta(days=3)


@pytest.fixture
def vote(d):
    return open_vote(d, open_deliberation(d))


def _paper(d, vote, key, choice, by="courtyard_worker"):
    return vote_record_paper(vote=vote, household=d.households[key], by=d.users[by], choice=choice)


def test_a_household_voting_twice_keeps_one_ballot_with_the_latest_choice(d, vote):
    a, head, spouse = d.households["a"], d.residents["a_head"], d.residents["a_spouse"]
    vote_cast(vote=vote, household=a, by_resident=head, choice="yes")
    vote_cast(vote=vote, household=a, by_resident=spouse, choice="no")
    ballots = Ballot.objects.filter(vote=vote, household=a)
    assert ballots.count() == 1
    assert ballots.get().choice == "no"


def test_changing_a_vote_before_the_close_updates_in_place_and_keeps_the_history(d, vote, clock):
    a, head = d.households["a"], d.residents["a_head"]
    first = vote_cast(vote=vote, household=a, by_resident=head, choice="yes")
    clock.shift(dt.timedelta(hours=5))
    second = vote_cast(vote=vote, household=a, by_resident=head, choice="abstain")
    assert second.pk == first.pk
    assert fresh(second).revisions == 1
    history = list(
        BallotChange.objects.filter(ballot=first).values_list("from_choice", "to_choice")
    )
    assert history == [("", "yes"), ("yes", "abstain")]


def test_a_paper_ballot_for_a_household_that_voted_online_replaces_it(d, vote):
    a = d.households["a"]
    vote_cast(vote=vote, household=a, by_resident=d.residents["a_head"], choice="yes")
    _paper(d, vote, "a", "no")
    ballot = Ballot.objects.get(vote=vote, household=a)
    assert (ballot.choice, ballot.channel) == ("no", "paper")


def test_the_database_refuses_a_second_ballot_row_for_a_household(d, vote):
    from django.db import IntegrityError, transaction

    _paper(d, vote, "a", "yes")
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(vote=vote, household=d.households["a"], choice="no", channel="paper")


def test_it_rejects_a_vote_after_the_close(d, vote, clock):
    clock.shift(CLOSE)
    with pytest.raises(ValidationError, match="投票已截止"):
        vote_cast(
            vote=vote, household=d.households["a"], by_resident=d.residents["a_head"], choice="yes"
        )
    assert not Ballot.objects.filter(vote=vote).exists()


def test_it_rejects_changing_a_vote_after_the_close(d, vote, clock):
    _paper(d, vote, "a", "yes")
    clock.shift(CLOSE + dt.timedelta(minutes=1))
    with pytest.raises(ValidationError, match="投票已截止"):
        _paper(d, vote, "a", "no")
    assert Ballot.objects.get(vote=vote).choice == "yes"


def test_it_rejects_a_vote_before_the_opening(d):
    vote = open_vote(
        d, open_deliberation(d), opens_at=T0 + dt.timedelta(days=1), closes_at=T0 + CLOSE
    )
    with pytest.raises(ValidationError, match="尚未开始"):
        _paper(d, vote, "a", "yes")
    assert not Ballot.objects.exists()


def test_results_are_frozen_into_the_vote_at_the_close(d, vote, clock):
    for key, choice in (("a", "yes"), ("b", "yes"), ("a2", "no")):
        _paper(d, vote, key, choice)
    clock.shift(CLOSE)
    vote_close(vote=vote, by=d.users["courtyard_worker"])
    vote = fresh(vote)
    assert (vote.eligible_count, vote.cast_count) == (4, 3)
    assert (vote.yes_count, vote.no_count, vote.abstain_count) == (2, 1, 0)
    assert vote.quorum_met is True
    assert vote.passed is True
    assert fresh(vote.deliberation).status == DeliberationStatus.CLOSED


def test_nothing_changes_after_the_close_even_when_households_are_added(d, vote, clock):
    from gongzhi.people.services import household_create

    _paper(d, vote, "a", "yes")
    clock.shift(CLOSE)
    vote_close(vote=vote, by=d.users["courtyard_worker"])
    household_create(by=d.users["admin"], unit=d.unit_a, house_number="103")
    with pytest.raises(ValidationError):
        _paper(d, vote, "b", "no")
    with pytest.raises(ValidationError, match="已计票"):
        vote_close(vote=vote, by=d.users["courtyard_worker"])
    vote = fresh(vote)
    assert (vote.eligible_count, vote.cast_count, vote.yes_count, vote.no_count) == (4, 1, 1, 0)


def test_it_refuses_to_count_before_the_close(d, vote):
    _paper(d, vote, "a", "yes")
    with pytest.raises(ValidationError, match="尚未截止"):
        vote_close(vote=vote, by=d.users["courtyard_worker"])
    assert fresh(vote).closed_at is None


def test_a_vote_without_quorum_does_not_pass_even_if_all_cast_say_yes(d, clock):
    vote = open_vote(d, open_deliberation(d), quorum_pct="75")
    _paper(d, vote, "a", "yes")
    _paper(d, vote, "b", "yes")  # 2 of 4 households: 50% < 75%
    clock.shift(CLOSE)
    vote = vote_close(vote=vote)
    assert (vote.quorum_met, vote.passed) == (False, False)


def test_a_threshold_of_half_needs_more_than_half(d, clock):
    vote = open_vote(d, open_deliberation(d), threshold_pct="50")
    for key, choice in (("a", "yes"), ("b", "yes"), ("a2", "no"), ("b2", "no")):
        _paper(d, vote, key, choice)
    clock.shift(CLOSE)
    assert vote_close(vote=vote).passed is False


def test_an_inclusive_threshold_passes_when_reached_exactly(d, clock):
    vote = open_vote(d, open_deliberation(d), threshold_pct="50", threshold_inclusive=True)
    for key, choice in (("a", "yes"), ("b", "yes"), ("a2", "no"), ("b2", "no")):
        _paper(d, vote, key, choice)
    clock.shift(CLOSE)
    assert vote_close(vote=vote).passed is True


def test_a_threshold_over_eligible_households_counts_those_who_did_not_vote(d, clock):
    vote = open_vote(d, open_deliberation(d), threshold_base=ThresholdBase.ELIGIBLE)
    _paper(d, vote, "a", "yes")
    _paper(d, vote, "b", "yes")  # 2 of 2 cast, but only 2 of 4 eligible
    clock.shift(CLOSE)
    vote = vote_close(vote=vote)
    assert (vote.quorum_met, vote.passed) == (True, False)


def test_it_rejects_a_resident_voting_for_a_household_they_do_not_belong_to(d, vote):
    with pytest.raises(ValidationError, match="不是该户成员"):
        vote_cast(
            vote=vote, household=d.households["b"], by_resident=d.residents["a_head"], choice="yes"
        )
    assert not Ballot.objects.exists()
    assert not BallotChange.objects.exists()


def test_it_rejects_a_household_outside_the_deliberation_grid(d, vote):
    with pytest.raises(ValidationError, match="不在本次表决范围"):
        vote_cast(
            vote=vote, household=d.households["x"], by_resident=d.residents["x_head"], choice="yes"
        )
    assert not Ballot.objects.exists()


def test_it_rejects_a_paper_ballot_from_staff_outside_the_households_subtree(d, vote):
    with pytest.raises(PermissionDenied):
        _paper(d, vote, "a", "yes", by="gridworker_b")
    assert not Ballot.objects.exists()


def test_it_rejects_an_unknown_choice(d, vote):
    with pytest.raises(ValidationError, match="同意、反对或弃权"):
        _paper(d, vote, "a", "maybe")
    assert not Ballot.objects.exists()
