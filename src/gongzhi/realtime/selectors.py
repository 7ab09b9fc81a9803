"""Permission-aware reads for the staff call console."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from gongzhi.core import clock

from .models import OneKeyCall

if TYPE_CHECKING:
    from gongzhi.core.types import AnyUser


CONSOLE_HOURS = 24
CONSOLE_LIMIT = 100


def onekey_call_list_for(user: AnyUser, *, since_id: int = 0) -> QuerySet[OneKeyCall]:
    """The last day's calls in the user's grids, newest first; `since_id` keeps only later ids.

    The page and its polling fallback both read here, so they cannot disagree on scope."""
    since = clock.now() - dt.timedelta(hours=CONSOLE_HOURS)
    return (
        OneKeyCall.objects.restrict(user)
        .filter(created_at__gte=since, pk__gt=since_id)
        .select_related("case", "unit", "account__resident")
        .order_by("-created_at", "-pk")[:CONSOLE_LIMIT]
    )


def onekey_waiting_count(user: AnyUser) -> int:
    """The console's calls nobody has acknowledged yet (and the resident has not cancelled)."""
    since = clock.now() - dt.timedelta(hours=CONSOLE_HOURS)
    return (
        OneKeyCall.objects.restrict(user)
        .filter(created_at__gte=since, acknowledged_at__isnull=True, cancelled_at__isnull=True)
        .count()
    )
