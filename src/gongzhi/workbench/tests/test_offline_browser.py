"""The offline queue in a real browser at a phone viewport (issue 6 "Done when")."""

import pytest
from django.conf import settings
from django.test import Client

from gongzhi.core.testing import PASSWORD
from gongzhi.workbench.models import DiaryEntry


def _sign_in(page, base_url: str, username: str) -> None:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}]
    )


def _write(page, text: str) -> None:
    page.get_by_label("内容").fill(text)
    page.locator("#diary-submit").click()


@pytest.mark.browser
def test_entries_written_offline_arrive_once_each_when_back_online(
    live_server_url, district, phone_page
):
    page = phone_page
    _sign_in(page, live_server_url, "gridworker")
    page.goto(f"{live_server_url}/workbench/diary/new/")
    page.context.set_offline(True)

    _write(page, "离线日记一:看望独居老人")
    _write(page, "离线日记二:调解邻里纠纷")
    assert page.locator("#wb-queue-count").inner_text() == "2"
    assert page.locator("#wb-queue").is_visible()
    assert DiaryEntry.objects.count() == 0

    page.context.set_offline(False)
    page.wait_for_function("document.getElementById('wb-queue').hidden === true")
    assert page.locator("#wb-queue-count").inner_text() == "0"
    texts = sorted(DiaryEntry.objects.values_list("text", flat=True))
    assert texts == ["离线日记一:看望独居老人", "离线日记二:调解邻里纠纷"]

    # A reload resends nothing: the queue is empty and the rows stay two.
    page.reload()
    page.wait_for_timeout(1000)
    assert DiaryEntry.objects.count() == 2
