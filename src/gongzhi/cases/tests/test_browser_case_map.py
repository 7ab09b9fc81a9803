"""The staff case map in real Chromium: markers and grid outlines drawn from local assets
only (no request leaves 127.0.0.1, no CSP violation), and a click opens the case."""

import re

import pytest
from django.test import Client

from gongzhi.core.pytest_browser import new_phone_context
from gongzhi.grids.models import Grid
from gongzhi.grids.testing import IN_UNIT_A, IN_UNIT_X, bound_district

from .conftest import report

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 900}


def staff_page(browser, base: str, user):
    client = Client()
    client.force_login(user)
    # A context that enforces the CSP: wait_for_selector needs no eval.
    context = new_phone_context(browser, viewport=DESKTOP, has_touch=False)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}]
    )
    return context, context.new_page()


def test_the_case_map_draws_local_markers_and_a_click_opens_the_case(
    browser, live_server_url, district
):
    bound_district(district)
    Grid.objects.filter(pk=district.unit_a.pk).update(center_lat=39.745, center_lng=98.505)
    here = report(district, grid=None, lat=IN_UNIT_A[0], lng=IN_UNIT_A[1], title="楼道灯不亮")
    there = report(district, by="xifeng_center", grid=None, lat=IN_UNIT_X[0], lng=IN_UNIT_X[1])
    context, page = staff_page(browser, live_server_url, district.users["leader"])
    requests, problems = [], []
    page.on("request", lambda r: requests.append(r.url))
    # (The console would also report the browser's own /favicon.ico probe: not counted.)
    page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"))
    page.on("console", lambda m: "Content Security Policy" in m.text and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    try:
        page.goto(live_server_url + "/cases/")
        page.get_by_role("link", name="事件地图").first.click()
        page.wait_for_url(re.compile(r"/cases/map/$"))
        page.wait_for_selector("#case-map[data-markers='2']")
        page.wait_for_selector("#case-map[data-outlines]")
        assert int(page.get_attribute("#case-map", "data-outlines")) >= 1
        assert "共 2 件" in page.inner_text("#map-summary")
        marker = page.locator(f".leaflet-marker-icon[title='{here.number}']")
        for _ in range(6):  # the two may share a cluster at the district's zoom: open it
            if marker.count() and marker.is_visible():
                break
            page.locator(".marker-cluster").first.click()
            page.wait_for_timeout(400)
        marker.click()
        page.wait_for_url(re.compile(rf"/cases/{here.number}/$"))
        assert "楼道灯不亮" in page.inner_text("h1")
        page.wait_for_selector("#case-place .leaflet-marker-icon")
    finally:
        context.close()
    assert there.number  # both were on the map (data-markers='2')
    local = [u for u in requests if not u.startswith(live_server_url + "/")]
    assert local == [], local
    assert any("/static/leaflet/leaflet.js" in u for u in requests)
    assert any("/static/leaflet/images/marker-icon.png" in u for u in requests)
    assert problems == []
