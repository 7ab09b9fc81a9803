"""Issue 14.6: "1单元101" is ambiguous between two buildings of a courtyard, so the attendee
list, the minutes form, the voted-households table and the staff ledger show 楼栋-单元-门牌,
and the public notice shows the same path with the house number masked."""

import datetime as dt

import pytest

from gongzhi.deliberation.services import (
    cost_share_create,
    meeting_record_minutes,
    meeting_schedule,
    vote_close,
    vote_record_paper,
)
from gongzhi.grids.services import grid_add_child
from gongzhi.people.services import household_create

from .conftest import T0, open_deliberation, open_vote


@pytest.fixture
def twin(d):
    """A second building whose 1单元 also has a 101."""
    building2 = grid_add_child(parent=d.courtyard, name="2号楼")
    unit = grid_add_child(parent=building2, name="1单元")
    return household_create(by=d.users["admin"], unit=unit, house_number="101")


def _both_in(html: str) -> bool:
    return "1号楼-1单元-101" in html and "2号楼-1单元-101" in html


def test_the_minutes_form_and_the_attendee_list_name_the_building(d, login, twin):
    delib = open_deliberation(d)
    meeting = meeting_schedule(
        by=d.users["courtyard_worker"],
        title="议事会",
        agenda="路灯",
        place="活动室",
        scheduled_at=T0,
        deliberation=delib,
    )
    client = login("courtyard_worker")
    assert _both_in(client.get(f"/deliberation/meetings/{meeting.pk}/").content.decode())
    meeting_record_minutes(
        meeting=meeting,
        by=d.users["courtyard_worker"],
        minutes="同意安装",
        households=[d.households["a"], twin],
    )
    assert _both_in(client.get(f"/deliberation/meetings/{meeting.pk}/").content.decode())


def test_the_voted_households_and_the_ledger_name_the_building(d, login, clock, twin):
    delib = open_deliberation(d)
    vote = open_vote(d, delib)
    for household in (d.households["a"], twin, d.households["b"]):
        vote_record_paper(
            vote=vote, household=household, by=d.users["courtyard_worker"], choice="yes"
        )
    client = login("courtyard_worker")
    assert _both_in(client.get(f"/deliberation/votes/{vote.pk}/").content.decode())
    clock.shift(dt.timedelta(days=3))
    vote_close(vote=vote)
    share = cost_share_create(
        deliberation=delib,
        by=d.users["courtyard_worker"],
        purpose="增设路灯",
        amount_per_household="50",
    )
    assert _both_in(client.get(f"/deliberation/cost-shares/{share.pk}/").content.decode())
    public = client.get(f"/deliberation/public/notice/{share.public_token}/").content.decode()
    assert ">1号楼-1单元-1*1<" in public and ">2号楼-1单元-1*1<" in public
    assert "单元-101<" not in public


def test_the_building_names_do_not_cost_a_query_per_household(d, login, twin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    delib = open_deliberation(d)
    vote = open_vote(d, delib)
    client = login("courtyard_worker")

    def queries_for_vote_page() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/deliberation/votes/{vote.pk}/").status_code == 200
        return len(captured)

    vote_record_paper(vote=vote, household=twin, by=d.users["courtyard_worker"], choice="yes")
    one = queries_for_vote_page()
    for key in ("a", "b", "a2"):
        vote_record_paper(
            vote=vote, household=d.households[key], by=d.users["courtyard_worker"], choice="no"
        )
    assert queries_for_vote_page() == one
