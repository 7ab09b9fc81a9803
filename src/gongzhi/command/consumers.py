"""/ws/command/?grid=<id>: the command center's stream of recent case events (feed.py)."""

from __future__ import annotations

from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from . import selectors
from .feed import feed

FORBIDDEN = 4403


class CommandConsumer(AsyncJsonWebsocketConsumer):
    path: str = ""

    async def connect(self) -> None:
        path = await database_sync_to_async(self._grid_path)()
        if path is None:
            await self.close(code=FORBIDDEN)
            return
        self.path = path
        await self.accept()
        feed().attach(self.channel_name, path)
        await self.send_json({"type": "hello", "grid": path})

    def _grid_path(self) -> str | None:
        """The path of the grid asked for, if the user may watch it (their scope root when
        none is given)."""
        user = self.scope.get("user")
        if user is None or not selectors.may_command(user):
            return None
        query = parse_qs(self.scope.get("query_string", b"").decode("utf-8", "replace"))
        try:
            grid = selectors.grid_for(user, (query.get("grid") or [""])[0])
        except (selectors.BadParameter, selectors.NotInScope):
            return None
        return grid.path

    async def disconnect(self, code) -> None:
        if self.path:
            feed().detach(self.channel_name)

    async def relay(self, message: dict) -> None:
        await self.send_json(message["event"])

    async def receive_json(self, content, **kwargs) -> None:
        """The page only listens."""
