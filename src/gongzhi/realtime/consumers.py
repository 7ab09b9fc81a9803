"""WebSocket consumers. They only join groups, relay published events and hand writes to
services; authentication comes from the session (Channels' AuthMiddlewareStack)."""

from __future__ import annotations

import contextlib
import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.core.exceptions import PermissionDenied

from . import relay, services
from .models import LiveSession, OneKeyCall

FORBIDDEN = 4403
LAYER_FAILED = 1011  # "internal error": the client reconnects and polls for what it missed
logger = logging.getLogger(__name__)


class RelayConsumer(AsyncJsonWebsocketConsumer):
    groups_joined: list[str]

    async def __call__(self, scope, receive, send) -> None:
        """A channel-layer error (Redis down, a timeout) must not escape: the server would drop
        the connection without a close frame and disconnect() would never run, leaving a dead
        member in every group. Log it, close the socket (realtime.js reconnects and polls to
        catch up) and leave the groups."""
        try:
            await super().__call__(scope, receive, send)
        except Exception as exc:
            # Imported here: redis-py (~7 MB) would sit in every server process, and one
            # without Redis never raises its errors (issue 19, memory).
            from redis.exceptions import RedisError

            if not isinstance(exc, RedisError):
                raise
            logger.exception("channel layer failed on %s; closing the socket", scope.get("path"))
            with contextlib.suppress(Exception):  # the client may be gone already
                await send({"type": "websocket.close", "code": LAYER_FAILED})
            with contextlib.suppress(RedisError):
                await self.disconnect(LAYER_FAILED)  # leave the groups; no stale members

    async def join(self, groups: list[str]) -> None:
        self.groups_joined = groups
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
        if relay.enabled():  # no Redis: other processes' events come through the database
            relay.poller().attach()
            self.relay_attached = True

    async def disconnect(self, code) -> None:
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)
        if getattr(self, "relay_attached", False):
            self.relay_attached = False
            relay.poller().detach()

    async def relay(self, message: dict) -> None:
        await self.send_json(message["event"])


class StaffConsumer(RelayConsumer):
    """/ws/staff/: alerts for the signed-in staff member; {"type": "ack", "call": id} acknowledges."""

    async def connect(self) -> None:
        user = self.scope.get("user")
        groups = await database_sync_to_async(services.staff_groups)(user) if user else []
        if not groups:
            await self.close(code=FORBIDDEN)
            return
        await self.join(groups)
        await self.accept()
        await self.send_json({"type": "hello", "groups": len(groups)})

    async def receive_json(self, content, **kwargs) -> None:
        if not isinstance(content, dict) or content.get("type") != "ack":
            return
        try:
            call_id = int(content.get("call"))  # type: ignore[arg-type]  # None: TypeError below
        except (TypeError, ValueError):
            return
        result = await database_sync_to_async(self._ack)(call_id)
        await self.send_json(result)

    def _ack(self, call_id: int) -> dict:
        call = OneKeyCall.objects.select_related("unit").filter(pk=call_id).first()
        if call is None:
            return {"type": "error", "message": "呼叫不存在"}
        try:
            call = services.onekey_ack(call=call, by=self.scope["user"])
        except PermissionDenied as exc:
            return {"type": "error", "message": str(exc)}
        return {"type": "acked", "call": call.pk, "acked_by": call.acknowledged_name}


def _resident_account_id(scope) -> int | None:
    from gongzhi.portal.auth import SESSION_KEY

    session = scope.get("session")
    return session.get(SESSION_KEY) if session is not None else None


class ResidentConsumer(RelayConsumer):
    """/ws/resident/: the signed-in resident's own events (who acknowledged their call)."""

    async def connect(self) -> None:
        account_id = await database_sync_to_async(_resident_account_id)(self.scope)
        if not account_id:
            await self.close(code=FORBIDDEN)
            return
        await self.join([services.resident_group(account_id)])
        await self.accept()


class LiveConsumer(RelayConsumer):
    """/ws/live/<id>/: every event of one live session, for residents and staff alike."""

    async def connect(self) -> None:
        session_id = int(self.scope["url_route"]["kwargs"]["session_id"])
        allowed = await database_sync_to_async(self._allowed)(session_id)
        if not allowed:
            await self.close(code=FORBIDDEN)
            return
        await self.join([services.live_group(session_id)])
        await self.accept()

    def _allowed(self, session_id: int) -> bool:
        if not LiveSession.objects.filter(pk=session_id).exists():
            return False
        user = self.scope.get("user")
        return bool(_resident_account_id(self.scope)) or bool(
            user is not None and services.role_of(user)
        )
