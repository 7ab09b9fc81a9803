"""Reads for the hall: the calling display, window workload, visits and publicity search."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet

from gongzhi.core import clock
from gongzhi.org.models import Center

from .models import FAQ, PolicyArticle, RoomReferral, Ticket, Window, WindowVisit

if TYPE_CHECKING:
    from collections.abc import Iterable

    from gongzhi.core.types import AnyUser


S = Ticket.Status
RECENT_CALLS = 6


def _wait() -> ExpressionWrapper:
    return ExpressionWrapper(F("called_at") - F("issued_at"), output_field=DurationField())


def _handling() -> ExpressionWrapper:
    return ExpressionWrapper(F("finished_at") - F("called_at"), output_field=DurationField())


def average_wait(center: Center, day: dt.date | None = None) -> dt.timedelta | None:
    """Mean of (called − issued) over the day's tickets that have been called."""
    day = day or clock.today()
    result = Ticket.objects.filter(center=center, day=day, called_at__isnull=False).aggregate(
        avg=Avg(_wait())
    )["avg"]
    return _as_timedelta(result)


def _as_timedelta(value: dt.timedelta | float | None) -> dt.timedelta | None:
    # SQLite returns the mean of a duration as microseconds; PostgreSQL as a timedelta.
    if value is None or isinstance(value, dt.timedelta):
        return value
    return dt.timedelta(microseconds=float(value))


@dataclass(frozen=True)
class Board:
    current: Ticket | None
    recent: list[Ticket]
    waiting: int
    average_wait: dt.timedelta | None


def display_board(center: Center) -> Board:
    """What the hall screen shows: the latest call, the few before it, today's average wait."""
    today = clock.today()
    calls = list(
        Ticket.objects.filter(center=center, day=today, announced_at__isnull=False)
        .select_related("window", "service")
        .order_by("-announced_at", "-pk")[:RECENT_CALLS]
    )
    waiting = Ticket.objects.filter(center=center, day=today, status=S.WAITING).count()
    return Board(
        current=calls[0] if calls else None,
        recent=calls[1:],
        waiting=waiting,
        average_wait=average_wait(center, today),
    )


@dataclass(frozen=True)
class WindowLoad:
    window: Window
    waiting: int
    served: int
    average_handling: dt.timedelta | None
    current: Ticket | None


def window_workload(center: Center) -> list[WindowLoad]:
    """Per window: tickets waiting for its services, served today, mean handling time.

    Three queries whatever the number of windows."""
    today = clock.today()
    windows = list(
        Window.objects.filter(center=center).prefetch_related("services").order_by("name")
    )
    done = (
        Ticket.objects.filter(center=center, day=today, window__isnull=False)
        .values("window_id")
        .annotate(
            served=Count("pk", filter=Q(status=S.DONE)),
            handling=Avg(_handling(), filter=Q(status=S.DONE)),
        )
        .order_by()
    )
    per_window: dict[int, dict[str, Any]] = {
        row["window_id"]: row for row in cast("Iterable[dict[str, Any]]", done)
    }
    waiting_by_service = dict(
        Ticket.objects.filter(center=center, day=today, status=S.WAITING)
        .values("service_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("service_id", "n")
    )
    current = {
        t.window_id: t
        for t in Ticket.objects.filter(
            center=center, day=today, status__in=[S.CALLED, S.SERVING]
        ).select_related("service")
    }
    out = []
    for w in windows:
        row = per_window.get(w.pk, {})
        out.append(
            WindowLoad(
                window=w,
                waiting=sum(waiting_by_service.get(s.pk, 0) for s in w.services.all()),
                served=row.get("served", 0),
                average_handling=_as_timedelta(row.get("handling")),
                current=current.get(w.pk),
            )
        )
    return out


def center_list_for(user: AnyUser) -> QuerySet[Center]:
    return Center.objects.restrict(user).select_related("grid").order_by("grid__path")


def visit_list_for(user: AnyUser) -> QuerySet[WindowVisit]:
    return WindowVisit.objects.restrict(user).select_related(
        "center", "window", "resident", "case", "dispute", "referral__room"
    )


def referral_list_for(user: AnyUser) -> QuerySet[RoomReferral]:
    return RoomReferral.objects.restrict(user).select_related("room__center", "resident", "visit")


def publicity_search(q: str = "") -> tuple[QuerySet[PolicyArticle], QuerySet[FAQ]]:
    """Published articles and FAQs matching `q` (title, summary, body, category; question,
    answer). The portal's search reuses this."""
    q = (q or "").strip()[:50]
    articles = PolicyArticle.objects.filter(published=True)
    faqs = FAQ.objects.filter(published=True)
    if q:
        articles = articles.filter(
            Q(title__icontains=q)
            | Q(summary__icontains=q)
            | Q(body__icontains=q)
            | Q(category__icontains=q)
        )
        faqs = faqs.filter(Q(question__icontains=q) | Q(answer__icontains=q))
    return articles, faqs
