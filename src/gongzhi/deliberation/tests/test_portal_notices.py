"""Residents see their community's deliberation notices (vote results, 公示) in the portal:
the street-light story's last step, behind the portal's resident sign-in."""

import datetime as dt

import pytest
from django.urls import reverse

from gongzhi.deliberation.selectors import public_notices_for_unit
from gongzhi.deliberation.services import (
    cost_share_create,
    deliberation_open,
    vote_close,
    vote_record_paper,
)
from gongzhi.grids.services import grid_add_child
from gongzhi.portal import services as portal
from gongzhi.portal.auth import SESSION_KEY

from .conftest import open_deliberation, open_vote

pytestmark = pytest.mark.django_db
URL = reverse("deliberation:public_for_me")


@pytest.fixture
def lights(d, clock):
    """The courtyard's street-light deliberation: vote passed, 50 元 cost share opened."""
    delib = open_deliberation(d)
    vote = open_vote(d, delib)
    for key in ("a", "b", "a2"):
        vote_record_paper(
            vote=vote, household=d.households[key], by=d.users["courtyard_worker"], choice="yes"
        )
    clock.shift(dt.timedelta(days=3))
    vote_close(vote=vote)
    share = cost_share_create(
        deliberation=delib,
        by=d.users["courtyard_worker"],
        purpose="增设路灯",
        amount_per_household="50",
    )
    return share


def signed_in(client, phone: str, unit=None):
    account = portal.account_get_or_create(phone=phone)
    if unit is not None:
        portal.account_bind_unit(account=account, unit=unit, via="qr")
    session = client.session
    session[SESSION_KEY] = account.pk
    session.save()
    return client


def test_a_bound_resident_of_the_courtyard_sees_the_notice_and_the_vote_result(d, lights, client):
    html = signed_in(client, "13900000001", d.unit_b).get(URL).content.decode()
    notice = reverse("deliberation:public_notice", args=[lights.public_token])
    result = reverse("deliberation:public_vote", args=[lights.deliberation.vote.public_token])
    assert f'href="{notice}"' in html and f'href="{result}"' in html
    assert "楼院增设路灯" in html and "表决通过" in html


def test_a_resident_of_another_community_does_not_see_it(d, lights, client):
    html = signed_in(client, "13900000002", d.unit_x).get(URL).content.decode()
    assert lights.public_token not in html
    assert lights.deliberation.vote.public_token not in html
    assert "本社区暂无议事公示" in html


def test_a_resident_elsewhere_in_the_same_community_sees_it(d, lights):
    village = grid_add_child(parent=d.jinquan, name="第二居民小组")
    unit = grid_add_child(
        parent=grid_add_child(parent=grid_add_child(parent=village, name="花园小区"), name="3号楼"),
        name="1单元",
    )
    notices = public_notices_for_unit(unit)
    assert [n.cost_share for n in notices] == [lights]


def test_a_deliberation_for_a_grid_above_the_community_is_listed_under_it(d, clock):
    delib = deliberation_open(by=d.users["admin"], grid=d.root, title="全区路灯改造")
    open_vote(d, delib, by="admin")
    assert [n.deliberation for n in public_notices_for_unit(d.unit_x)] == [delib]


def test_a_deliberation_with_nothing_public_yet_is_not_listed(d, clock):
    open_deliberation(d)
    assert public_notices_for_unit(d.unit_a) == []


def test_an_unbound_resident_is_asked_to_bind_an_address(d, lights, client):
    html = signed_in(client, "13900000003").get(URL).content.decode()
    assert reverse("portal_bind") in html
    assert lights.public_token not in html


def test_a_visitor_without_a_resident_session_is_sent_to_sign_in(d, client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("portal_login"))


def test_a_staff_login_alone_does_not_open_the_page(d, login):
    response = login("courtyard_worker").get(URL)
    assert response.status_code == 302 and response.url.startswith(reverse("portal_login"))
