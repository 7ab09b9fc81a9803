"""A channel-layer error ends a socket cleanly: it is closed (so the client reconnects and
catches up) and leaves its groups, instead of the error escaping the consumer."""

import asyncio

from channels.layers import InMemoryChannelLayer
from redis.exceptions import TimeoutError as RedisTimeoutError

from gongzhi.realtime import services
from gongzhi.realtime.consumers import LAYER_FAILED, StaffConsumer

from .conftest import WebsocketCommunicator, run_async


class FailingLayer(InMemoryChannelLayer):
    """Works like the in-memory layer until `fail` is set; then receive() raises what
    redis-py raised in production ("Timeout reading from …")."""

    def __init__(self):
        super().__init__()
        self.fail = asyncio.Event()

    async def receive(self, channel):
        await self.fail.wait()
        raise RedisTimeoutError("Timeout reading from 127.0.0.1:6379")


def test_a_layer_error_closes_the_socket_and_leaves_its_groups(
    transactional_db, django_db_serialized_rollback, district, monkeypatch
):
    layer = FailingLayer()
    monkeypatch.setattr("channels.consumer.get_channel_layer", lambda alias: layer)
    group = services.user_group(district.users["gridworker"].pk)

    async def run():
        comm = WebsocketCommunicator(StaffConsumer.as_asgi(), "/ws/staff/")
        comm.scope["user"] = district.users["gridworker"]
        connected, _ = await comm.connect()
        hello = await comm.receive_json_from()
        members_before = set(layer.groups.get(group, ()))
        layer.fail.set()
        closed = await comm.receive_output()
        return connected, hello, members_before, closed

    connected, hello, members_before, closed = run_async(run)
    assert connected and hello["type"] == "hello"
    assert len(members_before) == 1
    assert closed == {"type": "websocket.close", "code": LAYER_FAILED}
    assert not layer.groups.get(group)
