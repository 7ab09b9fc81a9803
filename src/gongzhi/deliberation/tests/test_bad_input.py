"""Bad input gets a clear Chinese error and writes nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongzhi.core.testing import fresh
from gongzhi.deliberation.models import (
    CostShare,
    Deliberation,
    Expenditure,
    LedgerEntry,
    Payment,
    ProposalSupport,
    WorkPhoto,
    WorkTask,
)
from gongzhi.deliberation.services import (
    cost_share_create,
    deliberation_open,
    expenditure_record,
    payment_record,
    proposal_support,
    vote_close,
    vote_record_paper,
    work_task_complete,
    work_task_create,
)

from .conftest import not_an_image, open_deliberation, open_vote, png

pytestmark = pytest.mark.django_db


@pytest.fixture
def share(d, clock):
    delib = open_deliberation(d)
    vote = open_vote(d, delib)
    for key in ("a", "b", "a2"):
        vote_record_paper(
            vote=vote, household=d.households[key], by=d.users["courtyard_worker"], choice="yes"
        )
    clock.shift(dt.timedelta(days=3))
    vote_close(vote=vote)
    return cost_share_create(
        deliberation=delib,
        by=d.users["courtyard_worker"],
        purpose="增设路灯",
        amount_per_household="50",
    )


def _entry(share, d, key="a"):
    return LedgerEntry.objects.get(cost_share=share, household=d.households[key])


def _pay(d, share, amount, key="a"):
    return payment_record(
        entry=_entry(share, d, key), by=d.users["courtyard_worker"], amount=amount
    )


def test_it_rejects_a_payment_larger_than_the_amount_due(d, share):
    with pytest.raises(ValidationError, match="超过该户尚欠的 50.00 元"):
        _pay(d, share, "80")
    assert not Payment.objects.exists()


def test_it_rejects_a_second_payment_larger_than_what_is_still_due(d, share):
    _pay(d, share, "30")
    with pytest.raises(ValidationError, match="超过该户尚欠的 20.00 元"):
        _pay(d, share, "20.01")
    assert Payment.objects.count() == 1


def test_it_rejects_a_payment_from_a_household_that_has_paid_in_full(d, share):
    _pay(d, share, "50")
    with pytest.raises(ValidationError, match="已缴清"):
        _pay(d, share, "1")
    assert Payment.objects.count() == 1


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-5", "必须大于 0"),
        ("0", "必须大于 0"),
        ("五十", "必须是数字"),
        ("abc", "必须是数字"),
        ("", "必须是数字"),
        ("NaN", "必须是数字"),
        ("Infinity", "必须是数字"),
        ("10.005", "两位小数"),
    ],
)
def test_it_rejects_a_payment_that_is_not_a_positive_amount(d, share, amount, message):
    with pytest.raises(ValidationError, match=message):
        _pay(d, share, amount)
    assert not Payment.objects.exists()


@pytest.mark.parametrize("amount", ["-50", "abc", "0"])
def test_it_rejects_a_cost_share_with_a_bad_amount_per_household(d, clock, amount):
    delib = open_deliberation(d)
    vote = open_vote(d, delib)
    for key in ("a", "b", "a2"):
        vote_record_paper(
            vote=vote, household=d.households[key], by=d.users["courtyard_worker"], choice="yes"
        )
    clock.shift(dt.timedelta(days=3))
    vote_close(vote=vote)
    with pytest.raises(ValidationError) as exc:
        cost_share_create(
            deliberation=delib,
            by=d.users["courtyard_worker"],
            purpose="路灯",
            amount_per_household=amount,
        )
    assert "amount_per_household" in exc.value.message_dict
    assert not CostShare.objects.exists()
    assert not LedgerEntry.objects.exists()


def test_it_refuses_a_cost_share_without_a_passed_vote(d):
    delib = open_deliberation(d)
    with pytest.raises(ValidationError, match="表决通过"):
        cost_share_create(
            deliberation=delib,
            by=d.users["courtyard_worker"],
            purpose="路灯",
            amount_per_household="50",
        )
    assert not CostShare.objects.exists()


def test_it_rejects_a_completion_photo_that_is_not_an_image(d, share):
    task = work_task_create(
        deliberation=share.deliberation, by=d.users["courtyard_worker"], title="安装路灯"
    )
    with pytest.raises(ValidationError) as exc:
        work_task_complete(
            task=task,
            by=d.users["courtyard_worker"],
            photos=[png("ok.png"), not_an_image("fake.png")],
        )
    assert "photos" in exc.value.message_dict
    assert "fake.png" in exc.value.message_dict["photos"][0]
    assert not WorkPhoto.objects.exists()
    assert fresh(task).status == WorkTask.Status.OPEN


def test_it_rejects_a_pdf_as_a_completion_photo(d, share):
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = SimpleUploadedFile("done.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n<<>>\nendobj\n")
    task = work_task_create(
        deliberation=share.deliberation, by=d.users["courtyard_worker"], title="安装路灯"
    )
    with pytest.raises(ValidationError, match="不是图片"):
        work_task_complete(task=task, by=d.users["courtyard_worker"], photos=[pdf])
    assert not WorkPhoto.objects.exists()


def test_it_rejects_a_receipt_that_is_neither_an_image_nor_a_pdf(d, share):
    with pytest.raises(ValidationError) as exc:
        expenditure_record(
            cost_share=share,
            by=d.users["courtyard_worker"],
            amount="100",
            description="购买灯具",
            spent_on=dt.date(2030, 5, 9),
            receipt=not_an_image("receipt.jpg"),
        )
    assert "receipt" in exc.value.message_dict
    assert not Expenditure.objects.exists()


def test_it_rejects_staff_outside_the_grid_subtree_opening_a_deliberation(d):
    with pytest.raises(PermissionDenied):
        deliberation_open(by=d.users["xifeng_center"], grid=d.courtyard, title="增设路灯")
    with pytest.raises(PermissionDenied):  # a unit worker cannot open one for the courtyard
        deliberation_open(by=d.users["gridworker"], grid=d.courtyard, title="增设路灯")
    assert not Deliberation.objects.exists()


def test_it_rejects_staff_outside_the_households_subtree_recording_a_payment(d, share):
    with pytest.raises(PermissionDenied):
        payment_record(entry=_entry(share, d, "a"), by=d.users["gridworker_b"], amount="50")
    assert not Payment.objects.exists()


def test_a_grid_worker_may_record_a_payment_in_their_own_unit(d, share):
    payment_record(entry=_entry(share, d, "a"), by=d.users["gridworker"], amount="50")
    assert Payment.objects.get().amount == Decimal("50.00")


def test_it_rejects_a_support_from_a_resident_outside_the_proposal_grid(d):
    from gongzhi.deliberation.services import proposal_create

    proposal = proposal_create(
        grid=d.courtyard, title="增设路灯", description="太黑", resident=d.residents["a_head"]
    )
    with pytest.raises(ValidationError, match="只有该网格内的居民"):
        proposal_support(proposal=proposal, resident=d.residents["x_head"])
    assert not ProposalSupport.objects.exists()


def test_it_rejects_a_second_support_by_the_same_resident(d):
    from gongzhi.deliberation.services import proposal_create

    proposal = proposal_create(
        grid=d.courtyard, title="增设路灯", description="太黑", resident=d.residents["a_head"]
    )
    proposal_support(proposal=proposal, resident=d.residents["b_head"])
    with pytest.raises(ValidationError, match="已经附议"):
        proposal_support(proposal=proposal, resident=d.residents["b_head"])
    assert ProposalSupport.objects.count() == 1
