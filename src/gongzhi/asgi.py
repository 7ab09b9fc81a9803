"""The one ASGI application `gongzhi serve` runs: HTTP and WebSockets on one port.

HTTP goes to Django's WSGI handler in a thread pool (a2wsgi): one thread hop per request,
and the whole middleware chain and the view run synchronously in that thread. Django's own
ASGI handler switched between async and sync several times per request (the sync WhiteNoise
middleware, every MiddlewareMixin, the sync view), at 6-9 ms a request (docs/decisions.md).
WebSockets go to Channels (routes in gongzhi.realtime).
"""

import asyncio
import logging
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
django_wsgi_app = get_wsgi_application()

from a2wsgi import WSGIMiddleware  # noqa: E402
from asgiref.sync import SyncToAsync  # noqa: E402
from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from gongzhi.realtime.routing import websocket_urlpatterns  # noqa: E402

# Threads per server process that run requests. Two did best on this machine on SQLite and on
# local PostgreSQL (fewer writers queueing for the lock: docs/decisions.md); raise it when the
# database is far away or pages are slow.
WEB_THREADS = int(os.environ.get("WEB_THREADS", "2"))
SHUTDOWN_GRACE = 10.0  # seconds requests in progress get to finish at shutdown


class _LoopBound:
    """The WSGI app, told which event loop serves this process.

    asgiref's async_to_sync (Channels' group_send in realtime.publish) runs a coroutine on
    the loop it finds in SyncToAsync's thread-local; without it, it would start a private
    loop per call, and the in-memory channel layer's queues belong to the server's loop.
    """

    loop: asyncio.AbstractEventLoop | None = None

    def __call__(self, environ, start_response):
        local = SyncToAsync.threadlocal
        if getattr(local, "main_event_loop", None) is not self.loop:
            local.main_event_loop = self.loop
            local.main_event_loop_pid = os.getpid()
        return django_wsgi_app(environ, start_response)


_wsgi = _LoopBound()
_http = WSGIMiddleware(_wsgi, workers=WEB_THREADS)


async def http_app(scope, receive, send):
    if _wsgi.loop is None:
        _wsgi.loop = asyncio.get_running_loop()

    async def receive_coroutine():
        # a2wsgi reads the body with run_coroutine_threadsafe, which needs a coroutine;
        # granian's receive() returns another kind of awaitable.
        return await receive()

    await _http(scope, receive_coroutine, send)


async def drain_requests(seconds: float = SHUTDOWN_GRACE) -> None:
    """Let the request threads finish while the event loop still runs.

    A thread sends its response through the loop; once the loop has stopped, a thread still
    sending would wait for ever, and the interpreter joins it at exit: the process would
    never end. Past the grace period the process ends at once.
    """
    loop = asyncio.get_running_loop()
    try:
        await asyncio.wait_for(loop.run_in_executor(None, _http.executor.shutdown), seconds)
    except TimeoutError:
        logging.getLogger("gongzhi.serve").warning(
            "requests still running %.0f s after shutdown began; exiting", seconds
        )
        os._exit(0)


async def lifespan_app(scope, receive, send):
    """Nothing to set up; at shutdown, the request threads are drained."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await drain_requests()
            await send({"type": "lifespan.shutdown.complete"})
            return


application = ProtocolTypeRouter(
    {
        "http": http_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
        "lifespan": lifespan_app,
    }
)
