"""The PWA shell, hotline numbers, the connection card and binding to a unit."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from gongzhi.org.models import Center
from gongzhi.portal import services
from gongzhi.portal.models import BindRequest

from .conftest import resident, sign_in

pytestmark = pytest.mark.django_db


def test_the_service_worker_is_served_at_the_root_scope_as_javascript(client):
    response = client.get("/sw.js")

    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert reverse("portal_offline") in response.content.decode()


def test_the_manifest_points_at_png_icons_that_exist(client):
    manifest = json.loads(client.get("/manifest.webmanifest").content)

    icons = [client.get(i["src"]) for i in manifest["icons"]]
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert [(r.status_code, r.content[:4]) for r in icons] == [(200, b"\x89PNG")] * 2


def test_home_is_the_residents_portal_with_the_bottom_nav(client):
    page = client.get("/").content.decode()

    assert "金泉之窗" in page and "连心卡" in page and 'rel="manifest"' in page


def test_the_big_font_cookie_is_rendered_on_the_page(client):
    client.cookies["portal_bigfont"] = "1"

    assert 'class="bigfont"' in client.get("/").content.decode()


def test_signed_in_staff_get_a_link_to_their_workspace(district, login):
    page = login("center").get("/").content.decode()

    assert f'href="{reverse("landing")}"' in page  # their role's own start page


def test_the_hotline_page_lists_each_centers_numbers(district, client):
    Center.objects.filter(grid=district.jinquan).update(hotline="0937-1234567", duty_phone="")

    page = client.get(reverse("portal_hotline")).content.decode()

    assert 'href="tel:0937-1234567"' in page and "西峰镇综治中心" not in page


def test_the_card_shows_the_units_grid_worker_police_and_center(district, client):
    Center.objects.filter(grid=district.jinquan).update(
        duty_phone="09372222222", address="金泉路1号"
    )
    account = resident(district)

    page = sign_in(client, account).get(reverse("portal_card")).content.decode()

    assert "网格员甲" in page and "网格员乙" not in page and "民警丙" in page
    assert 'href="tel:09372222222"' in page and "金泉路1号" in page


def test_the_card_asks_an_unbound_resident_to_bind_first(district, client):
    account = resident(district, phone="13855556666")

    page = sign_in(client, account).get(reverse("portal_card")).content.decode()

    assert "请先绑定" in page


def test_a_qr_code_binds_the_signed_in_resident_to_its_unit(district, client):
    account = resident(district, phone="13855556666")
    url = reverse("portal_bind_qr", args=[services.bind_token_for(district.unit_b)])

    sign_in(client, account).post(url)

    account.refresh_from_db()
    assert (account.unit, account.bound_via) == (district.unit_b, "qr")


def test_a_tampered_qr_code_is_refused_with_a_chinese_message(district, client):
    token = services.bind_token_for(district.unit_b)[:-2] + "xx"

    response = client.get(reverse("portal_bind_qr", args=[token]))

    assert response.status_code == 400 and "二维码无效" in response.content.decode()


def test_center_staff_approve_a_bind_request_in_their_subtree(district):
    account = resident(district, phone="13855556666")
    request = services.bind_request_create(account=account, unit=district.unit_a)

    services.bind_request_decide(by=district.users["center"], request=request, approve=True)

    account.refresh_from_db()
    assert account.unit == district.unit_a and account.bound_via == "staff"


def test_staff_of_another_community_cannot_approve_a_bind_request(district):
    account = resident(district, phone="13855556666")
    request = services.bind_request_create(account=account, unit=district.unit_a)

    with pytest.raises(PermissionDenied):
        services.bind_request_decide(
            by=district.users["xifeng_center"], request=request, approve=True
        )
    assert BindRequest.objects.get().status == BindRequest.Status.PENDING


def test_the_staff_bind_page_lists_only_requests_in_scope(district, login):
    services.bind_request_create(
        account=resident(district, phone="13855556666"), unit=district.unit_a
    )
    services.bind_request_create(
        account=resident(district, phone="13866667777"), unit=district.unit_x
    )

    page = login("center").get(reverse("portal_staff_binds")).content.decode()

    assert page.count("<tr><td>138****") == 1


def test_a_bind_request_needs_a_unit_not_a_building(district):
    with pytest.raises(ValidationError, match="五级网格"):
        services.bind_request_create(account=resident(district), unit=district.building)


def test_the_demo_resident_is_created_once_and_bound_under_jinquan(district):
    first = services.portal_demo_resident()
    again = services.portal_demo_resident()

    assert first.pk == again.pk and first.phone == "13800000000"
    assert first.unit.path.startswith(district.jinquan.path)
