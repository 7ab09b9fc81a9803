"""Recent events stream to the command center's socket (/ws/command/): new timeline lines of
the cases under the watched grid, and nothing else; only command roles may connect."""

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from gongzhi.cases.models import Category, Channel
from gongzhi.cases.services import case_create
from gongzhi.command.consumers import CommandConsumer
from gongzhi.command.feed import WINDOW, Feed
from gongzhi.realtime.tests.conftest import WebsocketCommunicator, run_async

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _report(d, grid, title="楼道堆放杂物"):
    return case_create(
        by=d.users["admin"],
        title=title,
        description=title,
        channel=Channel.HOTLINE,
        grid=grid,
        category=Category.objects.get(code="0102"),
    )


def test_a_new_case_event_goes_once_to_the_sockets_watching_its_grid(district):
    case = _report(district, district.unit_a)

    async def run():
        layer = get_channel_layer()
        near, far = await layer.new_channel(), await layer.new_channel()
        feed = Feed()
        feed.sockets = {near: district.jinquan.path, far: district.xifeng.path}
        since = timezone.now() - WINDOW
        first = await feed.poll_once(since)
        second = await feed.poll_once(since)  # the same rows again: already sent
        received = await asyncio.wait_for(layer.receive(near), 2)
        try:
            await asyncio.wait_for(layer.receive(far), 0.2)
            extra = True
        except TimeoutError:
            extra = False
        return first, second, received, extra

    first, second, received, extra = run_async(run)
    assert (first, second, extra) == (1, 0, False)
    event = received["event"]
    assert (event["type"], event["case"], event["action"]) == ("case_event", case.number, "report")
    assert event["label"] == "上报" and event["grid"] == district.unit_a.name


def _connect(user, query: bytes = b""):
    async def run():
        comm = WebsocketCommunicator(CommandConsumer.as_asgi(), "/ws/command/")
        comm.scope["user"] = user
        comm.scope["query_string"] = query
        connected, code = await comm.connect()
        hello = await comm.receive_json_from() if connected else None
        if connected:
            await comm.disconnect()
        return connected, code, hello

    return run_async(run)


def test_the_leader_connects_to_the_district_and_a_grid_worker_is_refused(district):
    connected, _code, hello = _connect(district.users["leader"])
    assert connected and hello == {"type": "hello", "grid": district.root.path}
    assert _connect(district.users["gridworker"])[:2] == (False, 4403)
    assert _connect(AnonymousUser())[:2] == (False, 4403)


def test_a_township_center_cannot_watch_another_township_or_a_garbage_grid(district):
    center = district.users["center"]
    assert _connect(center)[2] == {"type": "hello", "grid": district.jinquan.path}
    assert _connect(center, f"grid={district.xifeng.pk}".encode())[:2] == (False, 4403)
    assert _connect(center, b"grid=%00abc")[:2] == (False, 4403)


def test_a_case_reported_while_the_socket_is_open_streams_in(district, settings):
    settings.COMMAND_FEED_POLL = 0.1
    leader = district.users["leader"]

    async def run():
        comm = WebsocketCommunicator(CommandConsumer.as_asgi(), "/ws/command/")
        comm.scope["user"] = leader
        comm.scope["query_string"] = f"grid={district.xifeng.pk}".encode()
        connected, _ = await comm.connect()
        assert connected
        await comm.receive_json_from()  # hello
        # Not under the watched grid: never sent.
        await database_sync_to_async(_report)(district, district.unit_a, "金泉路的事")
        case = await database_sync_to_async(_report)(district, district.unit_x, "西峰的事")
        message = await comm.receive_json_from(timeout=5)
        quiet = await comm.receive_nothing(0.5)
        await comm.disconnect()
        return case, message, quiet

    case, message, quiet = run_async(run)
    assert message["type"] == "case_event" and message["case"] == case.number
    assert message["title"] == "西峰的事"
    assert quiet
