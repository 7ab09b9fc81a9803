"""Households vote online in the portal (issue 6 §3): a signed-in resident casts or changes
their household's one ballot on /deliberation/public/vote/<pk>/ while the vote is open."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from gongzhi.deliberation.models import Ballot, BallotChange
from gongzhi.portal import services as portal
from gongzhi.portal.auth import SESSION_KEY

from .conftest import open_deliberation, open_vote

pytestmark = pytest.mark.django_db

A_HEAD_PHONE = "13800001234"  # 茹玉芳, head of household a (公园路46号楼院)
A_SPOUSE_PHONE = "13900005678"
X_HEAD_PHONE = "13600001357"  # 陈树林, household x under 西峰镇: not in the courtyard


@pytest.fixture
def vote(d):
    return open_vote(d, open_deliberation(d))


def url(vote):
    return reverse("deliberation:resident_vote", args=[vote.pk])


def signed_in(client, phone: str, unit=None):
    account = portal.account_get_or_create(phone=phone)
    if unit is not None:
        portal.account_bind_unit(account=account, unit=unit, via="qr")
    session = client.session
    session[SESSION_KEY] = account.pk
    session.save()
    return client


def test_the_page_shows_the_question_and_the_models_choices(d, vote, client):
    html = signed_in(client, A_HEAD_PHONE).get(url(vote)).content.decode()
    assert vote.question in html
    for label in ("同意", "反对", "弃权"):
        assert label in html
    assert "本户尚未投票" in html and "data-vote-form" in html


def test_a_resident_casts_the_households_vote_via_the_page(d, vote, client):
    signed_in(client, A_HEAD_PHONE)
    response = client.post(url(vote), {"choice": "yes"})
    assert response.status_code == 302 and response.url == url(vote)
    ballot = Ballot.objects.get(vote=vote)
    assert (ballot.household, ballot.choice, ballot.channel) == (d.households["a"], "yes", "online")
    assert ballot.cast_by_resident == d.residents["a_head"]
    html = client.get(url(vote)).content.decode()
    assert 'data-ballot="yes"' in html and "投票成功" in html


def test_changing_the_vote_keeps_one_ballot_with_the_new_choice(d, vote, client, clock):
    signed_in(client, A_HEAD_PHONE).post(url(vote), {"choice": "yes"})
    clock.shift(dt.timedelta(hours=2))
    html = client.get(url(vote)).content.decode()
    assert 'data-ballot="yes"' in html and "确认改票" in html
    client.post(url(vote), {"choice": "no"})
    ballot = Ballot.objects.get(vote=vote)
    assert (ballot.household, ballot.choice, ballot.revisions) == (d.households["a"], "no", 1)
    assert BallotChange.objects.filter(ballot=ballot).count() == 2


def test_another_member_of_the_household_sees_and_changes_the_same_ballot(d, vote, client):
    signed_in(client, A_HEAD_PHONE).post(url(vote), {"choice": "yes"})
    client = signed_in(Client(), A_SPOUSE_PHONE)
    html = client.get(url(vote)).content.decode()
    assert 'data-ballot="yes"' in html
    client.post(url(vote), {"choice": "abstain"})
    assert list(Ballot.objects.values_list("household", "choice")) == [
        (d.households["a"].pk, "abstain")
    ]


def test_a_resident_outside_the_eligible_households_is_refused(d, vote, client):
    signed_in(client, X_HEAD_PHONE)
    page = client.get(url(vote))
    assert page.status_code == 403
    html = page.content.decode()
    assert "不在本次表决范围内" in html
    assert vote.question not in html and "data-vote-form" not in html
    response = client.post(url(vote), {"choice": "yes"})
    assert response.status_code == 403
    assert not Ballot.objects.exists() and not BallotChange.objects.exists()


def test_an_account_bound_to_the_courtyard_but_not_in_the_registry_is_refused(d, vote, client):
    signed_in(client, "13900000009", d.unit_a)
    response = client.post(url(vote), {"choice": "yes"})
    assert response.status_code == 403
    assert "尚未关联到户籍" in response.content.decode()
    assert not Ballot.objects.exists()


def test_a_vote_after_the_close_is_refused(d, vote, client, clock):
    signed_in(client, A_HEAD_PHONE).post(url(vote), {"choice": "yes"})
    clock.shift(dt.timedelta(days=3))
    html = client.get(url(vote)).content.decode()
    assert "投票已截止" in html and "data-vote-form" not in html
    assert 'data-ballot="yes"' in html  # the household still sees its ballot
    response = client.post(url(vote), {"choice": "no"})
    assert response.status_code == 400
    assert "投票已截止" in response.content.decode()
    ballot = Ballot.objects.get(vote=vote)
    assert (ballot.choice, ballot.revisions) == ("yes", 0)
    assert BallotChange.objects.filter(ballot=ballot).count() == 1


def test_a_vote_before_the_opening_is_refused(d, client, clock):
    from .conftest import T0

    vote = open_vote(
        d,
        open_deliberation(d),
        opens_at=T0 + dt.timedelta(days=1),
        closes_at=T0 + dt.timedelta(days=3),
    )
    signed_in(client, A_HEAD_PHONE)
    assert "投票尚未开始" in client.get(url(vote)).content.decode()
    response = client.post(url(vote), {"choice": "yes"})
    assert response.status_code == 400 and not Ballot.objects.exists()


def test_an_invalid_choice_writes_nothing(d, vote, client):
    response = signed_in(client, A_HEAD_PHONE).post(url(vote), {"choice": "maybe"})
    assert response.status_code == 400
    assert "请选择同意、反对或弃权" in response.content.decode()
    assert not Ballot.objects.exists()


def test_an_unknown_vote_is_404(d, client):
    assert (
        signed_in(client, A_HEAD_PHONE).get("/deliberation/public/vote/999999/").status_code == 404
    )


def test_not_signed_in_redirects_to_sign_in(d, vote, client):
    for response in (client.get(url(vote)), client.post(url(vote), {"choice": "yes"})):
        assert response.status_code == 302
        assert response.url.startswith(reverse("portal_login"))
    assert not Ballot.objects.exists()


def test_a_staff_login_alone_does_not_open_the_page(d, vote, login):
    response = login("courtyard_worker").get(url(vote))
    assert response.status_code == 302 and response.url.startswith(reverse("portal_login"))


def test_the_notices_page_links_open_votes_for_eligible_households_only(d, vote, client):
    for_me = reverse("deliberation:public_for_me")
    html = signed_in(client, A_HEAD_PHONE).get(for_me).content.decode()
    assert f'href="{url(vote)}"' in html and "去投票" in html
    # Bound to the courtyard's unit but not in the registry: sees the notice, no vote link.
    html = signed_in(Client(), "13900000009", d.unit_b).get(for_me).content.decode()
    assert vote.public_token in html and url(vote) not in html


def test_the_notices_page_has_no_vote_link_after_the_close(d, vote, client, clock):
    clock.shift(dt.timedelta(days=3))
    html = signed_in(client, A_HEAD_PHONE).get(reverse("deliberation:public_for_me")).content
    assert url(vote) not in html.decode()
