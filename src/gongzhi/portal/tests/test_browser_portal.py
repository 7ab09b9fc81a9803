"""The resident's journey in real Chromium at a phone viewport against a real server."""

import re

import pytest

from gongzhi.cases.models import Case, FollowUp, State
from gongzhi.cases.services import case_act
from gongzhi.core.pytest_browser import new_phone_context

from .conftest import png_bytes

pytestmark = [pytest.mark.browser]
RESIDENT_PHONE = "13800001234"  # a_head in the district fixture: bound to unit_a by the registry


@pytest.fixture
def media_dir(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the server thread reads the same settings object
    return tmp_path


def sign_in(page, base: str, phone: str = RESIDENT_PHONE) -> None:
    page.goto(base + "/login/")
    page.get_by_label("手机号").fill(phone)
    page.get_by_role("button", name="获取验证码").click()
    code = page.locator("[data-demo-code]").get_attribute("data-demo-code")
    page.get_by_label("验证码").fill(code)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base + "/")


def act(case, user, action, **params):
    return case_act(case=case, by=user, action=action, expected_version=case.version, **params)


def test_a_resident_signs_in_with_the_sms_code_from_the_demo_banner(
    live_server_url, phone_page, district
):
    sign_in(phone_page, live_server_url)

    assert phone_page.get_by_text("已登录").is_visible()
    assert "公园路46号楼院" in phone_page.locator("main").inner_text()


def test_a_post_with_a_photo_is_handled_by_staff_and_rated_by_the_resident(
    live_server_url, phone_page, district, media_dir
):
    page = phone_page
    sign_in(page, live_server_url)
    page.goto(live_server_url + "/post/new/")
    page.get_by_label("问题或建议").fill("楼道里的路灯坏了,晚上看不见")
    page.get_by_label("照片(最多9张)").set_input_files(
        files=[{"name": "lamp.png", "mimeType": "image/png", "buffer": png_bytes((800, 600))}]
    )
    page.get_by_role("button", name="提交留言").click()
    page.wait_for_url(re.compile(r"/me/posts/"), wait_until="domcontentloaded", timeout=30_000)

    case = Case.objects.get()
    # Sent by the script (fetch), and still told so on the page it lands on (issue 15.8).
    assert f"提交成功!您的留言编号 {case.number}" in page.get_by_role("alert").inner_text()
    assert (case.category.code, case.attachments.count()) == ("04", 1)
    gridworker, center = district.users["gridworker"], district.users["center"]
    for user, action, comment in (
        (gridworker, "accept", ""),
        (gridworker, "self_handle", ""),
        (gridworker, "resolve", "路灯已更换"),
        (center, "verify", ""),
        (center, "close", "已办结"),
    ):
        case = act(case, user, action, comment=comment)

    page.reload()
    card = page.locator(f"[data-case='{case.number}']")
    assert "路灯已更换" in card.inner_text()
    card.get_by_text("满意", exact=True).click()  # big toggle buttons: she taps the label
    card.get_by_text("5星", exact=True).click()
    assert card.get_by_label("满意", exact=True).is_checked()
    card.get_by_role("button", name="提交评价").click()
    page.get_by_text("感谢您的评价").wait_for()

    follow_up = FollowUp.objects.get(case=case)
    assert (follow_up.rating, follow_up.stars, follow_up.by) == ("satisfied", 5, case.reporter_user)
    assert Case.objects.get().state == State.FOLLOWED_UP


def test_a_post_sent_while_the_network_drops_is_retried_and_creates_exactly_one_case(
    live_server_url, browser, district, media_dir
):
    # Service workers are blocked so page.route sees the page's own requests.
    context = new_phone_context(browser, service_workers="block")
    page = context.new_page()
    sign_in(page, live_server_url)
    page.goto(live_server_url + "/post/new/")
    key = page.locator("input[name=key]").input_value()
    page.get_by_label("问题或建议").fill("小区门口垃圾没人清理")
    lost = []

    def lose_first_response(route):
        # The first attempt that gets through reaches the server, but its answer is lost.
        if not lost:
            lost.append(route.fetch().status)
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route("**/post/new/", lose_first_response)
    context.set_offline(True)
    page.get_by_role("button", name="提交留言").click()
    page.get_by_text("网络异常,正在重试").wait_for()
    context.set_offline(False)
    page.wait_for_url(re.compile(r"/me/posts/"), wait_until="domcontentloaded", timeout=30_000)
    context.close()

    case = Case.objects.get()
    assert lost == [200] and case.idempotency_key.endswith(key)
