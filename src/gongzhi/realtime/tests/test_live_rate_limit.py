"""A resident cannot flood a live room with questions (issue 12, finding 6)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from gongzhi.realtime import services
from gongzhi.realtime.models import LiveQuestion

pytestmark = pytest.mark.django_db


def test_sixty_questions_in_a_row_are_cut_off_with_a_clear_message(
    district, resident_client, pinned_rate_window
):
    center = district.users["center"]
    session = services.live_session_create(
        by=center, topic="物业费答疑", scheduled_at=timezone.now(), hosts=[center]
    )
    url = reverse("realtime:live_ask", args=[session.pk])

    answers = [resident_client.post(url, {"text": f"问题{i}"}) for i in range(60)]

    codes = [a.status_code for a in answers]
    assert codes[:6] == [200] * 6 and set(codes[6:]) == {429}
    assert "操作过于频繁" in answers[-1].json()["error"]
    assert LiveQuestion.objects.count() == 6
