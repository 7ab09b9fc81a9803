"""A resident picks the place of a post on the map (offline default: grid outlines on a plain
background) in real Chromium; the case lands in the grid containing the pin."""

import re

import pytest

from gongzhi.cases.models import Case
from gongzhi.grids.geo import grid_for_point
from gongzhi.grids.testing import bound_district

from .test_browser_portal import sign_in

pytestmark = [pytest.mark.browser]


def test_a_resident_pins_the_place_of_a_post_on_the_map(live_server_url, phone_page, district):
    bound_district(district)
    page = phone_page
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    sign_in(page, live_server_url)
    page.goto(live_server_url + "/post/new/")
    page.get_by_label("问题或建议").fill("小区门口的井盖丢了")
    page.wait_for_selector("#post-map[data-outlines]")  # the townships drawn, no tiles
    page.locator("#post-map").click()  # the middle of the district
    lat, lng = float(page.input_value("#id_lat")), float(page.input_value("#id_lng"))
    assert 39.0 < lat < 40.0 and 98.2 < lng < 99.4
    assert page.inner_text("#pin-label") == f"{lat:.6f}, {lng:.6f}"
    page.get_by_role("button", name="提交留言").click()
    page.wait_for_url(re.compile(r"/me/posts/"), wait_until="domcontentloaded", timeout=30_000)

    case = Case.objects.get()
    assert (case.lat, case.lng) == (lat, lng)
    assert case.grid == grid_for_point(lat, lng)
    assert all(u.startswith(live_server_url + "/") for u in requests), requests
