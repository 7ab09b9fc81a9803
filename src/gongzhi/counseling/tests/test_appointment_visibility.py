"""Counselling appointments are seen by the counsellors and the center's booking staff,
not by the center's mediator, police or grid workers (issue 12, finding 10)."""

import pytest

from gongzhi.counseling.selectors import appointment_list_for


@pytest.mark.parametrize("who", ["mediator", "police", "gridworker"])
def test_other_staff_of_the_center_do_not_see_appointments(district, appointment, who, login):
    assert not appointment_list_for(district.users[who]).exists()


@pytest.mark.parametrize("who", ["counselor", "center", "admin"])
def test_counsellors_and_booking_staff_see_them(district, appointment, who):
    assert list(appointment_list_for(district.users[who])) == [appointment]
