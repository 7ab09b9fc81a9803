"""Notifications: the in-app inbox, plus SMS and WeChat-template messages behind one interface.

In-app rows and outbound rows are written in the caller's transaction; delivery of outbound
messages runs as a durable task, so a rolled-back change sends nothing. Backends are chosen
with settings.NOTIFY_SMS_BACKEND / NOTIFY_WECHAT_BACKEND (dotted paths); the default only
stores and logs, with no outside network.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.utils.module_loading import import_string

from gongzhi.core import clock
from gongzhi.grids.models import Grid
from gongzhi.org.models import GridAssignment, Staff

from .models import Notification, OutboundMessage

log = logging.getLogger("gongzhi.notify")
DEFAULT_BACKEND = "gongzhi.cases.notify.LogBackend"


class Backend:
    """Deliver one OutboundMessage. Raise to mark it failed."""

    def send(self, message: OutboundMessage) -> None:
        raise NotImplementedError


class LogBackend(Backend):
    def send(self, message: OutboundMessage) -> None:
        log.info(
            "outbound %s to=%s template=%s params=%s",
            message.channel, message.to, message.template, message.params,
        )  # fmt: skip


def backend_for(channel: str) -> Backend:
    setting = {"sms": "NOTIFY_SMS_BACKEND", "wechat": "NOTIFY_WECHAT_BACKEND"}[channel]
    return import_string(getattr(settings, setting, DEFAULT_BACKEND))()


def notify_users(users: Iterable, *, kind: str, title: str, body: str = "", case=None) -> int:
    """Put one inbox row per distinct user; returns how many."""
    seen, rows = set(), []
    for user in users:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        rows.append(Notification(user=user, case=case, kind=kind, title=title, body=body))
    Notification.objects.bulk_create(rows)
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
    message.save(update_fields=["backend", "status", "error", "sent_at"])
    return message


def supervisors_of(grid) -> list:
    """Users responsible for a grid: its assigned staff and its center's staff.

    Intermediate grids often have nobody assigned; then the nearest ancestor's people are
    responsible, so an alert never goes nowhere.
    """
    for node in [grid, *reversed(Grid.objects.get_ancestors(grid))]:
        staff = Staff.objects.filter(active=True).filter(
            pk__in=GridAssignment.objects.filter(grid=node).values("staff")
        ) | Staff.objects.filter(active=True, center__grid=node)
        users = [s.user for s in staff.select_related("user").distinct()]
        if users:
            return users
    return []
