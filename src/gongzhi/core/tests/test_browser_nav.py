"""The staff bar in a real browser: one line at 1366×768 whatever the role, and its 更多 menu
opens on a phone (local Bootstrap, no CDN)."""

import pytest
from django.test import Client

from gongzhi.core.pytest_browser import PHONE_VIEWPORT

from .test_navigation import add_waiting

pytestmark = pytest.mark.browser
LAPTOP = {"width": 1366, "height": 768}


def _signed_in(browser, live_server_url, user, **options):
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **options)
    context.set_default_timeout(15_000)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server_url}]
    )
    return context


# Test machines often have no CJK font: Chinese then renders as narrow "tofu" boxes and the bar
# would look shorter than it is. Every Chinese character is 1em wide in CJK fonts, as is the em
# dash in DejaVu/Liberation: the bar's text is measured with one em dash per character.
FULL_WIDTH = """() => {
  const walker = document.createTreeWalker(document.querySelector('nav.navbar'), NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode())
    n.nodeValue = n.nodeValue.replace(/[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]/g, '\u2014');
}"""
EM_WIDTH = """() => {
  const probe = document.createElement('span');
  probe.style.cssText = 'font-size:20px;position:absolute;white-space:nowrap';
  probe.textContent = '\u2014'.repeat(10);
  document.body.append(probe);
  const width = probe.getBoundingClientRect().width;
  probe.remove();
  return width;
}"""


def _bar_boxes(page) -> list[dict]:
    """Bounding boxes of the bar's visible parts: brand, each entry, and the right-hand side."""
    parts = page.locator(
        "nav.navbar .navbar-brand, #staff-nav > li, #nav > .navbar-nav:not(#staff-nav), "
        "#nav > .navbar-text, #nav > form"
    )
    return [parts.nth(i).bounding_box() for i in range(parts.count())]


@pytest.mark.parametrize("username", ["admin", "center"])
def test_the_staff_bar_is_one_line_on_a_1366_pixel_laptop(
    browser, live_server_url, district, username
):
    add_waiting(district)  # badges on 事件, 审核 … take room too
    staff = district.users[username].staff
    staff.name = "金泉路社区中心工作人员"  # as long as the demo's
    staff.save(update_fields=["name"])
    context = _signed_in(browser, live_server_url, district.users[username], viewport=LAPTOP)
    try:
        page = context.new_page()
        page.goto(live_server_url + "/grids/")
        page.wait_for_load_state("networkidle")
        assert page.locator("#navc-cases .badge").count() >= 2  # the waiting counts are in
        assert abs(page.evaluate(EM_WIDTH) - 200) < 4  # the stand-in is 1em wide here
        page.evaluate(FULL_WIDTH)
        boxes = _bar_boxes(page)
        assert len(boxes) > 5 and all(b is not None for b in boxes)
        tallest = max(b["height"] for b in boxes)
        bar = page.locator("nav.navbar").bounding_box()
        # One line: every part's middle on one horizontal line, and the bar one part high.
        middles = [b["y"] + b["height"] / 2 for b in boxes]
        assert max(middles) - min(middles) < 4, boxes
        assert bar["height"] < 2 * tallest, (bar, boxes)
        assert max(b["x"] + b["width"] for b in boxes) <= LAPTOP["width"]
    finally:
        context.close()


def test_on_a_phone_the_more_menu_opens_and_leads_to_its_pages(browser, live_server_url, district):
    context = _signed_in(
        browser, live_server_url, district.users["center"], viewport=PHONE_VIEWPORT, has_touch=True
    )
    try:
        page = context.new_page()
        page.goto(live_server_url + "/cases/")
        more = page.get_by_role("button", name="更多")
        assert not more.is_visible()  # folded away behind the menu button
        page.get_by_role("button", name="菜单").click()
        # Bootstrap animates the menu open (.collapsing, overflow hidden); a dropdown opened
        # inside it before the animation ends stays clipped on a slow machine.
        page.locator("#nav.collapse.show").wait_for(state="visible")
        more.click()
        workers = page.get_by_role("link", name="网格员")
        workers.wait_for(state="visible")
        box = workers.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE_VIEWPORT["width"]
        workers.click()
        page.wait_for_url("**/org/workers/")
    finally:
        context.close()
