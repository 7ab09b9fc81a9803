"""The vote is counted on schedule by a durable task enqueued with the vote itself."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from gongzhi.core.testing import fresh
from gongzhi.deliberation import tasks
from gongzhi.deliberation.models import DeliberationStatus, Vote
from gongzhi.deliberation.services import vote_cast, vote_close

from .conftest import T0, open_deliberation, open_vote

pytestmark = pytest.mark.django_db

TASK = "gongzhi.deliberation.tasks.vote_count_at_close"


def run_worker(monkeypatch) -> None:
    """The real worker, once through the queue. It closes stale connections between tasks,
    which would close the test's own connection (and its transaction) on a file database."""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")


def test_creating_a_vote_enqueues_its_count_at_the_close(d, clock):
    vote = open_vote(d, open_deliberation(d))
    row = DBTaskResult.objects.get(task_path=TASK)
    assert row.args_kwargs["args"] == [vote.pk]
    assert row.run_after == vote.closes_at


def test_a_rolled_back_vote_leaves_no_task(d, clock):
    deliberation = open_deliberation(d)
    with pytest.raises(RuntimeError), transaction.atomic():
        open_vote(d, deliberation)
        raise RuntimeError("the surrounding change fails")
    assert not Vote.objects.exists()
    assert not DBTaskResult.objects.filter(task_path=TASK).exists()


def test_the_worker_counts_the_vote_once_it_has_closed(d, clock, monkeypatch):
    deliberation = open_deliberation(d)
    vote = open_vote(d, deliberation)
    vote_cast(
        vote=vote, household=d.households["a"], by_resident=d.residents["a_head"], choice="yes"
    )
    clock.move_to(vote.closes_at + dt.timedelta(minutes=1))
    run_worker(monkeypatch)
    vote = fresh(vote)
    assert vote.is_closed
    assert vote.yes_count == 1
    assert fresh(deliberation).status != DeliberationStatus.VOTING
    assert DBTaskResult.objects.get(task_path=TASK).status == "SUCCESSFUL"


def test_the_worker_leaves_an_open_vote_alone_before_the_close(d, clock, monkeypatch):
    vote = open_vote(d, open_deliberation(d))
    clock.move_to(vote.closes_at - dt.timedelta(minutes=1))
    run_worker(monkeypatch)
    assert not fresh(vote).is_closed
    assert DBTaskResult.objects.get(task_path=TASK).status == "READY"


def test_a_task_run_early_reschedules_itself_at_the_close(d, clock):
    vote = open_vote(d, open_deliberation(d))
    assert tasks.vote_count_at_close.call(vote.pk) == "rescheduled"
    assert not fresh(vote).is_closed
    rows = DBTaskResult.objects.filter(task_path=TASK, run_after=vote.closes_at)
    assert rows.count() == 2


def test_a_vote_staff_counted_by_hand_is_not_counted_again(d, clock):
    vote = open_vote(d, open_deliberation(d))
    clock.move_to(T0 + dt.timedelta(days=3, minutes=1))
    counted = vote_close(vote=vote, by=d.users["courtyard_worker"])
    assert tasks.vote_count_at_close.call(vote.pk) == "already counted"
    assert fresh(vote).closed_at == counted.closed_at
