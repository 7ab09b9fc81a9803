"""The browser-test plumbing itself: real Chromium, phone viewport, uvicorn on the test DB."""

import json

import pytest

from gongzhi.grids.services import grid_add_child, grid_create_root

pytestmark = [pytest.mark.browser]


def test_the_live_server_sees_rows_the_test_wrote(live_server_url, phone_page):
    root = grid_create_root()
    grid_add_child(parent=root, name="浏览器测试社区")

    phone_page.goto(live_server_url + "/board/")

    assert phone_page.get_by_text("浏览器测试社区").is_visible()


def test_the_phone_page_has_a_phone_viewport_and_chinese_locale(live_server_url, phone_page):
    phone_page.goto(live_server_url + "/healthz")

    width = phone_page.evaluate("window.innerWidth")
    lang = phone_page.evaluate("navigator.language")
    health = json.loads(phone_page.locator("body").inner_text())
    assert (width, lang, health["database"]["ok"]) == (360, "zh-CN", True)
