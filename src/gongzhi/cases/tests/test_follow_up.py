import pytest
from django.core.exceptions import ValidationError

from gongzhi.cases.models import CaseEvent, FollowUp, OwningLevel, State
from gongzhi.core.testing import fresh

from .conftest import act, report


def self_handled_and_closed(d):
    case = report(d, reporter_resident=d.residents["a_head"])
    act(d, case, "gridworker", "accept")
    act(d, case, "gridworker", "self_handle")
    act(d, case, "gridworker", "resolve")
    act(d, case, "center", "verify")
    act(d, case, "center", "close")
    return case


def test_a_satisfied_rating_closes_the_loop(district):
    case = self_handled_and_closed(district)
    act(district, case, "gridworker", "follow_up", rating="satisfied", stars=5, comment="很快")
    case = fresh(case)
    assert (case.state, case.satisfaction, case.rehandle_count) == (
        State.FOLLOWED_UP,
        "satisfied",
        0,
    )
    assert case.resolved_level == OwningLevel.UNIT
    assert FollowUp.objects.get(case=case).stars == 5


def test_an_unsatisfied_rating_reopens_the_case_to_its_handler(district):
    case = self_handled_and_closed(district)
    act(district, case, "center", "follow_up", rating="unsatisfied", stars=1, comment="没清完")
    case = fresh(case)
    assert (case.state, case.rehandle_count) == (State.IN_PROGRESS, 1)
    assert case.assignee_staff == district.users["gridworker"].staff
    actions = list(CaseEvent.objects.filter(case=case).values_list("action", flat=True))
    assert actions[-2:] == ["follow_up", "reopen"]
    assert FollowUp.objects.get(case=case).resolved is False
    # The handler can resolve it again.
    act(district, case, "gridworker", "resolve")
    assert fresh(case).state == State.RESOLVED


def test_a_rating_needs_valid_stars(district):
    case = self_handled_and_closed(district)
    with pytest.raises(ValidationError, match="星级"):
        act(district, case, "center", "follow_up", rating="satisfied", stars=6)
    assert not FollowUp.objects.exists()
    assert fresh(case).state == State.CLOSED


def test_rework_counts_and_returns_to_handling(district):
    case = report(district)
    act(district, case, "gridworker", "accept")
    act(district, case, "gridworker", "self_handle")
    act(district, case, "gridworker", "resolve")
    act(district, case, "center", "rework", comment="现场仍有杂草")
    assert (fresh(case).state, fresh(case).rework_count) == (State.IN_PROGRESS, 1)


def test_events_cannot_be_edited_or_deleted(district):
    event = CaseEvent.objects.get(case=report(district))
    event.comment = "改写历史"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
