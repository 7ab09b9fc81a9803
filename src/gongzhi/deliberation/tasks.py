"""The household vote is counted on schedule: vote_create enqueues this task in its own
transaction with run_after = closes_at, so the count survives a restart and a rolled-back
vote leaves no task behind. Staff may still count by hand; whichever comes first wins."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django_tasks import task


@task()
def vote_count_at_close(vote_id: int) -> str:
    from gongzhi.core import clock

    from .models import Vote
    from .services import vote_close

    vote = Vote.objects.filter(pk=vote_id).first()
    if vote is None:
        return "missing"
    if vote.is_closed:
        return "already counted"
    now = clock.now()
    if now < vote.closes_at:  # a worker whose clock runs early: try again at the close
        vote_count_at_close.using(run_after=vote.closes_at).enqueue(vote_id)
        return "rescheduled"
    try:
        vote_close(vote=vote, by=None)
    except ValidationError:
        if Vote.objects.filter(pk=vote_id, closed_at__isnull=False).exists():
            return "already counted"  # staff counted by hand in the meantime
        raise
    return "counted"
