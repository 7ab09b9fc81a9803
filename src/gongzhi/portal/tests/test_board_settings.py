"""留言板设置: the moderating staff set whether a community's board publishes posts only after
approval (portal.services.board_setting_set, capability MODERATE), from a page linked from the
moderation page. Bad input and another community's id get a Chinese message and write nothing."""

import pytest
from django.urls import reverse

from gongzhi.portal.models import BoardSetting

URL = "/portal-staff/board-settings/"


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_the_moderation_page_links_the_board_settings(district, login):
    page = login("center").get(reverse("portal_staff_moderation")).content.decode()
    assert f'href="{URL}"' in page
    assert reverse("portal_staff_board_settings") == URL


def test_a_center_sees_its_own_community_and_turns_approval_on_and_off(district, login):
    client = login("center")
    page = client.get(URL).content.decode()
    assert f'data-community="{district.jinquan.pk}"' in page
    assert f'data-community="{district.xifeng.pk}"' not in page
    assert 'data-approval="0"' in page

    response = client.post(URL, {"community": district.jinquan.pk, "require_approval": "1"})
    assert response.status_code == 302 and response["Location"] == URL
    assert BoardSetting.objects.get(community=district.jinquan).require_approval is True
    page = client.get(URL).content.decode()
    assert 'data-approval="1"' in page and "留言板已设为先审后发" in page

    client.post(URL, {"community": district.jinquan.pk, "require_approval": "0"})
    assert BoardSetting.objects.get(community=district.jinquan).require_approval is False


def test_a_post_waits_for_approval_once_it_is_on(district, login):
    from gongzhi.portal import selectors, services
    from gongzhi.portal.tests.conftest import resident

    login("center").post(URL, {"community": district.jinquan.pk, "require_approval": "1"})
    case = services.post_create(account=resident(district), text="三楼楼道灯坏了一周")
    assert case.board.status == "pending"
    assert case.pk not in {c.pk for c in selectors.board_posts(district.jinquan)}


def test_another_communitys_id_is_refused_with_a_403_and_writes_nothing(district, login):
    response = login("center").post(URL, {"community": district.xifeng.pk, "require_approval": "1"})
    assert response.status_code == 403
    assert "您无权修改该社区留言板设置" in response.content.decode()
    assert not BoardSetting.objects.exists()


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({}, 400, "请选择社区"),
        ({"community": "", "require_approval": "1"}, 400, "请选择社区"),
        ({"community": "abc", "require_approval": "1"}, 400, "社区编号应为正整数"),
        ({"community": "-1", "require_approval": "1"}, 400, "社区编号应为正整数"),
        ({"community": "9" * 40, "require_approval": "1"}, 400, "社区编号应为正整数"),
        ({"community": "1\x00", "require_approval": "1"}, 400, "非法的空字符"),
        ({"community": "JINQUAN", "require_approval": "maybe"}, 400, "请选择留言是否先审后发"),
        ({"community": "999999999", "require_approval": "1"}, 404, "社区不存在"),
    ],
)
def test_bad_input_gets_a_chinese_message_and_writes_nothing(
    district, login, data, status, message
):
    if data.get("community") == "JINQUAN":
        data = data | {"community": district.jinquan.pk}
    response = login("center").post(URL, data)
    assert response.status_code == status
    page = response.content.decode()
    assert message in page and _has_chinese(page)
    assert not BoardSetting.objects.exists()


def test_a_grid_that_is_not_a_community_is_refused(district, login):
    response = login("admin").post(URL, {"community": district.unit_a.pk, "require_approval": "1"})
    assert response.status_code == 404 and "社区不存在" in response.content.decode()
    assert not BoardSetting.objects.exists()


def test_only_the_moderating_roles_reach_the_page(district, login):
    assert login("gridworker").get(URL).status_code == 403
    assert not BoardSetting.objects.exists()


def test_the_administrator_sets_any_community(district, login):
    client = login("admin")
    page = client.get(URL).content.decode()
    assert f'data-community="{district.xifeng.pk}"' in page
    client.post(URL, {"community": district.xifeng.pk, "require_approval": "1"})
    assert BoardSetting.objects.get(community=district.xifeng).require_approval is True
