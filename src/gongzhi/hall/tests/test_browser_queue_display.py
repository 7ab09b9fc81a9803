"""The hall's calling display updates in a real browser when a window calls a number."""

import pytest

from gongzhi.hall.queue import ticket_issue

pytestmark = pytest.mark.browser


def test_the_display_shows_a_number_as_soon_as_a_window_calls_it(
    hall, live_server_url, phone_page, client
):
    from playwright.sync_api import expect

    center = hall["w1"].center
    ticket_issue(service=hall["A"])
    phone_page.goto(f"{live_server_url}/hall/{center.pk}/display/")
    expect(phone_page.get_by_text("暂无叫号")).to_be_visible()

    # The window clerk presses 叫下一位 on the staff desk.
    from gongzhi.core.testing import PASSWORD

    assert client.login(username="center", password=PASSWORD)
    response = client.post(f"/hall/windows/{hall['w1'].pk}/call/")
    assert response.status_code == 302

    expect(phone_page.get_by_test_id("current-number")).to_have_text("A001", timeout=10_000)
    expect(phone_page.get_by_test_id("current-window")).to_have_text("1号窗口")
