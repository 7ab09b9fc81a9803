"""消息中心: the resident's updates with an unread badge, the SMS opt-out and the WeChat link."""

import re

import pytest
from django.urls import reverse

from gongzhi.cases.models import Notification, OutboundMessage
from gongzhi.cases.services import case_act
from gongzhi.core.testing import fresh
from gongzhi.portal import services

from .conftest import resident, sign_in


def badge(html: str) -> str | None:
    found = re.search(r"data-unread>(\d+)<", html)
    return found.group(1) if found else None


def test_the_nav_badge_counts_unread_updates_until_the_message_centre_is_opened(district, client):
    account = resident(district)
    case = services.post_create(account=account, text="公园路46号楼院杂草清除不及时")
    case_act(case=case, by=district.users["center"], action="accept", expected_version=1)
    sign_in(client, account)

    assert badge(client.get(reverse("portal_me")).content.decode()) == "2"
    page = client.get(reverse("portal_messages")).content.decode()

    assert "您反映的问题已受理" in page and "已收到您反映的问题" in page
    assert f"#case-{case.pk}" in page
    assert badge(client.get(reverse("portal_me")).content.decode()) is None
    assert not Notification.objects.filter(user=account.user, read_at__isnull=True).exists()


def test_the_message_centre_shows_only_the_residents_own_messages(district, client):
    mine, other = resident(district), resident(district, phone="13700002468")
    services.post_create(account=other, text="悦和家园路灯不亮")

    page = sign_in(client, mine).get(reverse("portal_messages")).content.decode()

    assert "暂无消息" in page


def test_the_message_centre_needs_a_signed_in_resident(district, client):
    response = client.get(reverse("portal_messages"))

    assert response.status_code == 302 and reverse("portal_login") in response["Location"]


def test_a_resident_turns_sms_off_and_gets_only_the_message_centre(district, client):
    account = resident(district)
    sign_in(client, account)

    response = client.post(reverse("portal_notify_settings"), {"wechat": "1"})

    assert response.status_code == 302
    assert fresh(account).notify_sms is False and fresh(account).notify_wechat is True
    case = services.post_create(account=fresh(account), text="楼道灯坏了")
    assert not OutboundMessage.objects.filter(params__case=case.number).exists()
    assert Notification.objects.filter(user=account.user, case=case).exists()


@pytest.mark.parametrize(
    "garbage", [{}, {"sms": "x" * 10_000}, {"sms": "\x07\x1b", "wechat": "\u202e1"}]
)
def test_garbage_in_the_settings_form_turns_channels_off_and_never_fails(district, client, garbage):
    account = resident(district)

    response = sign_in(client, account).post(reverse("portal_notify_settings"), garbage)

    assert response.status_code == 302
    assert fresh(account).notify_sms is False and fresh(account).notify_wechat is False


def test_a_nul_in_the_settings_form_is_a_400_and_changes_nothing(district, client):
    account = resident(district)
    before = (fresh(account).notify_sms, fresh(account).notify_wechat)

    response = sign_in(client, account).post(
        reverse("portal_notify_settings"), {"sms": "1\x00\x07"}
    )

    assert response.status_code == 400 and "sms" in response.content.decode()
    assert (fresh(account).notify_sms, fresh(account).notify_wechat) == before


def test_the_mini_program_links_wechat_and_updates_then_go_there_too(district, client):
    account = resident(district)
    sign_in(client, account)

    response = client.post(reverse("portal_wechat_link"), {"openid": "oAbc_123-xyz"})

    assert response.json() == {"ok": True, "linked": True}
    case = services.post_create(account=fresh(account), text="楼道灯坏了")
    channels = OutboundMessage.objects.filter(params__case=case.number)
    assert sorted(channels.values_list("channel", flat=True)) == ["sms", "wechat"]
    settings_page = client.get(reverse("portal_notify_settings")).content.decode()
    assert 'id="n-wechat" checked' in settings_page


@pytest.mark.parametrize("openid", ["o" * 65, "x" * 100_000, "oAbc\u202edef", "<script>", "abc"])
def test_a_bad_openid_gets_a_chinese_message_and_links_nothing(district, client, openid):
    account = resident(district)

    response = sign_in(client, account).post(reverse("portal_wechat_link"), {"openid": openid})

    assert response.status_code == 400
    assert response.json()["errors"] == {"openid": ["微信标识格式不正确"]}
    assert fresh(account).wechat_openid == ""


def test_a_nul_in_the_openid_is_a_400_and_links_nothing(district, client):
    account = resident(district)

    response = sign_in(client, account).post(
        reverse("portal_wechat_link"), {"openid": "oAbc\x00def"}
    )

    assert response.status_code == 400 and "openid" in response.content.decode()
    assert fresh(account).wechat_openid == ""


def test_control_characters_in_the_openid_are_dropped_before_it_is_stored(district, client):
    account = resident(district)

    response = sign_in(client, account).post(
        reverse("portal_wechat_link"), {"openid": "oAbc\x07_123\x1b-xyz"}
    )

    assert response.json() == {"ok": True, "linked": True}
    assert fresh(account).wechat_openid == "oAbc_123-xyz"


def test_an_empty_openid_unlinks_wechat(district, client):
    account = services.account_wechat_link(account=resident(district), openid="oAbc_123-xyz")

    response = sign_in(client, account).post(reverse("portal_wechat_link"), {"openid": ""})

    assert response.json() == {"ok": True, "linked": False}
    assert fresh(account).wechat_openid == ""
