"""The liaison pages render for the room's users and refuse bad input without writing."""

import pytest

from gongzhi.liaison.models import JointPatrol, PoliceDutyRoster


@pytest.mark.parametrize(
    "path",
    [
        "/liaison/",
        "/liaison/referrals/",
        "/liaison/referrals/new/",
        "/liaison/hazards/",
        "/liaison/hazards/new/",
        "/liaison/roster/",
        "/liaison/patrols/",
    ],
)
@pytest.mark.parametrize("username", ["center", "police", "gridworker"])
def test_the_liaison_pages_render(district, login, path, username):
    assert login(username).get(path).status_code == 200


def test_a_patrol_without_participants_writes_nothing(district, login):
    from gongzhi.org.models import Center

    center = Center.objects.get(grid=district.jinquan)
    response = login("center").post(
        "/liaison/patrols/", {"center": center.pk, "date": "2020-01-01", "route": "公园路"}
    )
    assert response.status_code == 400
    assert "公园路" in response.content.decode() and JointPatrol.objects.count() == 0


def test_a_roster_entry_with_a_bad_date_writes_nothing(district, login):
    response = login("center").post("/liaison/roster/", {"date": "明天", "shift": "day"})
    assert response.status_code == 400 and PoliceDutyRoster.objects.count() == 0
