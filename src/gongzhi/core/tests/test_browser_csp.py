"""In a real browser, the Content Security Policy blocks nothing the pages need: no CSP
violation on the staff pages, the API docs (Swagger UI) and the admin (issue 12, finding 7)."""

import pytest
from django.test import Client

from gongzhi.core.pytest_browser import new_phone_context

pytestmark = pytest.mark.browser
PAGES = ["/grids/", "/cases/", "/realtime/staff/", "/api/docs/", "/admin/", "/hall/"]


def test_staff_pages_raise_no_csp_violation(browser, live_server_url, district):
    client = Client()
    client.force_login(district.users["admin"])
    context = new_phone_context(browser)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server_url}]
    )
    violations = []
    try:
        page = context.new_page()
        page.on(
            "console", lambda m: "Content Security Policy" in m.text and violations.append(m.text)
        )
        for path in PAGES:
            response = page.goto(live_server_url + path)
            assert response.status == 200, path
            assert "script-src 'self'" in response.headers["content-security-policy"]
            page.wait_for_load_state("load")
        page.goto(live_server_url + "/api/docs/")
        page.wait_for_selector(".swagger-ui .info", timeout=15000)  # the UI rendered
    finally:
        context.close()
    assert violations == []
