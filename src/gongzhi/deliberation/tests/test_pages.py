"""Staff pages: scoped lists, forms that keep what was typed, no 500s; public pages: no login,
no names."""

import datetime as dt

import pytest

from gongzhi.deliberation.models import (
    BodyIssue,
    BodyMember,
    CourtyardBody,
    LedgerEntry,
    Meeting,
    Payment,
    WorkPhoto,
)
from gongzhi.deliberation.services import (
    cost_share_create,
    vote_close,
    vote_record_paper,
    work_task_create,
)

from .conftest import not_an_image, open_deliberation, open_vote

pytestmark = pytest.mark.django_db


@pytest.fixture
def passed(d, clock):
    """A deliberation whose vote passed, with a 50 元 cost share."""
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
    return delib, vote, share


def test_the_list_shows_only_deliberations_in_the_users_subtree(d, login):
    open_deliberation(d, title="西峰看不到的议事")
    assert "西峰看不到的议事" in login("center").get("/deliberation/").content.decode()
    assert "西峰看不到的议事" not in login("xifeng_center").get("/deliberation/").content.decode()


def test_a_deliberation_outside_the_subtree_is_not_found(d, login):
    delib = open_deliberation(d)
    assert login("xifeng_center").get(f"/deliberation/{delib.pk}/").status_code == 404


