"""The one place that reads the time, so tests can freeze it and the seed can write history.

`frozen_at(moment)` makes `now()` (and `today()`) answer `moment` inside a `with` block, in
this thread of execution only (a context variable): the seed's history (seeding/history.py)
runs the real services "in the past" this way, so every timestamp, deadline, case number
and KPI day they write is the one they would have written on that day.
"""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

_frozen: ContextVar[dt.datetime | None] = ContextVar("gongzhi_clock_frozen", default=None)


def now() -> dt.datetime:
    moment = _frozen.get()
    return moment if moment is not None else timezone.now()


def today() -> dt.date:
    return timezone.localdate(now())


@contextmanager
def frozen_at(moment: dt.datetime) -> Iterator[dt.datetime]:
    """Within the block, now() is `moment` (an aware datetime)."""
    if timezone.is_naive(moment):
        raise ValueError("frozen_at needs an aware datetime")
    token = _frozen.set(moment)
    try:
        yield moment
    finally:
        _frozen.reset(token)
