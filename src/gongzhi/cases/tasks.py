"""Durable background work (django-tasks; the default DB backend writes the task row with the
ORM, so enqueueing inside a transaction is itself transactional: a rollback sends nothing).

Deadlines: every write that changes a case's clock sets `Case.next_check_at` in its own
transaction; that indexed column is the queue of pending checks, and `deadlines_sweep_periodic`
(a self-rescheduling durable task, started by `gongzhi serve`) works it off every minute. A
task row per case and phase would add a write to every create and grow the task table by
millions of rows a year at district scale (docs/decisions.md, "Deadline checks").
"""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from gongzhi.core import clock

SWEEP_EVERY = dt.timedelta(minutes=1)
SWEEP_LEASE = "deadline_sweep"
HISTORY_EVERY = dt.timedelta(days=1)
HISTORY_LEASE = "history"  # partitions ahead and retention (history_maintain)


@task()
def case_deadline_check(case_id: int) -> bool:
    """Kept so that rows queued by earlier releases still run; nothing enqueues it now."""
    from .deadlines import case_sweep_one

    return case_sweep_one(case_id)


@task()
def outbound_deliver(message_id: int) -> str:
    from .models import OutboundMessage
    from .notify import outbound_send

    msg = OutboundMessage.objects.filter(pk=message_id).first()
    return outbound_send(msg).status if msg else "missing"


@task()
def outbound_deliver_many(message_ids: list[int]) -> int:
    """Deliver the messages of one state change (cases.resident_notify); returns how many sent."""
    from .models import OutboundMessage
    from .notify import outbound_send

    rows = OutboundMessage.objects.filter(pk__in=message_ids).order_by("pk")
    return sum(outbound_send(m).status == OutboundMessage.Status.SENT for m in rows)


@task()
def deadlines_sweep_periodic() -> int:
    """Sweep, then schedule the next run — but only if this run wins the lease, so duplicate
    chains (two workers, a manual kick) collapse into one."""
    from .deadlines import cases_sweep_deadlines
    from .kpis.daily import kpi_seal

    count = cases_sweep_deadlines()
    kpi_seal()  # days that are over go into the KPI aggregates (docs/decisions.md)
    if lease_claim(HISTORY_LEASE, clock.now(), HISTORY_EVERY):
        history_maintain()
    if sweep_lease_claim(clock.now()):
        deadlines_sweep_periodic.using(run_after=clock.now() + SWEEP_EVERY).enqueue()
    return count


def sweep_lease_claim(now: dt.datetime) -> bool:
    return lease_claim(SWEEP_LEASE, now, SWEEP_EVERY - dt.timedelta(seconds=5))


def lease_claim(name: str, now: dt.datetime, every: dt.timedelta) -> bool:
    """Conditional UPDATE: true for exactly one caller per period."""
    from .models import SweepLease

    SweepLease.objects.get_or_create(name=name, defaults={"next_run_at": now})
    return bool(
        SweepLease.objects.filter(name=name, next_run_at__lte=now).update(next_run_at=now + every)
    )


def history_maintain() -> None:
    """Daily: year partitions ahead (PostgreSQL) and the retention of old history rows."""
    from django.conf import settings

    from gongzhi.core.archive import history_retention_enforce
    from gongzhi.core.partitions import partitions_ahead

    partitions_ahead(clock.today(), settings.PARTITIONS_AHEAD)
    history_retention_enforce()


def sweep_schedule_start() -> None:
    """Kick off the self-rescheduling sweep (safe to call at every start)."""
    deadlines_sweep_periodic.enqueue()
