"""Policy search at a 360 px phone in big-font mode, reached from the home page's tile."""

import pytest

from gongzhi.hall import services as hall_services

pytestmark = [pytest.mark.browser]


def test_policy_search_fits_a_360px_phone_in_big_font_mode(live_server_url, phone_page, district):
    hall_services.article_save(
        by=district.users["admin"],
        title="城乡最低生活保障申请办理指南(2026年修订版)",
        body="申请低保需要准备身份证、户口簿和收入证明。" * 20,
        category="民生保障",
    )
    hall_services.faq_save(
        by=district.users["admin"], question="低保多久审批?", answer="20个工作日"
    )
    page = phone_page
    page.context.add_cookies([{"name": "portal_bigfont", "value": "1", "url": live_server_url}])
    page.goto(live_server_url + "/")
    page.get_by_role("link", name="政策查询").click()
    page.get_by_role("searchbox").fill("低保")
    page.get_by_role("button", name="搜索").click()
    page.get_by_text("低保多久审批?").click()

    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert "bigfont" in page.locator("html").get_attribute("class")
    assert page.get_by_text("20个工作日").is_visible() and widths[0] <= widths[1] == 360
