"""Public reads go through one selector that applies the board's moderation (issue 12, 3).

A post hidden or still pending on the board, or a redacted one, must read the same in the
Open311 feed (JSON and XML, list and detail) as on the board: absent, or redacted.
"""

import pytest
from django.urls import reverse

from gongzhi.portal import services
from gongzhi.portal.selectors import public_cases
from gongzhi.portal.tests.conftest import resident

from .conftest import parse

pytestmark = pytest.mark.django_db
SECRET = "三楼张三家天天吵架"


def feed(client, fmt: str) -> str:
    response = client.get(f"/open311/v2/requests.{fmt}")
    assert response.status_code == 200
    return response.content.decode()


def detail(client, number: str, fmt: str):
    return client.get(f"/open311/v2/requests/{number}.{fmt}")


def board(client, district) -> str:
    return client.get(reverse("portal_board", args=[district.jinquan.pk])).content.decode()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_hidden_post_leaves_the_open311_feed_and_its_detail(district, client, fmt):
    case = services.post_create(account=resident(district), text=SECRET)
    assert case.number in feed(client, fmt)

    services.post_moderate(by=district.users["center"], case=case, status="hidden")

    assert case.number not in feed(client, fmt) and SECRET not in feed(client, fmt)
    assert detail(client, case.number, fmt).status_code == 404
    assert case.number not in board(client, district)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_redacted_post_shows_only_the_redacted_text_in_open311(district, client, fmt):
    case = services.post_create(account=resident(district), text=SECRET)

    services.post_moderate(by=district.users["center"], case=case, redacted_text="三楼某户经常吵架")

    for text in (feed(client, fmt), detail(client, case.number, fmt).content.decode()):
        assert "三楼某户经常吵架" in text and "张三" not in text


def test_a_pending_post_is_not_public_anywhere_until_published(district, client):
    services.board_setting_set(
        by=district.users["center"], community=district.jinquan, require_approval=True
    )
    case = services.post_create(account=resident(district), text=SECRET)

    assert case.number not in feed(client, "json") and case not in public_cases()
    assert detail(client, case.number, "json").status_code == 404

    services.post_moderate(by=district.users["center"], case=case, status="published")

    rows = parse("json", detail(client, case.number, "json").content)
    assert rows[0]["description"] == SECRET and case in public_cases()
