"""/workbench/sw.js: what the workbench's service worker may keep on the phone."""

import json
import re

import pytest

from gongzhi.workbench.pwa import offline_pages

pytestmark = pytest.mark.django_db


def test_the_worker_script_lists_only_the_form_pages(client):
    response = client.get("/workbench/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "no-cache" in response["Cache-Control"]
    pages = json.loads(re.search(r"const PAGES = (\[.*?\]);", response.content.decode()).group(1))
    assert pages == offline_pages()
    assert "/workbench/diary/new/" in pages
    for private in ("/workbench/diary/", "/workbench/reviews/", "/workbench/stats/"):
        assert private not in pages


def test_the_form_pages_register_the_worker_with_the_workbench_scope(district, login):
    body = login("gridworker").get("/workbench/diary/new/").content.decode()
    assert 'data-sw="/workbench/sw.js"' in body
    assert 'data-sw-scope="/workbench/"' in body
