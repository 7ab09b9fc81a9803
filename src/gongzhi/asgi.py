"""The one ASGI application `gongzhi serve` runs: HTTP and WebSockets on one port.

HTTP goes to Django's WSGI handler in a thread pool (gongzhi.core.wsgi_bridge): one thread hop
per request, and the whole middleware chain and the view run synchronously in that thread. Django's own
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

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from gongzhi.core.wsgi_bridge import WsgiBridge  # noqa: E402
from gongzhi.realtime.routing import websocket_urlpatterns  # noqa: E402

# Threads per server process that run requests. Two did best on this machine on SQLite and on
# local PostgreSQL (fewer writers queueing for the lock: docs/decisions.md); raise it when the
# database is far away or pages are slow.
WEB_THREADS = int(os.environ.get("WEB_THREADS", "2"))
SHUTDOWN_GRACE = 10.0  # seconds requests in progress get to finish at shutdown


_http = WsgiBridge(django_wsgi_app, WEB_THREADS)
http_app = _http


async def drain_requests(seconds: float = SHUTDOWN_GRACE) -> None:
    """Let the request threads finish while the event loop still runs.

    A thread sends its response through the loop; once the loop has stopped, a thread still
    sending would wait for ever, and the interpreter joins it at exit: the process would
    never end. Past the grace period the process ends at once.
    """
    loop = asyncio.get_running_loop()
    try:
        await asyncio.wait_for(loop.run_in_executor(None, _http.shutdown), seconds)
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
