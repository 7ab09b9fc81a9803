"""「我也遇到」: a resident joins an open case; followers and the reporters of merged
duplicates hear of its changes and may rate it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongzhi.cases.models import Notification, OutboundMessage, State
from gongzhi.portal import services as portal
from gongzhi.portal.models import PostReaction

from ..models import CaseFollower
from ..services import case_join, followed_case_rate
from .conftest import act, close, report, resident


def kinds_for(account) -> list[str]:
    return list(
        Notification.objects.filter(user=account.user).order_by("pk").values_list("kind", flat=True)
    )


def test_a_follower_hears_of_each_change_like_the_reporter(district):
    d = district
    author = resident("13700002468", d.unit_b)  # 周金玉, a registry resident of unit b
    post = portal.post_create(account=author, text="楼道里垃圾堆了好几天没人清,很臭")
    neighbour = resident("13511112222", d.unit_a)
    case_join(account=neighbour, case=post)
    act(d, post, "center", "accept")
    assert kinds_for(neighbour) == ["case_accepted"]
    assert "case_accepted" in kinds_for(author)
    assert OutboundMessage.objects.filter(template="case_accepted", to=neighbour.phone).exists()
    assert PostReaction.objects.filter(case=post, account=neighbour, kind="support").exists()


def test_joining_twice_changes_nothing(district):
    d = district
    case = report(d)
    neighbour = resident("13511112222", d.unit_a)
    case_join(account=neighbour, case=case)
    case_join(account=neighbour, case=case)
    assert CaseFollower.objects.filter(case=case).count() == 1


def test_a_follower_may_rate_the_closed_case(district):
    d = district
    case = report(d)
    neighbour = resident("13511112222", d.unit_a)
    case_join(account=neighbour, case=case)
    close(d, case)
    case.refresh_from_db()
    followed_case_rate(account=neighbour, case=case, rating="satisfied", stars=5)
    case.refresh_from_db()
    assert case.state == State.FOLLOWED_UP and case.satisfaction == "satisfied"


def test_someone_who_did_not_join_may_not_rate(district):
    d = district
    case = report(d)
    close(d, case)
    case.refresh_from_db()
    stranger = resident("13511112222", d.unit_a)
    with pytest.raises(PermissionDenied):
        followed_case_rate(account=stranger, case=case, rating="satisfied", stars=5)
    case.refresh_from_db()
    assert case.state == State.CLOSED


def test_the_reporter_of_a_merged_duplicate_hears_of_the_main_case_and_may_rate_it(district):
    d = district
    first = portal.post_create(account=resident("13511112222", d.unit_a), text="路灯坏了")
    dup_author = resident("13522223333", d.unit_b)
    dup = portal.post_create(account=dup_author, text="楼前路灯不亮")
    act(d, dup, "center", "merge", into=first)
    close(d, first)
    assert "case_closed" in kinds_for(dup_author)
    first.refresh_from_db()
    from gongzhi.cases.services import case_act

    case_act(
        case=first,
        by=dup_author.user,
        action="follow_up",
        expected_version=first.version,
        rating="basic",
        stars=4,
    )
    first.refresh_from_db()
    assert first.state == State.FOLLOWED_UP


@pytest.mark.parametrize("situation", ["closed", "other_community", "own", "unbound"])
def test_joining_is_refused_and_writes_nothing(district, situation):
    d = district
    account = resident("13511112222", d.unit_a)
    case = report(d)
    if situation == "closed":
        close(d, case)
    elif situation == "other_community":
        case = report(d, by="xifeng_center", grid=d.unit_x)
    elif situation == "own":
        case = portal.post_create(account=account, text="我自己反映的问题")
    else:
        account = resident("13599998888")
    with pytest.raises(ValidationError):
        case_join(account=account, case=case)
    assert not CaseFollower.objects.exists()