def test_staff_pages_need_a_login(d, client):
    delib = open_deliberation(d)
    response = client.get(f"/deliberation/{delib.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_every_staff_page_renders_for_the_grid_worker(d, login, passed):
    delib, vote, share = passed
    task = work_task_create(deliberation=delib, by=d.users["courtyard_worker"], title="安装路灯")
    web = login("courtyard_worker")
    urls = [
        "/deliberation/",
        "/deliberation/new/",
        "/deliberation/proposals/",
        "/deliberation/proposals/new/",
        f"/deliberation/proposals/{delib.proposal_id}/",
        f"/deliberation/{delib.pk}/",
        f"/deliberation/{delib.pk}/meetings/new/",
        f"/deliberation/votes/{vote.pk}/",
        f"/deliberation/cost-shares/{share.pk}/",
        f"/deliberation/cost-shares/{share.pk}/expenditures/new/",
        f"/deliberation/{delib.pk}/tasks/new/",
        f"/deliberation/tasks/{task.pk}/",
        "/deliberation/bodies/",
        "/deliberation/bodies/new/",
    ]
    for url in urls:
        assert web.get(url).status_code == 200, url


def test_a_payment_larger_than_due_shows_the_error_keeps_the_input_and_writes_nothing(
    d, login, passed
):
    _delib, _vote, share = passed
    entry = LedgerEntry.objects.get(cost_share=share, household=d.households["a"])
    response = login("courtyard_worker").post(
        f"/deliberation/ledger/{entry.pk}/pay/", {"amount": "80", "method": "cash", "note": "现金"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "超过该户尚欠的 50.00 元" in html
    assert 'value="80"' in html and 'value="现金"' in html
    assert not Payment.objects.exists()


def test_a_non_numeric_amount_per_household_is_refused_on_the_page(d, login, clock):
    delib = open_deliberation(d)
    vote = open_vote(d, delib)
    for key in ("a", "b", "a2"):
        vote_record_paper(
            vote=vote, household=d.households[key], by=d.users["courtyard_worker"], choice="yes"
        )
    clock.shift(dt.timedelta(days=3))
    vote_close(vote=vote)
    response = login("courtyard_worker").post(
        f"/deliberation/{delib.pk}/cost-share/new/",
        {"purpose": "路灯", "amount_per_household": "五十"},
    )
    assert response.status_code == 400
    assert "每户金额必须是数字" in response.content.decode()
    assert 'value="五十"' in response.content.decode()
    assert not LedgerEntry.objects.exists()


def test_a_completion_photo_that_is_not_an_image_is_refused_on_the_page(d, login, passed):
    delib, _vote, _share = passed
    task = work_task_create(deliberation=delib, by=d.users["courtyard_worker"], title="安装路灯")
    response = login("courtyard_worker").post(
        f"/deliberation/tasks/{task.pk}/", {"photos": [not_an_image("lamp.jpg")]}
    )
    assert response.status_code == 400
    assert "lamp.jpg" in response.content.decode()
    assert not WorkPhoto.objects.exists()


def test_a_paper_ballot_after_the_close_is_refused_on_the_page(d, login, passed):
    _delib, vote, _share = passed
    response = login("courtyard_worker").post(
        f"/deliberation/votes/{vote.pk}/", {"household": d.households["b2"].pk, "choice": "no"}
    )
    assert response.status_code == 400
    assert "投票已截止" in response.content.decode()
    assert vote.ballots.count() == 3


def test_a_unit_worker_cannot_open_the_courtyard_vote_page(d, login, passed):
    _delib, vote, _share = passed
    assert login("gridworker_b").get(f"/deliberation/votes/{vote.pk}/").status_code == 404


def test_the_public_vote_page_hides_the_split_until_the_count(d, client):
    vote = open_vote(d, open_deliberation(d))
    vote_record_paper(
        vote=vote, household=d.households["a"], by=d.users["courtyard_worker"], choice="no"
    )
    html = client.get(f"/deliberation/public/votes/{vote.public_token}/").content.decode()
    assert "投票进行中" in html
    assert 'data-tally="no"' not in html


def test_public_pages_with_an_unknown_token_are_not_found(d, client):
    assert client.get("/deliberation/public/votes/nope/").status_code == 404
    assert client.get("/deliberation/public/notice/nope/").status_code == 404


def test_the_public_notice_masks_house_numbers_and_hides_exemption_reasons(d, client, passed):
    from gongzhi.deliberation.services import ledger_exempt

    _delib, _vote, share = passed
    entry = LedgerEntry.objects.get(cost_share=share, household=d.households["b2"])
    ledger_exempt(entry=entry, by=d.users["courtyard_worker"], reason="低保困难户")
    html = client.get(f"/deliberation/public/notice/{share.public_token}/").content.decode()
    assert "低保困难户" not in html
    # The full path, so a household finds its own row; the house number stays masked.
    assert ">1号楼-2单元-2*2<" in html and "-202<" not in html
    assert "免缴" in html


def test_a_courtyard_body_is_run_from_its_pages(d, login):
    web = login("courtyard_worker")
    web.post(
        "/deliberation/bodies/new/", {"grid": d.courtyard.pk, "name": "公园路46号楼院自治组织"}
    )
    body = CourtyardBody.objects.get()
    web.post(
        f"/deliberation/bodies/{body.pk}/members/new/",
        {"name": "李建国", "org_kind": "party", "role": "支部书记"},
    )
    web.post(f"/deliberation/bodies/{body.pk}/issues/new/", {"title": "楼道堆放杂物"})
    web.post(
        f"/deliberation/bodies/{body.pk}/meetings/new/",
        {
            "title": "三月例会",
            "scheduled_at": "2030-05-07T19:00",
            "place": "服务站",
            "agenda": "楼道杂物清理",
        },
    )
    assert BodyMember.objects.get(body=body).org_kind == "party"
    assert BodyIssue.objects.get(body=body).status == BodyIssue.Status.OPEN
    assert Meeting.objects.get(body=body).grid == d.courtyard
    html = web.get(f"/deliberation/bodies/{body.pk}/").content.decode()
    assert "李**" in html and "李建国" not in html


def test_a_body_outside_the_subtree_is_refused(d, login):
    response = login("xifeng_center").post(
        "/deliberation/bodies/new/", {"grid": d.courtyard.pk, "name": "越权组织"}
    )
    assert response.status_code == 400
    assert 'value="越权组织"' in response.content.decode()
    assert not CourtyardBody.objects.exists()
