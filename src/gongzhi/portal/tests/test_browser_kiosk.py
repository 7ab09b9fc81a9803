"""The kiosk's idle timer in real Chromium at a kiosk (portrait touch screen) viewport.

Playwright's fake clock drives the page's timers, so no test waits for real seconds."""

import pytest

from gongzhi.core.pytest_browser import new_phone_context

from .test_browser_portal import RESIDENT_PHONE

pytestmark = [pytest.mark.browser]
KIOSK_VIEWPORT = {"width": 1080, "height": 1920}
IDLE = 30


def sign_in_at_kiosk(page, base: str) -> None:
    page.goto(base + "/login/")
    page.get_by_label("手机号").fill(RESIDENT_PHONE)
    page.get_by_role("button", name="获取验证码").click()
    code = page.locator("[data-demo-code]").get_attribute("data-demo-code")
    page.get_by_label("验证码").fill(code)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(base + "/kiosk/")  # "/" sends a kiosk back to its start screen


@pytest.fixture
def kiosk_page(browser):
    context = new_phone_context(browser, viewport=KIOSK_VIEWPORT)
    page = context.new_page()
    page.clock.install()
    yield page
    context.close()


def test_an_idle_kiosk_signs_the_visitor_out_and_returns_to_the_start_screen(
    live_server_url, kiosk_page, district
):
    page, base = kiosk_page, live_server_url
    page.goto(f"{base}/kiosk/?idle={IDLE}")
    sign_in_at_kiosk(page, base)
    assert "已登录" in page.locator("main").inner_text()
    page.get_by_role("link", name="政策查询").click()
    page.wait_for_url(base + "/policies/")

    page.clock.run_for((IDLE - 5) * 1000)
    warning = page.locator("[data-kiosk-warning]").inner_text()
    page.clock.run_for(6 * 1000)
    page.wait_for_url(base + "/kiosk/")

    assert "秒后将退出" in warning
    assert "已登录" not in page.locator("main").inner_text()


def test_a_kiosk_in_use_is_not_reset(live_server_url, kiosk_page, district):
    page, base = kiosk_page, live_server_url
    page.goto(f"{base}/kiosk/?idle={IDLE}")
    page.get_by_role("link", name="政策查询").click()
    page.wait_for_url(base + "/policies/")

    for _ in range(3):
        page.clock.run_for((IDLE - 10) * 1000)
        page.get_by_role("searchbox").click()  # a touch resets the timer

    assert page.url == base + "/policies/"
    assert page.locator("[data-kiosk-warning]").count() == 0
