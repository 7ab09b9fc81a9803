"""Every page carries a Content Security Policy that forbids inline script, and no page has
inline script or an inline event handler left (issue 12, finding 7). Each URL of the site is
requested by every persona; the HTML answers are searched for <script> without src (JSON data
blocks aside), on*= attributes and javascript: links."""

from __future__ import annotations

import re

import pytest

from gongzhi.core.tests.test_no_server_errors import Persona, _urls

pytestmark = pytest.mark.django_db

# The administrator sees nearly every staff page; the grid worker has the workbench.
PERSONAS = [None, "resident", "admin", "gridworker"]
NOT_HTML = ("/api/v1/", "/open311/", "/media/")
EXTRA = [
    "/api/docs/",
    "/admin/",
    "/admin/cases/holiday/",
    "/admin/cases/holiday/import/",
    "/admin/cases/holiday/add/",
    "/accounts/login/",
]
TAG = re.compile(r"<([a-zA-Z][\w-]*)(\s[^<>]*)?>", re.S)
HANDLER = re.compile(r"""\son[a-z]+\s*=""", re.I)
JSON_SCRIPT = re.compile(r"""type\s*=\s*["']?application/(ld\+)?json""", re.I)


def inline_script_problems(html: str) -> list[str]:
    problems = []
    for match in TAG.finditer(html):
        name, attrs = match.group(1).lower(), match.group(2) or ""
        if name == "script" and "src=" not in attrs and not JSON_SCRIPT.search(attrs):
            problems.append(match.group(0)[:80])
        if HANDLER.search(attrs) or "javascript:" in attrs.lower():
            problems.append(match.group(0)[:80])
    return problems


def test_the_checker_finds_what_it_looks_for():
    assert inline_script_problems("<script>alert(1)</script>")
    assert inline_script_problems('<button onclick="x()">')
    assert inline_script_problems('<select class="a"\n onchange="x()">')
    assert inline_script_problems('<a href="javascript:void(0)">')
    assert not inline_script_problems('<script src="/static/a.js"></script>')
    assert not inline_script_problems('<script type="application/json" id="d">{}</script>')
    assert not inline_script_problems("<p>onclick= in text is fine</p>")


@pytest.mark.parametrize("who", PERSONAS)
def test_every_page_has_a_csp_and_no_inline_script(district, who):
    problems, html_pages = [], 0
    urls = [u for u in _urls() if "999999" not in u and not u.startswith(NOT_HTML)] + EXTRA
    persona = Persona(who)
    for url in urls:
        response = persona.request("get", url, {})
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        if response.status_code >= 300 and response.status_code not in (400, 403, 404):
            continue
        html_pages += 1
        policy = response.get("Content-Security-Policy", "")
        if (
            "script-src 'self'" not in policy
            or "unsafe-inline" in policy.split("script-src")[1].split(";")[0]
        ):
            problems.append((url, "policy", policy[:80]))
        body = b"".join(response.streaming_content) if response.streaming else response.content
        for found in inline_script_problems(body.decode("utf-8", "replace")):
            problems.append((url, found))
    assert problems == []
    assert html_pages > 20
