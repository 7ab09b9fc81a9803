"""Background work of gongzhi.intel (django-tasks, database backend).

- `intel_train_periodic`: retrain the classifier every INTEL_TRAIN_EVERY_HOURS hours (in a
  child interpreter, services.model_train: the worker never loads scikit-learn);
- `alerts_evaluate_periodic`: run the early-warning rules every INTEL_ALERTS_EVERY_MINUTES;
- `alerts_evaluate_soon`: the same, shortly after new cases (debounced, see below).

Both periodic chains reschedule themselves only when they win a lease row (the deadline
sweep's pattern, cases.tasks), so duplicate chains started by several workers die out.
A new case enqueues one evaluation after its commit; further cases within the debounce
window ride on that one (a cache key), so a burst of reports costs one task, and the one
database statement of a PostgreSQL create stays one (docs/decisions.md).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django_tasks import task

from gongzhi.core import clock

DEBOUNCE_SECONDS = 20
DEBOUNCE_KEY = "intel:alerts-soon"
TRAIN_LEASE, ALERTS_LEASE = "intel_train", "intel_alerts"


def lease_claim(name: str, every: dt.timedelta, now: dt.datetime) -> bool:
    """Conditional UPDATE on cases.SweepLease: true for exactly one caller per period."""
    from gongzhi.cases.models import SweepLease

    SweepLease.objects.get_or_create(name=name, defaults={"next_run_at": now})
    margin = min(dt.timedelta(seconds=5), every / 10)
    return bool(
        SweepLease.objects.filter(name=name, next_run_at__lte=now).update(
            next_run_at=now + every - margin
        )
    )


@task()
def intel_train_periodic() -> int | None:
    from .services import model_train
    from .training import NotEnoughData

    every = dt.timedelta(hours=settings.INTEL_TRAIN_EVERY_HOURS)
    if not lease_claim(TRAIN_LEASE, every, clock.now()):
        return None  # another chain runs it
    intel_train_periodic.using(run_after=clock.now() + every).enqueue()
    try:
        return model_train().number  # a failed child raises: logged, the chain is queued
    except NotEnoughData:
        return None  # too few closed cases yet: the keyword table stays in use


@task()
def alerts_evaluate_periodic() -> int:
    from .services import alerts_evaluate

    count = len(alerts_evaluate())
    every = dt.timedelta(minutes=settings.INTEL_ALERTS_EVERY_MINUTES)
    if lease_claim(ALERTS_LEASE, every, clock.now()):
        alerts_evaluate_periodic.using(run_after=clock.now() + every).enqueue()
    return count


@task()
def alerts_evaluate_soon() -> int:
    from .services import alerts_evaluate

    return len(alerts_evaluate())


def _enqueue_soon() -> None:
    if cache.add(DEBOUNCE_KEY, 1, timeout=DEBOUNCE_SECONDS):
        run_after = clock.now() + dt.timedelta(seconds=DEBOUNCE_SECONDS)
        alerts_evaluate_soon.using(run_after=run_after).enqueue()


def on_case_created() -> None:
    """Called by cases.services.case_create for each new case: after the commit, make sure
    an evaluation is queued."""
    transaction.on_commit(_enqueue_soon)


def intel_schedule_start() -> None:
    """Kick off both periodic chains (safe at every start: duplicates collapse)."""
    alerts_evaluate_periodic.enqueue()
    intel_train_periodic.enqueue()
