"""Queue tickets (取号) and calling (叫号).

Numbers: each service counts per local day (A001, A002, … and B001 …), from a counter row
locked until the issuing transaction ends, so concurrent issuers never share a number.

Calling: "call next" claims the oldest waiting ticket of the window's services with a
conditional UPDATE (… WHERE status = 'waiting'); only one caller's UPDATE matches the row,
so two windows calling at once never get the same ticket. On PostgreSQL the candidate is
also read with SKIP LOCKED, so concurrent callers go straight to different rows.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from gongzhi.core import clock
from gongzhi.core.access import require
from gongzhi.core.roles import HALL

from .models import Service, Ticket, TicketCounter, Window
from .workflow import TABLE, next_status

CLAIM_ATTEMPTS = 20
S = Ticket.Status


def ticket_number_next(service: Service, day: dt.date) -> int:
    # ignore_conflicts: two first tickets of a day must not fail on the unique row.
    TicketCounter.objects.bulk_create(
        [TicketCounter(service=service, day=day)], ignore_conflicts=True
    )
    counter = TicketCounter.objects.select_for_update().get(service=service, day=day)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


@transaction.atomic
def ticket_issue(*, service: Service, resident=None, by=None) -> Ticket:
    """Issue the next number of a service. `by=None` is the self-service kiosk."""
    if by is not None:
        require(by, HALL, service.center.grid)
    if not service.active:
        raise ValidationError({"service": _("该服务事项已停用")})
    now = clock.now()
    day = clock.today()
    seq = ticket_number_next(service, day)
    return Ticket.objects.create(
        center_id=service.center_id,
        service=service,
        day=day,
        seq=seq,
        number=f"{service.prefix}{seq:03d}",
        resident=resident,
        issued_at=now,
    )


def _finish_current(window: Window, now: dt.datetime) -> None:
    """Calling the next visitor ends the window's current one (办结)."""
    Ticket.objects.filter(window=window, status__in=TABLE.sources("finish")).update(
        status=TABLE.target("finish"), finished_at=now
    )


def ticket_call_next(*, window: Window, by) -> Ticket | None:
    """The oldest waiting ticket of today for the window's services, or None."""
    require(by, HALL, window.center.grid)
    if not window.active:
        raise ValidationError({"window": _("该窗口已停用")})
    services = list(window.services.filter(active=True).values_list("pk", flat=True))
    if not services:
        raise ValidationError({"window": _("该窗口未设置办理事项")})
    for _attempt in range(CLAIM_ATTEMPTS):
        with transaction.atomic():
            now = clock.now()
            waiting = Ticket.objects.filter(
                service_id__in=services, status__in=TABLE.sources("call"), day=clock.today()
            ).order_by("issued_at", "pk")
            if connection.features.has_select_for_update_skip_locked:
                waiting = waiting.select_for_update(skip_locked=True)
            candidate = waiting.values_list("pk", flat=True).first()
            if candidate is None:
                return None
            _finish_current(window, now)
            claimed = Ticket.objects.filter(pk=candidate, status__in=TABLE.sources("call")).update(
                status=TABLE.target("call"),
                window=window,
                called_at=now,
                announced_at=now,
                called_by=by,
            )
            if claimed:
                return Ticket.objects.select_related("window", "service").get(pk=candidate)
        # Another window took it between our read and our update: try the next one.
    return None


def _own_ticket(ticket: Ticket, window: Window, by) -> Ticket:
    require(by, HALL, window.center.grid)
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if locked.window_id != window.pk:
        raise PermissionDenied(_("该号码不是本窗口叫的号"))
    return locked


@transaction.atomic
def ticket_start(*, ticket: Ticket, window: Window, by) -> Ticket:
    t = _own_ticket(ticket, window, by)
    t.status, t.started_at = next_status(t, "start"), clock.now()
    t.save(update_fields=["status", "started_at"])
    return t


@transaction.atomic
def ticket_finish(*, ticket: Ticket, window: Window, by, no_show: bool = False) -> Ticket:
    t = _own_ticket(ticket, window, by)
    t.status = next_status(t, "no_show" if no_show else "finish")
    t.finished_at = clock.now()
    t.save(update_fields=["status", "finished_at"])
    return t


@transaction.atomic
def ticket_recall(*, ticket: Ticket, window: Window, by) -> Ticket:
    """重呼: call the same number again (the display shows it as the latest call)."""
    t = _own_ticket(ticket, window, by)
    t.status = next_status(t, "recall")  # stays called
    t.announced_at = clock.now()
    t.save(update_fields=["status", "announced_at"])
    return t
