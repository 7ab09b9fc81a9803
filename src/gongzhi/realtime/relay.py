"""Live events between processes without Redis (the embedded default; docs/decisions.md).

Channels' in-memory layer reaches only the sockets of its own process, so an event published
by the task worker (a one-key escalation, a deadline warning) would never reach an open page.
With REALTIME_DB_RELAY on (the default when REDIS_URL is unset), publish() also writes the
event to RelayEvent in the publisher's transaction; every server process that has sockets
open polls that table and forwards rows written by other processes to its own layer. The
publishing process still sends to its own sockets directly, so nothing arrives twice.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import random
import uuid
import weakref

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.utils import timezone

from .models import RelayEvent

log = logging.getLogger(__name__)
# Rows this recent are read again on every poll: on PostgreSQL a transaction that commits
# later can carry an earlier id and time than rows already seen.
WINDOW = dt.timedelta(seconds=10)
KEEP = dt.timedelta(seconds=60)
PRUNE_CHANCE = 0.01

_origin: tuple[int, str] = (0, "")


def origin() -> str:
    """This process's tag (new after a fork, so forked server workers differ)."""
    global _origin
    if _origin[0] != os.getpid():
        _origin = (os.getpid(), f"{os.getpid()}-{uuid.uuid4().hex[:12]}")
    return _origin[1]


def enabled() -> bool:
    return bool(getattr(settings, "REALTIME_DB_RELAY", False))


def record(group: str, event: dict) -> None:
    """Store the event for other processes; call inside the publisher's transaction."""
    RelayEvent.objects.create(
        group=group, event=_without_nul(event), origin=origin(), created_at=timezone.now()
    )
    if random.random() < PRUNE_CHANCE:  # keep the table small without a scheduled job
        prune()


def _without_nul(value):
    """PostgreSQL's jsonb refuses NUL characters; a socket event never needs one."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_without_nul(v) for v in value]
    return value


def prune() -> int:
    return RelayEvent.objects.filter(created_at__lt=timezone.now() - KEEP).delete()[0]


def _recent(since: dt.datetime) -> list[tuple]:
    rows = RelayEvent.objects.filter(created_at__gte=since).exclude(origin=origin())
    return list(rows.order_by("id").values_list("id", "group", "event", "created_at"))


class Poller:
    """Forwards other processes' events to this process's layer while sockets are open."""

    def __init__(self) -> None:
        self.users = 0
        self.task: asyncio.Task | None = None
        self.seen: dict[int, dt.datetime] = {}

    def attach(self) -> None:
        self.users += 1
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self.run())

    def detach(self) -> None:
        self.users = max(self.users - 1, 0)
        if self.users == 0 and self.task is not None:
            self.task.cancel()
            self.task = None

    async def poll_once(self, since: dt.datetime) -> int:
        layer = get_channel_layer()
        sent = 0
        for pk, group, event, created_at in await database_sync_to_async(_recent)(since):
            if pk in self.seen:
                continue
            self.seen[pk] = created_at
            await layer.group_send(group, {"type": "relay", "event": event})
            sent += 1
        return sent

    async def run(self) -> None:
        # Start a little in the past: an event raised while the page loaded is not missed.
        since = timezone.now() - WINDOW
        interval = float(getattr(settings, "REALTIME_RELAY_POLL", 0.5))
        while True:
            try:
                await self.poll_once(since)
                since = timezone.now() - WINDOW
                self.seen = {pk: at for pk, at in self.seen.items() if at >= since}
                if random.random() < PRUNE_CHANCE:
                    await database_sync_to_async(prune)()
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - a database outage: retry, sockets stay open
                log.warning("realtime relay poll failed", exc_info=True)
            await asyncio.sleep(interval)


_pollers: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def poller() -> Poller:
    """The poller of the running event loop (one per server process)."""
    loop = asyncio.get_running_loop()
    if loop not in _pollers:
        _pollers[loop] = Poller()
    return _pollers[loop]
