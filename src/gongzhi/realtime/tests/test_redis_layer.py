"""The Redis channel layer as settings.py configures it loses nothing in one server process.

Runs only with REDIS_URL set (CI sets it). Each test uses its own key prefix, so tests and
servers sharing the Redis database never see each other's messages.
"""

import asyncio
import contextlib
import os
import uuid

import pytest
from django.conf import settings
from django.utils.module_loading import import_string

from .conftest import run_async

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set"),
]
CHANNELS_REDIS_DEFAULT_CAPACITY = 100


def _layer(**host):
    """The layer settings.py configures, with its own key prefix and `host` overrides."""
    config = settings.CHANNEL_LAYERS["default"]
    hosts = [{**h, **host} for h in config["CONFIG"]["hosts"]]
    return import_string(config["BACKEND"])(
        **{**config["CONFIG"], "hosts": hosts, "prefix": f"test{uuid.uuid4().hex[:8]}"}
    )


def test_a_socket_idle_longer_than_the_blocking_pop_still_gets_the_next_event():
    # channels_redis blocks on Redis for brpop_timeout (5 s) at a time; with redis-py's
    # default 5 s read timeout the first idle wait raised TimeoutError instead.
    layer = _layer()

    async def run():
        channel = await layer.new_channel()
        await layer.group_add("idle", channel)
        waiting = asyncio.ensure_future(layer.receive(channel))
        await asyncio.sleep(layer.brpop_timeout + 1.5)
        await layer.group_send("idle", {"type": "relay", "event": {"n": 1}})
        try:
            return await asyncio.wait_for(waiting, 10)
        finally:
            await layer.flush()

    assert run_async(run) == {"type": "relay", "event": {"n": 1}}


def test_a_burst_beyond_the_default_capacity_reaches_every_socket_in_one_process():
    # All sockets of a process share one Redis queue: a burst of events (likes in a busy live
    # room) must not be cut at channels_redis's default capacity.
    layer = _layer()
    burst, sockets = CHANNELS_REDIS_DEFAULT_CAPACITY + 50, 3

    async def run():
        channels = [await layer.new_channel() for _ in range(sockets)]
        for channel in channels:
            await layer.group_add("burst", channel)
        for n in range(burst):
            await layer.group_send("burst", {"type": "relay", "event": {"n": n}})
        received = {channel: [] for channel in channels}
        for channel in channels:
            with contextlib.suppress(TimeoutError):  # fewer than sent: the assertion says so
                for _ in range(burst):
                    message = await asyncio.wait_for(layer.receive(channel), 2)
                    received[channel].append(message["event"]["n"])
        await layer.flush()
        return received

    received = run_async(run)
    assert all(ns == list(range(burst)) for ns in received.values()), {
        channel[-6:]: len(ns) for channel, ns in received.items()
    }


def test_many_sockets_leaving_at_once_wait_for_a_connection_and_leave_their_group():
    # 2,000 sockets closing at once discard their groups at the same moment; with the stock
    # pool each call beyond max_connections failed ("Too many connections") and left a dead
    # member in the group.
    layer = _layer(max_connections=5)
    sockets = 50

    async def run():
        channels = [await layer.new_channel() for _ in range(sockets)]
        await asyncio.gather(*(layer.group_add("leaving", channel) for channel in channels))
        await asyncio.gather(*(layer.group_discard("leaving", channel) for channel in channels))
        members = await layer.connection(0).zcard(layer._group_key("leaving"))
        await layer.flush()
        return members

    assert run_async(run) == 0
