"""The resident's map pin on a post and the hotline intake's pin place the case in the grid
containing the point (grids.geo); a pin outside the district writes nothing (issue 16)."""

import pytest
from django.urls import reverse

from gongzhi.cases.models import Case
from gongzhi.grids.testing import IN_UNIT_B, IN_UNIT_X, bound_district
from gongzhi.hotline.models import HotlineCall
from gongzhi.hotline.tests.test_hotline import finish, start
from gongzhi.portal import services

from .conftest import resident, sign_in


@pytest.fixture
def bounded(district):
    bound_district(district)
    return district


def post(client, **data):
    form = client.get(reverse("portal_post_new")).context["form"]
    payload = {"text": "楼道灯坏了", "key": form.initial["key"], "is_public": "on"} | data
    return client.post(reverse("portal_post_new"), payload)


def test_the_post_form_offers_a_map_to_pick_the_place(bounded, client):
    sign_in(client, resident(bounded, unit=bounded.unit_a))
    page = client.get(reverse("portal_post_new")).content.decode()
    assert 'data-map="pick"' in page and 'data-lat-input="id_lat"' in page
    assert "leaflet/leaflet.js" in page and 'data-bounds="98.2,39.0,99.4,40.0"' in page


def test_a_post_with_a_pin_lands_in_the_grid_containing_it(bounded, client):
    sign_in(client, resident(bounded, unit=bounded.unit_a))
    response = post(client, lat=IN_UNIT_B[0], lng=IN_UNIT_B[1])
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.grid == bounded.unit_b and (case.lat, case.lng) == IN_UNIT_B


def test_a_post_without_a_pin_lands_in_the_residents_unit(bounded, client):
    sign_in(client, resident(bounded, unit=bounded.unit_a))
    assert post(client).status_code == 302
    assert Case.objects.get().grid == bounded.unit_a


def test_a_pin_outside_the_district_is_refused_and_writes_nothing(bounded, client):
    sign_in(client, resident(bounded, unit=bounded.unit_a))
    response = post(client, lat="30.0", lng="100.0")
    assert response.status_code == 400
    assert "该位置不在本区网格范围内" in response.content.decode()
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    "lat, lng",
    [("abc", "98.5"), ("91", "98.5"), ("nan", "98.5"), ("39.7", "inf"), ("39.7\x00", "98.5")],
)
def test_a_garbage_pin_is_refused_and_writes_nothing(bounded, client, lat, lng):
    sign_in(client, resident(bounded, unit=bounded.unit_a))
    response = post(client, lat=lat, lng=lng)
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_the_service_places_a_pinned_post_by_its_point(bounded):
    account = resident(bounded, unit=bounded.unit_a)
    case = services.post_create(
        account=account, text="井盖丢了", lat=IN_UNIT_X[0], lng=IN_UNIT_X[1]
    )
    assert case.grid == bounded.unit_x


# --- hotline intake ------------------------------------------------------------------------


def test_the_intake_screen_offers_a_map_that_names_the_grid_of_the_pin(bounded, login):
    client = login("center")
    start(client)
    page = client.get(reverse("portal_staff_hotline_call", args=[HotlineCall.objects.get().pk]))
    html = page.content.decode()
    assert 'data-map="pick"' in html and reverse("grids:locate") in html


def test_a_hotline_case_with_a_pin_and_no_grid_lands_in_the_grid_of_the_pin(bounded, login):
    client = login("center")
    start(client)
    call = HotlineCall.objects.get()
    response = finish(
        client,
        call,
        matter="楼道灯坏了",
        outcome="case",
        category="0102",
        lat=IN_UNIT_B[0],
        lng=IN_UNIT_B[1],
    )
    assert response.status_code == 302
    case = HotlineCall.objects.get().case
    assert case.grid == bounded.unit_b and (case.lat, case.lng) == IN_UNIT_B


def test_a_chosen_grid_wins_over_the_pin(bounded, login):
    client = login("center")
    start(client)
    call = HotlineCall.objects.get()
    finish(
        client,
        call,
        matter="楼道灯坏了",
        outcome="case",
        category="0102",
        grid=str(bounded.unit_a.pk),
        lat=IN_UNIT_B[0],
        lng=IN_UNIT_B[1],
    )
    assert HotlineCall.objects.get().case.grid == bounded.unit_a


@pytest.mark.parametrize(
    "lat, lng, message",
    [
        (IN_UNIT_X[0], IN_UNIT_X[1], "无权在该网格登记"),  # 西峰镇: outside 金泉路's scope
        (30.0, 100.0, "不在本区网格范围内"),
        ("abc", "98.5", "位置坐标无效"),
    ],
)
def test_a_pin_outside_the_scope_or_the_district_writes_nothing(bounded, login, lat, lng, message):
    client = login("center")
    start(client)
    call = HotlineCall.objects.get()
    response = finish(
        client, call, matter="楼道灯坏了", outcome="case", category="0102", lat=lat, lng=lng
    )
    assert response.status_code == 400 and message in response.content.decode()
    assert not Case.objects.exists()
    assert HotlineCall.objects.get().status == HotlineCall.Status.OPEN
