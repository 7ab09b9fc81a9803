"""Permission-aware reads for card printing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from gongzhi.cards.models import CardPrintJob
from gongzhi.core.access import grid_in_scope
from gongzhi.grids.models import Grid, Level

if TYPE_CHECKING:
    from gongzhi.core.types import Actor, AnyUser


def printable_grids_for(user: AnyUser) -> QuerySet[Grid]:
    """Suggestions for the grid field: the user's grids down to level 3 (a datalist)."""
    return Grid.objects.restrict(user).filter(level__lte=Level.COMPOUND).order_by("path")


def card_print_jobs_for(user: Actor) -> QuerySet[CardPrintJob]:
    return CardPrintJob.objects.filter(owner=user).select_related("root")


def card_print_job_for(user: Actor, pk: int) -> CardPrintJob | None:
    """The user's own job, and only while its grid is still in the user's scope."""
    job = card_print_jobs_for(user).filter(pk=pk).first()
    if job is None or not grid_in_scope(user, job.root):
        return None
    return job
