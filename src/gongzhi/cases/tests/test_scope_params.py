"""Parameters that name another object are resolved inside the service, within the actor's
scope (issue 12, finding 4): a case merged into a case the actor cannot see is refused, by
the service, by the web form and by the API alike."""

import pytest
from django.core.exceptions import ValidationError

from gongzhi.cases.models import Case, State
from gongzhi.core.testing import fresh

from .conftest import act, report

pytestmark = pytest.mark.django_db


def foreign_case(d) -> Case:
    return report(d, by="xifeng_center", grid=d.unit_x, title="西峰镇的事件")


def test_the_service_refuses_to_merge_into_a_case_outside_the_scope(district):
    mine, theirs = report(district), foreign_case(district)

    for into in (theirs, theirs.number):
        with pytest.raises(ValidationError):
            act(district, fresh(mine), "center", "merge", into=into)

    assert fresh(mine).state != State.MERGED and fresh(mine).merged_into is None


def test_the_web_merge_form_cannot_reach_a_case_of_another_township(district, login):
    mine, theirs = report(district), foreign_case(district)

    response = login("center").post(
        f"/cases/{mine.number}/act/merge/",
        {"expected_version": mine.version, "into": theirs.number, "comment": ""},
    )

    assert response.status_code in (200, 400)
    assert fresh(mine).state != State.MERGED and fresh(mine).merged_into is None


def test_merging_into_a_case_in_scope_still_works(district):
    mine, other = report(district), report(district, title="主件")

    act(district, mine, "center", "merge", into=other.number)

    assert (fresh(mine).state, fresh(mine).merged_into) == (State.MERGED, other)


@pytest.mark.parametrize("garbage", ["", " ", "\x00", "x" * 500, "CASE-999999", "' or 1=1"])
def test_the_web_merge_form_answers_garbage_with_a_message(district, login, garbage):
    mine = report(district)

    response = login("center").post(
        f"/cases/{mine.number}/act/merge/", {"expected_version": mine.version, "into": garbage}
    )

    assert response.status_code in (200, 400)
    assert fresh(mine).state != State.MERGED


def test_the_service_refuses_to_dispatch_to_a_room_of_another_township(district):
    from gongzhi.org.models import Room

    case = act(district, report(district), "center", "accept")
    foreign_room = Room.objects.filter(center__grid=district.xifeng).first()
    assert foreign_room is not None

    with pytest.raises(ValidationError):
        act(district, fresh(case), "center", "dispatch", to_room=foreign_room)

    assert fresh(case).assignee_room is None
