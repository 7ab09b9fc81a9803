import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongzhi.cases.models import Channel
from gongzhi.realtime import services
from gongzhi.realtime.views import embed_kind

from .conftest import resident_session


@pytest.fixture
def session(district):
    center = district.users["center"]
    return services.live_session_create(
        by=center, topic="物业费答疑", scheduled_at=timezone.now(), hosts=[center]
    )


def test_a_script_in_a_question_is_shown_escaped(session, resident, resident_client):
    services.live_question_post(session=session, account=resident, text="<script>alert(1)</script>")
    page = resident_client.get(reverse("realtime:live_room", args=[session.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)</script>" not in page


def test_polling_returns_only_events_after_the_given_id(session, resident, resident_client):
    services.live_question_post(session=session, account=resident, text="第一个问题")
    first = session.events.get().pk
    services.live_question_post(session=session, account=resident, text="第二个问题")
    url = reverse("realtime:live_events", args=[session.pk]) + f"?since={first}"
    events = resident_client.get(url).json()["events"]
    assert [e["question"]["text"] for e in events] == ["第二个问题"]


def test_staff_turn_a_question_into_a_live_room_case(session, resident, district):
    q = services.live_question_post(session=session, account=resident, text="楼道灯坏了")
    q = services.live_question_to_case(question=q, by=district.users["center"])
    assert (q.case.channel, q.case.grid_id) == (Channel.LIVE_ROOM, resident.unit_id)


def test_a_resident_likes_a_question_only_once(session, resident, resident_b):
    q = services.live_question_post(session=session, account=resident, text="问题")
    services.live_question_like(question=q, account=resident_b)
    q = services.live_question_like(question=q, account=resident_b)
    assert q.likes == 1


def test_a_resident_cannot_answer_questions(session, resident, resident_client):
    q = services.live_question_post(session=session, account=resident, text="问题")
    response = resident_client.post(reverse("realtime:live_host", args=[q.pk, "answer"]))
    assert response.status_code == 302  # to the staff sign-in; nothing answered
    q.refresh_from_db()
    assert q.answer == ""


def test_after_the_session_ends_questions_are_refused_and_the_transcript_stays(
    session, resident, resident_client, district
):
    services.live_question_post(session=session, account=resident, text="留在记录里的问题")
    services.live_session_end(session=session, by=district.users["center"])
    with pytest.raises(ValidationError):
        services.live_question_post(session=session, account=resident, text="再问一个")
    page = resident_client.get(reverse("realtime:live_room", args=[session.pk])).content.decode()
    assert "留在记录里的问题" in page


def test_a_stream_url_that_is_not_http_is_rejected(district):
    with pytest.raises(ValidationError):
        services.live_session_create(
            by=district.users["center"],
            topic="t",
            scheduled_at=timezone.now(),
            hosts=[],
            stream_url="javascript:alert(1)",
        )


def test_a_stream_is_embedded_only_from_an_allowed_host(settings):
    settings.LIVE_STREAM_ALLOWED_HOSTS = ["live.example.cn"]
    assert embed_kind("https://live.example.cn/room/1") == "iframe"
    assert embed_kind("https://evil.example.com/room/1") == ""


def test_an_anonymous_visitor_is_sent_to_sign_in(session):
    response = Client().get(reverse("realtime:live_room", args=[session.pk]))
    assert response.status_code == 302


__all__ = ["resident_session"]
