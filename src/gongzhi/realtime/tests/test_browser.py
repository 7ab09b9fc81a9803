import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from gongzhi.core.pytest_browser import new_phone_context
from gongzhi.realtime import services
from gongzhi.realtime.models import OneKeyCall

from .conftest import resident_session, staff_session

pytestmark = pytest.mark.browser


def _context(browser, url: str, session_key: str):
    context = new_phone_context(browser)
    context.add_cookies([{"name": "sessionid", "value": session_key, "url": url}])
    return context


def _call_for_help(context, url: str):
    """The resident presses the big button and confirms; returns the resident's page."""
    phone = context.new_page()
    phone.goto(f"{url}/realtime/call/")
    phone.get_by_role("button", name="一键呼叫").click()
    phone.get_by_role("button", name="确认呼叫").click()
    expect(phone.locator("#call-state")).to_contain_text("正在通知")
    return phone


def test_a_call_reaches_the_staff_browser_and_the_resident_sees_the_ack(
    browser, live_server_url, resident, community, district
):
    staff = _context(browser, live_server_url, staff_session(district.users["gridworker"]))
    home = _context(browser, live_server_url, resident_session(resident))
    try:
        console = staff.new_page()
        console.goto(f"{live_server_url}/realtime/staff/")
        expect(console.get_by_test_id("conn")).to_have_text("实时")

        phone = _call_for_help(home, live_server_url)

        call = OneKeyCall.objects.get(account=resident)
        card = console.locator(f'[data-call="{call.pk}"]')
        expect(card).to_contain_text(call.case.number)
        card.get_by_role("button", name="确认响应").click()
        expect(card).to_contain_text("已由 网格员甲 响应")
        expect(phone.locator("#call-state")).to_contain_text("网格员甲 已响应")
    finally:
        staff.close()
        home.close()


def test_a_live_room_question_appears_on_another_residents_screen(
    browser, live_server_url, resident, resident_b, district
):
    session = services.live_session_create(
        by=district.users["center"],
        topic="物业费答疑",
        scheduled_at=timezone.now(),
        hosts=[district.users["center"]],
    )
    asker = _context(browser, live_server_url, resident_session(resident))
    watcher = _context(browser, live_server_url, resident_session(resident_b))
    try:
        watch = watcher.new_page()
        watch.goto(f"{live_server_url}/realtime/live/{session.pk}/")
        expect(watch.locator("#conn")).to_have_text("实时")

        ask = asker.new_page()
        ask.goto(f"{live_server_url}/realtime/live/{session.pk}/")
        ask.locator("#ask-text").fill("<script>window.pwned=1</script>电梯什么时候修?")
        ask.get_by_role("button", name="发送").click()

        item = watch.locator("#questions [data-q]")
        expect(item).to_contain_text("<script>window.pwned=1</script>电梯什么时候修?")
        assert watch.evaluate("window.pwned") is None
        expect(item).to_contain_text(re.compile(r"茹\*"))
    finally:
        asker.close()
        watcher.close()


def test_the_staff_console_falls_back_to_polling_while_its_socket_is_refused(
    browser, live_server_url, resident, community, district
):
    staff = _context(browser, live_server_url, staff_session(district.users["gridworker"]))
    home = _context(browser, live_server_url, resident_session(resident))
    try:
        console = staff.new_page()
        refused = []

        def refuse(ws):  # every connection attempt to the staff socket is closed at once
            refused.append(ws.url)
            ws.close()

        console.route_web_socket(re.compile(r".*/ws/staff/$"), refuse)
        console.goto(f"{live_server_url}/realtime/staff/")
        expect(console.get_by_test_id("conn")).to_have_text("重连中")

        phone = _call_for_help(home, live_server_url)

        call = OneKeyCall.objects.get(account=resident)
        card = console.locator(f'[data-call="{call.pk}"]')
        expect(card).to_contain_text(call.case.number, timeout=10_000)  # polled every 3 s
        card.get_by_role("button", name="确认响应").click()
        expect(card).to_contain_text("已由 网格员甲 响应", timeout=10_000)
        expect(phone.locator("#call-state")).to_contain_text("网格员甲 已响应")
        assert refused, "the console never tried its socket"
        call.refresh_from_db()
        assert call.acknowledged_by == district.users["gridworker"]
    finally:
        staff.close()
        home.close()
