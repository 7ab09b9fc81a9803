"""Recent events streaming to the command center's sockets (/ws/command/).

The case timeline (CaseEvent) is already the append-only record of everything that happens
to a case: reported, accepted, escalated, red-carded by the sweep, closed, rated. Rather
than publish from the services (the case create path is one statement on PostgreSQL, and its
query budget is tested), each server process that has command sockets open runs one poller
that reads the timeline's new rows once a second (one indexed range query on `at`) and
sends each row to the sockets whose grid holds the case, through the channel layer.

Rows are re-read for a short window, as realtime.relay does: on PostgreSQL a transaction
that commits later can carry an earlier time than rows already seen.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
import weakref

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.utils import timezone

from gongzhi.cases.models import CaseEvent

from .selectors import event_dict

log = logging.getLogger(__name__)
WINDOW = dt.timedelta(seconds=10)
BATCH = 500


def _recent(since: dt.datetime) -> list[dict]:
    rows = (
        CaseEvent.objects.filter(at__gte=since)
        .select_related("case__grid")
        .order_by("at", "pk")[:BATCH]
    )
    return [event_dict(e) for e in rows]


class Feed:
    """One per server process (event loop): polls while command sockets are open."""

    def __init__(self) -> None:
        self.sockets: dict[str, str] = {}  # channel name → the grid path it watches
        self.task: asyncio.Task | None = None
        self.seen: dict[int, float] = {}  # event id → when first sent (monotonic seconds)

    def attach(self, channel_name: str, path: str) -> None:
        self.sockets[channel_name] = path
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self.run())

    def detach(self, channel_name: str) -> None:
        self.sockets.pop(channel_name, None)
        if not self.sockets and self.task is not None:
            self.task.cancel()
            self.task = None

    async def poll_once(self, since: dt.datetime) -> int:
        layer = get_channel_layer()
        sent = 0
        for event in await database_sync_to_async(_recent)(since):
            if event["id"] in self.seen:
                continue
            self.seen[event["id"]] = time.monotonic()
            message = {"type": "relay", "event": {"type": "case_event", **event}}
            for channel, path in list(self.sockets.items()):
                if event["path"].startswith(path):
                    await layer.send(channel, message)
                    sent += 1
        return sent

    async def run(self) -> None:
        since = timezone.now() - WINDOW  # an event raised while the page loaded is not missed
        interval = float(getattr(settings, "COMMAND_FEED_POLL", 1.0))
        while True:
            try:
                await self.poll_once(since)
                since = timezone.now() - WINDOW
                keep = time.monotonic() - 3 * WINDOW.total_seconds()
                self.seen = {pk: at for pk, at in self.seen.items() if at >= keep}
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - a database outage: retry, sockets stay open
                log.warning("command feed poll failed", exc_info=True)
            await asyncio.sleep(interval)


_feeds: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def feed() -> Feed:
    loop = asyncio.get_running_loop()
    if loop not in _feeds:
        _feeds[loop] = Feed()
    return _feeds[loop]
