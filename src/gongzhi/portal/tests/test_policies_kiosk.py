"""Policy search in the portal, the links on home and nav, and the hall's kiosk mode."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from gongzhi.core import clock
from gongzhi.hall import services as hall_services
from gongzhi.hall.models import Ticket
from gongzhi.org.models import Center
from gongzhi.portal.auth import SESSION_KEY
from gongzhi.portal.kiosk import DEVICE_COOKIE

from .conftest import resident, sign_in

pytestmark = pytest.mark.django_db


def register_kiosk(client, district, center):
    """Center staff register the browser as the hall's kiosk, then leave it to residents."""
    client.force_login(district.users["admin"])
    response = client.post(reverse("portal_kiosk_register", args=[center.pk]))
    assert response.status_code == 302
    client.logout()  # the test client's logout drops every cookie; the kiosk keeps its own
    client.cookies[DEVICE_COOKIE] = response.cookies[DEVICE_COOKIE].value


@pytest.fixture
def publicity(district):
    admin = district.users["admin"]
    return {
        "low": hall_services.article_save(
            by=admin, title="城乡低保申请指南", body="申请低保需要准备身份证和户口簿。", category="民生"
        ),
        "med": hall_services.article_save(by=admin, title="医保报销流程", body="门诊报销……"),
        "draft": hall_services.article_save(
            by=admin, title="低保草稿", body="未发布", published=False
        ),
        "faq": hall_services.faq_save(by=admin, question="低保多久审批?", answer="一般20个工作日"),
    }  # fmt: skip


def test_residents_find_published_policies_and_faq_by_keyword(client, publicity):
    page = client.get(reverse("portal_policies"), {"q": "低保"}).content.decode()

    assert "城乡低保申请指南" in page and "低保多久审批?" in page
    assert "医保报销流程" not in page and "低保草稿" not in page


def test_a_policy_opens_in_the_portal_layout(client, publicity):
    response = client.get(reverse("portal_policy", args=[publicity["low"].pk]))

    assert "申请低保需要准备身份证和户口簿" in response.content.decode()
    assert "portal/base.html" in [t.name for t in response.templates]


def test_an_unpublished_policy_is_not_found(client, publicity):
    assert client.get(reverse("portal_policy", args=[publicity["draft"].pk])).status_code == 404


def test_a_script_in_the_search_box_is_shown_escaped(client, publicity):
    page = client.get(reverse("portal_policies"), {"q": "<script>x</script>"}).content.decode()

    assert "<script>x</script>" not in page and "&lt;script&gt;" in page


def test_the_bottom_nav_keeps_five_wide_entries_and_home_links_policies_and_the_live_room(client):
    # Five entries leave each 72 px at 360 px for its label at 18 px (大字, issue 15.8);
    # 政策 and 直播 are one tap away on 首页.
    page = client.get("/").content.decode()
    nav = page.split('class="portal-nav"')[1].split("</nav>")[0]

    assert nav.count("<a ") == 5
    assert reverse("portal_messages") in nav and reverse("portal_card") in nav
    tiles = page.split("portal-tiles")[1]
    assert reverse("portal_policies") in tiles and reverse("realtime:live_list") in tiles


def test_home_links_to_the_hotline_numbers_policies_and_live_room(client):
    page = client.get("/").content.decode().split("portal-tiles")[1]

    for url in ("portal_hotline", "portal_policies", "realtime:live_list"):
        assert f'href="{reverse(url)}"' in page


def test_a_bound_resident_gets_the_big_one_key_call_button(client, district):
    sign_in(client, resident(district))  # a_head: bound to unit_a by the registry

    assert f'href="{reverse("realtime:call")}"' in client.get("/").content.decode()


def test_an_unbound_resident_gets_no_one_key_call_button(client, district):
    sign_in(client, resident(district, phone="13500009999"))

    assert reverse("realtime:call") not in client.get("/").content.decode()


# --- kiosk --------------------------------------------------------------------------------


def kiosk_center(district) -> Center:
    return Center.objects.get(grid=district.jinquan)


def test_the_kiosk_renders_its_idle_time_for_the_timer(client):
    page = client.get(reverse("portal_kiosk"), {"idle": "45"}).content.decode()

    assert 'data-kiosk-idle="45"' in page and re.search(r'<html[^>]*class="[^"]*\bkiosk\b', page)


@pytest.mark.parametrize(("raw", "expected"), [("1", 15), ("99999", 900), ("abc", 90)])
def test_the_kiosk_idle_time_is_kept_within_bounds(client, raw, expected):
    page = client.get(reverse("portal_kiosk"), {"idle": raw}).content.decode()

    assert f'data-kiosk-idle="{expected}"' in page


