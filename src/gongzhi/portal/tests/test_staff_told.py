"""The center is told when a bind request or a post waits for it (issue 15.1)."""

from django.urls import reverse

from gongzhi.cases.models import Notification
from gongzhi.portal import services
from gongzhi.portal.models import BoardSetting

from .conftest import resident


def told(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("user__username", flat=True))


def test_a_bind_request_tells_the_units_center_and_links_to_the_approval_page(district, login):
    account = resident(district, phone="13512345678")

    services.bind_request_create(account=account, unit=district.unit_a, house_number="2-301")

    assert told("waits_bind") == ["center"]
    page = login("center").get(reverse("cases:notifications")).content.decode()
    assert reverse("portal_staff_binds") in page and "绑定申请待确认" in page


def test_a_bind_request_in_xifeng_tells_only_the_xifeng_center(district):
    account = resident(district, phone="13512345678")

    services.bind_request_create(account=account, unit=district.unit_x)

    assert told("waits_bind") == ["xifeng_center"]


def test_an_approved_bind_keeps_the_house_number_given(district):
    account = resident(district, phone="13512345678")
    request = services.bind_request_create(
        account=account, unit=district.unit_a, house_number="2-301"
    )

    services.bind_request_decide(by=district.users["center"], request=request, approve=True)

    account.refresh_from_db()
    assert account.house_number == "2-301" and account.unit_id == district.unit_a.pk


def test_a_post_waiting_for_approval_tells_the_moderators(district, login):
    BoardSetting.objects.create(community=district.jinquan, require_approval=True)

    case = services.post_create(account=resident(district), text="小区门口有人乱摆摊")

    assert told("waits_moderation") == ["center"]
    page = login("center").get(reverse("cases:notifications")).content.decode()
    assert reverse("portal_staff_moderation") in page and case.number in page


def test_a_post_published_at_once_waits_for_nobody(district):
    services.post_create(account=resident(district), text="小区门口有人乱摆摊")

    assert told("waits_moderation") == []
