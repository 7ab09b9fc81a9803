"""portal.js takes its messages from data-t-* attributes on <body>, translated by the page."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

KEYS = (
    "kiosk-warn",
    "geo-ok",
    "geo-fail",
    "suggest",
    "max-photos",
    "sending",
    "failed",
    "http-failed",
    "retrying",
)


def _messages(client) -> dict[str, str]:
    body = client.get("/").content.decode()
    return dict(re.findall(r'data-t-([a-z-]+)="([^"]*)"', body))


def test_the_portal_page_carries_every_script_message_in_chinese_by_default(client):
    messages = _messages(client)
    assert set(KEYS) <= set(messages)
    assert messages["retrying"] == "网络异常,正在重试(第%s次)……"
    assert "%s" in messages["kiosk-warn"]


def test_the_script_messages_are_english_under_english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    messages = _messages(client)
    assert set(KEYS) <= set(messages)
    for key in KEYS:
        assert not re.search(r"[\u4e00-\u9fff]", messages[key]), (key, messages[key])
    assert "%s" in messages["retrying"] and "%s" in messages["http-failed"]
    assert '<html lang="en"' in client.get("/").content.decode()


def test_the_script_has_no_chinese_message_of_its_own():
    from django.contrib.staticfiles import finders

    source = Path(finders.find("portal/portal.js")).read_text(encoding="utf-8")
    code = "\n".join(
        line for line in source.splitlines() if not line.lstrip().startswith(("//", "/*"))
    )
    assert not re.search(r"[\u4e00-\u9fff]", code)