def test_the_idle_time_stays_on_every_portal_page_of_the_kiosk(client):
    client.get(reverse("portal_kiosk"), {"idle": "60"})

    assert 'data-kiosk-idle="60"' in client.get(reverse("portal_policies")).content.decode()


def test_outside_kiosk_mode_there_is_no_idle_timer(client):
    assert "data-kiosk-idle" not in client.get(reverse("portal_policies")).content.decode()


def test_the_kiosk_hides_the_one_key_call_even_for_a_bound_resident(client, district):
    client.get(reverse("portal_kiosk"))
    sign_in(client, resident(district))

    page = client.get("/", follow=True).content.decode()

    assert "政策查询" in page and "留言反映" in page and reverse("realtime:call") not in page


def test_the_kiosk_offers_tickets_when_its_center_has_hall_services(client, district):
    center = kiosk_center(district)
    hall_services.service_create(
        by=district.users["admin"], center=center, name="矛盾调解", prefix="A"
    )

    page = client.get(reverse("portal_kiosk"), {"center": center.pk}).content.decode()
    assert reverse("portal_kiosk_ticket") not in page  # not a registered kiosk yet

    register_kiosk(client, district, center)
    page = client.get(reverse("portal_kiosk"), {"center": center.pk}).content.decode()

    assert reverse("portal_kiosk_ticket") in page and "取号" in page


def test_the_kiosk_without_hall_services_shows_no_ticket_button(client, district):
    page = client.get(reverse("portal_kiosk"), {"center": kiosk_center(district).pk}).content
    assert reverse("portal_kiosk_ticket") not in page.decode()


def test_a_ticket_is_issued_at_the_kiosk_without_signing_in(client, district):
    center = kiosk_center(district)
    svc = hall_services.service_create(
        by=district.users["admin"], center=center, name="矛盾调解", prefix="A"
    )
    register_kiosk(client, district, center)

    page = client.post(reverse("portal_kiosk_ticket"), {"service": svc.pk}).content.decode()

    ticket = Ticket.objects.get()
    assert ticket.service == svc and ticket.number in page


def test_a_ticket_for_an_unknown_service_gets_a_clear_message(client, district):
    center = kiosk_center(district)
    hall_services.service_create(by=district.users["admin"], center=center, name="调解", prefix="A")
    register_kiosk(client, district, center)

    response = client.post(reverse("portal_kiosk_ticket"), {"service": "999999"})

    assert response.status_code == 400 and "请选择服务事项" in response.content.decode()
    assert not Ticket.objects.exists()


def test_an_unknown_kiosk_center_is_not_found(client):
    assert client.get(reverse("portal_kiosk"), {"center": "987654"}).status_code == 404


def test_the_kiosk_reset_signs_the_visitor_out_and_stays_in_kiosk_mode(client, district):
    client.get(reverse("portal_kiosk"), {"idle": "30"})
    sign_in(client, resident(district))

    response = client.post(reverse("portal_kiosk_reset"))

    assert response.url == reverse("portal_kiosk") and SESSION_KEY not in client.session
    assert client.session["portal_kiosk"]["idle"] == 30


def test_a_kiosk_sign_in_ends_when_the_kiosk_stood_idle(client, district, monkeypatch):
    client.get(reverse("portal_kiosk"), {"idle": "30"})
    sign_in(client, resident(district))
    later = clock.now() + dt.timedelta(seconds=31)
    monkeypatch.setattr(clock, "now", lambda: later)

    response = client.get(reverse("portal_me"))

    assert response.status_code == 302 and SESSION_KEY not in client.session


def test_a_kiosk_sign_in_survives_while_the_visitor_is_active(client, district, monkeypatch):
    client.get(reverse("portal_kiosk"), {"idle": "30"})
    sign_in(client, resident(district))
    later = clock.now() + dt.timedelta(seconds=20)
    monkeypatch.setattr(clock, "now", lambda: later)

    assert client.get(reverse("portal_me")).status_code == 200


def test_the_kiosk_session_cookie_does_not_outlive_the_browser(client):
    response = client.get(reverse("portal_kiosk"))

    cookie = response.cookies["sessionid"]
    assert cookie["max-age"] == "" and cookie["expires"] == ""


def test_a_visitor_cannot_take_the_browser_out_of_kiosk_mode(client):
    client.get(reverse("portal_kiosk"))

    assert client.post(reverse("portal_kiosk_exit")).status_code == 403
    assert "portal_kiosk" in client.session


def test_staff_can_take_the_browser_out_of_kiosk_mode(district, login):
    staff = login("center")
    staff.get(reverse("portal_kiosk"))
    staff.post(reverse("portal_kiosk_exit"))
    assert "portal_kiosk" not in staff.session
