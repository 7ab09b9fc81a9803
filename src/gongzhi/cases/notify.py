"""Notifications: the in-app inbox, plus SMS and WeChat-template messages behind one interface.

In-app rows and outbound rows are written in the caller's transaction; delivery of outbound
messages runs as a durable task, so a rolled-back change sends nothing. Backends are chosen
with settings.NOTIFY_SMS_BACKEND / NOTIFY_WECHAT_BACKEND (dotted paths); the default only
stores and logs, with no outside network.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils.module_loading import import_string

from gongzhi.core import clock
from gongzhi.core.inserts import insert_rows
from gongzhi.grids.models import Grid
from gongzhi.org.models import Center, GridAssignment, Staff

from .models import Notification, OutboundMessage

if TYPE_CHECKING:
    from gongzhi.cases.models import Case


log = logging.getLogger("gongzhi.notify")
DEFAULT_BACKEND = "gongzhi.cases.notify.LogBackend"
# Parameters that are secrets (one-time sign-in codes). Outside demo mode they are masked in
# the log and blanked on the stored row once the message has been handed to the gateway.
SECRET_PARAMS = frozenset({"code"})


def params_for_log(params: dict) -> dict:
    if settings.DEMO_MODE:
        return params  # the demo shows codes on purpose (banner and log)
    return {k: ("******" if k in SECRET_PARAMS else v) for k, v in (params or {}).items()}


class Backend:
    """Deliver one OutboundMessage. Raise to mark it failed."""

    def send(self, message: OutboundMessage) -> None:
        raise NotImplementedError


class LogBackend(Backend):
    """The offline default for SMS and WeChat: the row is the record, the log line the send."""

    def send(self, message: OutboundMessage) -> None:
        from .resident_notify import sms_text

        log.info(
            "outbound %s to=%s template=%s params=%s text=%s",
            message.channel,
            message.to,
            message.template,
            params_for_log(message.params),
            sms_text(message.template, message.params or {}),
        )


def backend_for(channel: str) -> Backend:
    setting = {"sms": "NOTIFY_SMS_BACKEND", "wechat": "NOTIFY_WECHAT_BACKEND"}[channel]
    return import_string(getattr(settings, setting, DEFAULT_BACKEND))()


def notify_users(
    users: Iterable,
    *,
    kind: str,
    title: str,
    body: str = "",
    case: Case | None = None,
    link: str = "",
) -> int:
    """Put one inbox row per distinct user (a user or a user id); returns how many. `link` is
    the page to open when the notice is not about a case."""
    seen, rows = set(), []
    for user in users:
        user_id = user if isinstance(user, int) else getattr(user, "pk", None)
        if user_id is None or user_id in seen:
            continue
        seen.add(user_id)
        rows.append(
            Notification(
                user_id=user_id, case=case, kind=kind, title=title[:200], body=body, link=link
            )
        )
    insert_rows(rows)
    return len(rows)


def outbound_queue(*, channel: str, to: str, template: str, params: dict) -> OutboundMessage:
    """Store a message and enqueue its delivery in the same transaction."""
    from .tasks import outbound_deliver

    msg = OutboundMessage.objects.create(channel=channel, to=to, template=template, params=params)
    outbound_deliver.enqueue(msg.pk)
    return msg


def outbound_send(message: OutboundMessage) -> OutboundMessage:
    if message.status == OutboundMessage.Status.SENT:
        return message
    backend = backend_for(message.channel)
    message.backend = f"{type(backend).__module__}.{type(backend).__name__}"
    try:
        backend.send(message)
    except Exception as exc:  # noqa: BLE001 - recorded on the row, retried by an operator
        message.status, message.error = OutboundMessage.Status.FAILED, str(exc)[:200]
    else:
        message.status, message.sent_at = OutboundMessage.Status.SENT, clock.now()
        if not settings.DEMO_MODE and SECRET_PARAMS & set(message.params or {}):
            message.params = {
                k: ("" if k in SECRET_PARAMS else v) for k, v in message.params.items()
            }
    message.save(update_fields=["backend", "status", "error", "sent_at", "params"])
    return message


@functools.cache
def supervisor_sql(n: int) -> str:
    """Two indexed look-ups by grid path (assignments; the grids' centers) as one query.

    Hand-written because it runs for every case created, and the ORM's compilation of the
    equivalent union cost more than the query itself. Only placeholders vary.
    """
    ga, grid, staff, center = (m._meta.db_table for m in (GridAssignment, Grid, Staff, Center))
    marks = ", ".join(["%s"] * n)
    return (
        f"SELECT s.user_id, g.path FROM {ga} a JOIN {grid} g ON g.id = a.grid_id "  # noqa: S608
        f"JOIN {staff} s ON s.id = a.staff_id WHERE s.active AND g.path IN ({marks}) "
        f"UNION ALL SELECT s.user_id, g.path FROM {center} c JOIN {grid} g ON g.id = c.grid_id "
        f"JOIN {staff} s ON s.center_id = c.id WHERE s.active AND g.path IN ({marks})"
    )


def supervisor_ids_of(grid: Grid) -> list[int]:
    """User ids of the people responsible for a grid: its assigned staff and its center's.

    Intermediate grids often have nobody assigned; then the nearest ancestor's people are
    responsible, so an alert never goes nowhere. The ancestors' paths are prefixes of the
    grid's own path, so one query covers every level (this runs for every case created).
    """
    step = Grid.steplen
    paths = [grid.path[:n] for n in range(step, len(grid.path) + 1, step)]
    with connection.cursor() as cur:
        cur.execute(supervisor_sql(len(paths)), paths + paths)
        rows = cur.fetchall()
    by_path: dict[str, set[int]] = {}
    for user_id, path in rows:
        by_path.setdefault(path, set()).add(user_id)
    nearest = max(by_path, key=len, default=None)
    return sorted(by_path[nearest]) if nearest else []


def supervisors_of(grid: Grid) -> list:
    """The same people as supervisor_ids_of, as user objects."""
    ids = supervisor_ids_of(grid)
    return list(get_user_model().objects.filter(pk__in=ids).order_by("pk")) if ids else []
