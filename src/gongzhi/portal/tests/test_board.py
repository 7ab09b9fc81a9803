"""The public board: moderation, anonymity, "me too", follows, and rating in "my posts"."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from gongzhi.cases.models import FollowUp, State
from gongzhi.cases.services import case_act
from gongzhi.core.masking import mask_name
from gongzhi.portal import services
from gongzhi.portal.models import PostModeration, PostReaction

from .conftest import resident, sign_in

pytestmark = pytest.mark.django_db


def board_page(client, d) -> str:
    return client.get(reverse("portal_board", args=[d.jinquan.pk])).content.decode()


def closed_post(d, account):
    case = services.post_create(account=account, text="路灯坏了")
    gw, center = d.users["gridworker"], d.users["center"]
    for user, action, comment in (
        (gw, "accept", ""),
        (gw, "self_handle", ""),
        (gw, "resolve", "已更换灯泡"),
        (center, "verify", ""),
        (center, "close", ""),
    ):
        case = case_act(
            case=case, by=user, action=action, expected_version=case.version, comment=comment
        )
    return case


def test_posts_are_anonymous_on_the_public_board_by_default(district, client):
    services.post_create(account=resident(district), text="垃圾没人清理")

    page = board_page(client, district)

    assert "匿名居民" in page and "茹玉芳" not in page and "13800001234" not in page


def test_a_resident_may_show_a_masked_name(district, client):
    services.post_create(account=resident(district), text="垃圾没人清理", show_name=True)

    page = board_page(client, district)

    assert f"居民{mask_name('茹玉芳')}" in page and "茹玉芳" not in page


def test_a_hidden_post_leaves_the_board(district, client):
    case = services.post_create(account=resident(district), text="垃圾没人清理")

    services.post_moderate(by=district.users["center"], case=case, status="hidden")

    assert case.number not in board_page(client, district)


def test_a_redacted_post_shows_the_redacted_text(district, client):
    case = services.post_create(account=resident(district), text="三楼张三家天天吵架")

    services.post_moderate(by=district.users["center"], case=case, redacted_text="三楼某户经常吵架")

    page = board_page(client, district)
    assert "三楼某户经常吵架" in page and "张三" not in page


def test_with_approval_required_a_post_waits_until_staff_publish_it(district, client):
    services.board_setting_set(
        by=district.users["center"], community=district.jinquan, require_approval=True
    )
    case = services.post_create(account=resident(district), text="垃圾没人清理")
    assert case.board.status == PostModeration.Status.PENDING
    assert case.number not in board_page(client, district)

    services.post_moderate(by=district.users["center"], case=case, status="published")

    assert case.number in board_page(client, district)


def test_private_posts_never_reach_the_board(district, client):
    case = services.post_create(account=resident(district), text="家里的私事", is_public=False)

    assert case.number not in board_page(client, district)


def test_staff_of_another_community_cannot_moderate(district):
    case = services.post_create(account=resident(district), text="垃圾没人清理")

    with pytest.raises(PermissionDenied):
        services.post_moderate(by=district.users["xifeng_center"], case=case, status="hidden")
    assert PostModeration.objects.get(case=case).status == PostModeration.Status.PUBLISHED


def test_me_too_counts_once_per_account(district):
    case = services.post_create(account=resident(district), text="垃圾没人清理")
    neighbour = resident(district, phone="13900005678")

    services.post_react(account=neighbour, case=case, kind="support")
    count = services.post_react(account=neighbour, case=case, kind="support")

    assert count == 1


def test_a_follow_can_be_undone(district):
    case = services.post_create(account=resident(district), text="垃圾没人清理")
    neighbour = resident(district, phone="13900005678")
    services.post_react(account=neighbour, case=case, kind="follow")

    services.post_react(account=neighbour, case=case, kind="follow", on=False)

    assert not PostReaction.objects.filter(kind="follow").exists()


def test_staff_replies_show_on_the_post_but_internal_notes_do_not(district, client):
    case = closed_post(district, resident(district))
    gw = district.users["gridworker"]
    # An internal comment on a non-reply action (sign/start are not replies).
    assert case.events.filter(comment="已更换灯泡").exists()

    page = client.get(reverse("portal_post", args=[case.pk])).content.decode()

    assert "工作人员回复:已更换灯泡" in page and gw.username not in page


def test_the_reporter_rates_a_closed_case_in_my_posts(district, client):
    account = resident(district)
    case = closed_post(district, account)
    sign_in(client, account)
    assert "data-rate-form" in client.get(reverse("portal_my_posts")).content.decode()

    client.post(
        reverse("portal_rate", args=[case.pk]),
        {"rating": "basic", "stars": "4", "comment": "还行", "resolved": "yes"},
    )

    row = FollowUp.objects.get(case=case)
    assert (row.rating, row.stars, row.by) == ("basic", 4, account.user)
    assert case.__class__.objects.get(pk=case.pk).state == State.FOLLOWED_UP


def test_an_unsatisfied_rating_reopens_the_case(district):
    account = resident(district)
    case = closed_post(district, account)

    case = services.post_rate(account=account, case=case, rating="unsatisfied", stars=1)

    assert case.state == State.IN_PROGRESS


def test_nobody_else_can_rate_a_residents_case(district, client):
    case = closed_post(district, resident(district))
    other = resident(district, phone="13900005678")

    response = sign_in(client, other).post(
        reverse("portal_rate", args=[case.pk]), {"rating": "satisfied", "stars": "5"}
    )

    assert response.status_code == 404 and not FollowUp.objects.exists()


def test_a_case_that_is_not_closed_cannot_be_rated_and_says_why(district, client):
    account = resident(district)
    case = services.post_create(account=account, text="路灯坏了")

    response = sign_in(client, account).post(
        reverse("portal_rate", args=[case.pk]),
        {"rating": "satisfied", "stars": "5"},
        follow=True,
    )

    assert "不能执行「回访评价」" in response.content.decode() and not FollowUp.objects.exists()
