"""Live-room actions stay inside the actor's scope (issue 12, finding 10)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from gongzhi.cases.models import Case
from gongzhi.realtime import services
from gongzhi.realtime.models import LiveSession


@pytest.fixture
def session(district):
    center = district.users["center"]
    return services.live_session_create(
        by=center, topic="物业费答疑", scheduled_at=timezone.now(), hosts=[center]
    )


def test_staff_of_another_township_cannot_turn_a_question_into_a_case(session, resident, district):
    q = services.live_question_post(session=session, account=resident, text="楼道灯坏了")

    with pytest.raises(PermissionDenied):
        services.live_question_to_case(question=q, by=district.users["xifeng_center"])

    assert not Case.objects.exists()
    assert services.live_question_to_case(question=q, by=district.users["center"]).case_id


@pytest.mark.parametrize("who", ["gridworker", "police", "leader"])
def test_only_admins_and_center_staff_schedule_a_district_wide_session(district, who):
    with pytest.raises(PermissionDenied):
        services.live_session_create(
            by=district.users[who], topic="全区直播", scheduled_at=timezone.now(), hosts=[]
        )


def test_the_hosts_must_be_staff_within_the_schedulers_scope(district):
    with pytest.raises(PermissionDenied):
        services.live_session_create(
            by=district.users["center"],
            topic="t",
            scheduled_at=timezone.now(),
            hosts=[district.users["xifeng_center"]],
        )
    session = services.live_session_create(
        by=district.users["admin"],
        topic="t",
        scheduled_at=timezone.now(),
        hosts=[district.users["xifeng_center"]],
    )
    assert list(session.hosts.all()) == [district.users["xifeng_center"]]


def test_the_schedule_page_refuses_a_grid_worker(district, login):
    response = login("gridworker").post(
        reverse("realtime:live_create"), {"topic": "x", "scheduled_at": "2030-01-01T10:00"}
    )

    assert response.status_code == 403 and not LiveSession.objects.exists()
