"""The workbench's service worker: a form page opens with no connection at all (issue 6)."""

import pytest

from gongzhi.workbench.models import DiaryEntry

from .test_offline_browser import _sign_in

pytestmark = pytest.mark.browser


def _controlled(page) -> None:
    """Wait until the workbench's service worker controls the page (a reload after install)."""
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.ready")
    page.evaluate("navigator.serviceWorker.ready")
    if not page.evaluate("!!navigator.serviceWorker.controller"):
        page.reload()
    page.wait_for_function("!!navigator.serviceWorker.controller")


def test_the_diary_form_opens_offline_and_its_entry_arrives_once_back_online(
    live_server_url, district, phone_page
):
    page = phone_page
    _sign_in(page, live_server_url, "gridworker")
    form_url = f"{live_server_url}/workbench/diary/new/"
    page.goto(form_url)
    _controlled(page)
    page.reload()  # this load, through the worker, keeps a copy of the form

    page.context.set_offline(True)
    page.goto("about:blank")
    page.goto(form_url)  # a cold load with no connection
    page.get_by_label("内容").fill("地下室里写的日记")
    page.locator("#diary-submit").click()
    assert page.locator("#wb-queue-count").inner_text() == "1"
    assert DiaryEntry.objects.count() == 0

    page.context.set_offline(False)
    page.wait_for_function("document.getElementById('wb-queue').hidden === true")
    assert list(DiaryEntry.objects.values_list("text", flat=True)) == ["地下室里写的日记"]


def test_a_page_with_residents_details_is_not_kept_for_offline(
    live_server_url, district, phone_page
):
    page = phone_page
    _sign_in(page, live_server_url, "gridworker")
    page.goto(f"{live_server_url}/workbench/diary/new/")
    _controlled(page)
    page.goto(f"{live_server_url}/workbench/diary/")  # the list of entries: never cached
    page.goto(f"{live_server_url}/workbench/diary/new/")
    kept = page.evaluate(
        """caches.open("gongzhi-workbench-v1").then((c) => c.keys())
             .then((keys) => keys.map((r) => new URL(r.url).pathname))"""
    )
    assert "/workbench/diary/new/" in kept
    assert "/workbench/diary/" not in kept


def test_signing_out_drops_the_kept_pages(live_server_url, district, phone_page):
    page = phone_page
    _sign_in(page, live_server_url, "gridworker")
    page.goto(f"{live_server_url}/workbench/diary/new/")
    _controlled(page)
    page.reload()
    kept = """caches.open("gongzhi-workbench-v1").then((c) => c.keys())
                .then((keys) => keys.map((r) => new URL(r.url).pathname))"""
    assert "/workbench/diary/new/" in page.evaluate(kept)
    count = "caches.open('gongzhi-workbench-v1').then((c) => c.keys()).then((k) => k.length)"
    page.context.clear_cookies()  # the session is gone: the form redirects to the sign-in page
    page.goto(f"{live_server_url}/workbench/diary/new/")
    page.wait_for_function(f"{count}.then((n) => n === 0)")
