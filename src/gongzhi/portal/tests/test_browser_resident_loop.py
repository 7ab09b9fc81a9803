"""The seed's story as 茹玉芳 on a 360 px phone (issue 15): she posts, is told at each step,
the grid worker calls her back through the audited tap-to-dial, the center is told the case
waits for 核查, and she rates it. Plus the emergency pages, kept for offline use."""

import re

import pytest

from gongzhi.cases.models import Case, CaseEvent, Notification, State
from gongzhi.cases.services import case_act
from gongzhi.core.models import AuditLog
from gongzhi.core.pytest_browser import new_phone_context
from gongzhi.org.models import Center
from gongzhi.realtime.tests.conftest import staff_session

from .test_browser_portal import sign_in

pytestmark = [pytest.mark.browser]
WEEDS = "公园路46号楼院杂草清除不及时,希望能及时清除。"


def act(case, user, action, **params):
    case = Case.objects.get(pk=case.pk)
    return case_act(case=case, by=user, action=action, expected_version=case.version, **params)


def test_ru_yufang_is_told_called_back_and_rates_on_a_phone(live_server_url, browser, district):
    d, base = district, live_server_url
    context = new_phone_context(browser)
    page = context.new_page()
    sign_in(page, base)
    page.goto(base + "/post/new/")
    page.get_by_label("问题或建议").fill(WEEDS)
    page.get_by_role("button", name="提交留言").click()
    page.wait_for_url(re.compile(r"/me/posts/"), wait_until="domcontentloaded", timeout=30_000)
    case = Case.objects.get()

    act(case, d.users["center"], "accept")
    act(case, d.users["gridworker"], "self_handle")

    # The grid worker, holding the case, taps 回电 on their phone.
    worker = new_phone_context(browser)
    worker.add_cookies(
        [{"name": "sessionid", "value": staff_session(d.users["gridworker"]), "url": base}]
    )
    wpage = worker.new_page()
    wpage.goto(f"{base}/cases/{case.number}/")
    wpage.get_by_role("button", name="回电").click()
    dial = wpage.locator("[data-dial]")
    assert dial.get_attribute("href") == "tel:13800001234"
    assert AuditLog.objects.filter(reason="回电", actor=d.users["gridworker"]).count() == 1
    assert CaseEvent.objects.filter(case=case, action="callback").exists()
    worker.close()

    act(case, d.users["gridworker"], "resolve", comment="杂草已清理干净")
    assert Notification.objects.filter(case=case, kind="waits_verify", user=d.users["center"])
    act(case, d.users["center"], "verify")
    act(case, d.users["center"], "close", comment="已办结")

    page.goto(base + "/me/")
    assert page.locator("[data-unread]").inner_text().startswith("5")  # received … closed
    page.locator("[data-nav-messages]").click()
    page.wait_for_url(re.compile(r"/me/messages/"))
    shown = page.locator("[data-message]").evaluate_all("els => els.map(e => e.dataset.message)")
    assert {"case_accepted", "case_resolved", "case_closed"} <= set(shown)
    assert page.locator("[data-unread]").count() == 0
    box = page.locator("main").bounding_box()
    assert box["width"] <= 360

    page.get_by_role("link", name="查看办理进度").first.click()
    card = page.locator(f"[data-case='{case.number}']")
    card.get_by_text("满意", exact=True).click()  # big toggle buttons: she taps the label
    card.get_by_text("5星", exact=True).click()
    assert card.get_by_label("满意", exact=True).is_checked()
    card.get_by_role("button", name="提交评价").click()
    page.get_by_text("感谢您的评价").wait_for()
    assert Case.objects.get(pk=case.pk).state == State.FOLLOWED_UP
    context.close()


def test_the_hotline_page_and_emergency_numbers_work_offline(live_server_url, browser, district):
    Center.objects.filter(grid=district.jinquan).update(
        duty_phone="09372880000", hotline="09372888888"
    )
    context = new_phone_context(browser)
    page = context.new_page()
    page.goto(live_server_url + "/hotline/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    # The worker fetched the hotline page at install (it is public): wait for the copy.
    page.wait_for_function("async () => !!(await caches.match('/hotline/'))")

    context.set_offline(True)
    page.goto(live_server_url + "/hotline/")
    assert page.locator('a[href="tel:09372888888"]').is_visible()
    assert page.locator('a[href="tel:110"]').is_visible()
    page.goto(live_server_url + "/board/")  # a page never kept: the offline page stands in
    assert page.get_by_text("网络已断开").first.is_visible()
    assert page.locator('a[href="tel:120"]').is_visible()
    context.close()
