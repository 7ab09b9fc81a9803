"""Every URL of the site, fed garbage, answers without a server error (rule 6).

For each URL pattern, path arguments are filled with an id that exists in the test district
and with one that does not; then the page is requested with a garbage query string and
posted a garbage form, anonymously and as staff. Any 5xx is a failure. Views that stream
for long (the realtime event streams) and the API schema renderers are skipped by name.
"""

from __future__ import annotations

import copy
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

GARBAGE_QUERY = {
    "page": "-1'", "page_size": "x", "q": "<script>alert(1)</script>", "period": "zzz",
    "grid": "abc", "start": "2026-13-45", "end": "昨天", "format": "☃", "level": "99",
    "status": "%00", "category": "999999", "sort": "../../etc", "lat": "nan", "lng": "inf",
}  # fmt: skip
GARBAGE_FORM = {
    **GARBAGE_QUERY,
    "text": "x" * 20000, "title": "", "description": "\x00", "id_number": "12345",
    "phone": "not-a-phone", "amount": "-1e400", "date": "0000-00-00", "choice": "maybe",
    "household": "abc", "resident": "-5", "rating": "great", "stars": "9",
}  # fmt: skip
# /readyz answers 503 on purpose when a dependency is down (no task worker runs in tests);
# its own tests are in test_readyz.py.
SKIP_NAMES = {"schema", "swagger-ui", "redoc", "javascript-catalog", "readyz"}
SKIP_PREFIXES = ("admin/", "static/", "media/")


def _patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            yield from _patterns(p, route)
        elif isinstance(p, URLPattern):
            yield route, p


def _fill(route: str, value: str) -> str | None:
    """A concrete path for a route: every argument gets `value`. DRF's regex routes are
    filled the same way; their format-suffix variants and other regex routes are skipped."""
    if "(?P<format>" in route:
        return None
    route = route.replace("^", "").replace("$", "")
    route = re.sub(r"\(\?P<\w+>[^()]*\)", value, route)  # DRF's (?P<pk>[^/.]+) and the like
    if re.search(r"[()\[\]?*+\\]", route):
        return None  # some other regex (static serving): not ours

    def sub(m):
        conv, name = m.group(1) or "str", m.group(2)
        if name in ("fmt", "format"):
            return "json"
        if conv == "path":
            return "no/such/thing"
        if conv == "uuid":
            return "00000000-0000-0000-0000-000000000000"
        return value

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", sub, route)


def _urls():
    seen = set()
    for route, pattern in _patterns():
        if route.startswith(SKIP_PREFIXES) or (pattern.name or "") in SKIP_NAMES:
            continue
        for value in ("1", "999999"):
            url = _fill(route, value)
            if url and url not in seen:
                seen.add(url)
                yield url


class Persona:
    """A client signed in once as `who` (staff username, "resident", or None).

    Before each request its cookies are put back as they were right after signing in, and
    when a response touched the session (a sign-out, the kiosk, a language switch that
    saves) it signs in afresh: every request starts from the same state, as if from a new
    client, without paying for a sign-in per request.
    """

    def __init__(self, who: str | None) -> None:
        self.who = who
        self._sign_in()

    def _sign_in(self) -> None:
        from django.contrib.auth import get_user_model
        from django.contrib.sessions.backends.db import SessionStore

        from gongzhi.portal.auth import SESSION_KEY
        from gongzhi.portal.services import account_get_or_create

        self.client = Client(raise_request_exception=False)
        if self.who == "resident":
            store = SessionStore()
            store[SESSION_KEY] = account_get_or_create(phone="13800001234").pk
            store.create()
            self.client.cookies[settings.SESSION_COOKIE_NAME] = store.session_key
        elif self.who:
            self.client.force_login(get_user_model().objects.get(username=self.who))
        self.cookies = copy.deepcopy(self.client.cookies)

    def request(self, method: str, url: str, data: dict):
        self.client.cookies = copy.deepcopy(self.cookies)
        response = getattr(self.client, method)(url, data)
        if settings.SESSION_COOKIE_NAME in response.cookies:
            self._sign_in()
        return response


@pytest.mark.parametrize("who", [None, "center", "gridworker", "resident"])
def test_no_url_answers_garbage_with_a_server_error(district, who):
    persona = Persona(who)
    failures, answered = [], 0
    for url in _urls():
        for method, data in (("get", GARBAGE_QUERY), ("post", GARBAGE_FORM)):
            try:
                response = persona.request(method, url, data)
            except Exception as exc:  # noqa: BLE001 - reported below with the URL
                failures.append((method, url, repr(exc)[:200]))
                persona = Persona(who)
                continue
            if response.status_code >= 500:
                failures.append((method, url, response.status_code))
            elif response.status_code not in (301, 302, 303):
                answered += 1
    assert failures == []
    assert answered > 100  # the pages were reached, not only redirects to the sign-in page


def test_the_walk_covers_the_apps_pages_with_real_and_missing_ids():
    urls = set(_urls())
    for url in (
        "/workbench/diary/new/",
        "/cases/1/",
        "/cases/999999/",
        "/api/v1/cases/1/",
    ):
        assert url in urls
    assert not any(url.startswith("/admin/") or "^" in url or "(" in url for url in urls)
