"""HTTP from the ASGI server to Django's WSGI handler, with one thread hop per request.

The request body is read on the event loop, then one call into a thread pool runs the whole
Django request (middleware and view) and returns the finished response; the loop sends it.
A streaming response (files, exports) is read from the pool a chunk at a time. This replaced
a2wsgi, whose per-request queues and cross-thread sends cost as much CPU as Django's own
handling of a small JSON request (docs/decisions.md, "Serving stack"; docs/benchmarks.md).

Django's end-of-request work (`request_finished`: connections returned to the pool) runs in
the request's own thread, where its database connections live.

Behind a reverse proxy, the client's address and scheme come from X-Forwarded-For and
X-Forwarded-Proto when the connection comes from a trusted proxy (FORWARDED_ALLOW_IPS,
default 127.0.0.1, as uvicorn's --proxy-headers): rate limits, the sign-in throttle and the
audit log then see the resident's address, and the HTTPS redirect sees HTTPS.
"""

from __future__ import annotations

import asyncio
import io
import ipaddress
import logging
import os
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from asgiref.sync import SyncToAsync

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterator
    from typing import IO
    from wsgiref.types import WSGIApplication

    Scope = dict[str, Any]
    Receive = Callable[[], Awaitable[dict[str, Any]]]
    Send = Callable[[dict[str, Any]], Awaitable[None]]
    Headers = list[tuple[bytes, bytes]]

log = logging.getLogger("gongzhi.serve")

SPOOL_BYTES = 1024 * 1024  # request bodies above this go to a temporary file
_STREAM_END = object()


class TrustedProxies:
    """Addresses whose X-Forwarded-* headers are believed: a comma-separated list of
    addresses or networks, or "*" for any peer."""

    def __init__(self, spec: str) -> None:
        items = [item.strip() for item in spec.split(",") if item.strip()]
        self.any = "*" in items
        self.networks = []
        for item in items:
            if item != "*":
                try:
                    self.networks.append(ipaddress.ip_network(item, strict=False))
                except ValueError:
                    log.warning("FORWARDED_ALLOW_IPS: %r is not an address; ignored", item)

    def __contains__(self, host: str) -> bool:
        if self.any:
            return True
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False
        return any(address in network for network in self.networks)

    @classmethod
    def from_env(cls) -> TrustedProxies:
        return cls(os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"))


def apply_proxy_headers(environ: dict, trusted: TrustedProxies) -> None:
    """The client's address and scheme as the trusted proxy in front reports them."""
    if environ.get("REMOTE_ADDR", "") not in trusted:
        return
    proto = environ.get("HTTP_X_FORWARDED_PROTO", "").split(",")[-1].strip().lower()
    if proto in ("http", "https"):
        environ["wsgi.url_scheme"] = proto
    forwarded = [h.strip() for h in environ.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    if forwarded:
        # The nearest address that is not one of our proxies; a client cannot forge the
        # entries our proxies appended, only those to the left of them.
        client = next((h for h in reversed(forwarded) if h not in trusted), forwarded[0])
        environ["REMOTE_ADDR"] = client
        environ["REMOTE_PORT"] = ""


class WsgiBridge:
    def __init__(
        self, app: WSGIApplication, threads: int, trusted: TrustedProxies | None = None
    ) -> None:
        self.app = app
        self.trusted = trusted if trusted is not None else TrustedProxies.from_env()
        self.executor = ThreadPoolExecutor(max(threads, 1), thread_name_prefix="http")
        self.loop: asyncio.AbstractEventLoop | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        loop = self.loop = self.loop or asyncio.get_running_loop()
        body = await _read_body(receive)
        environ = _environ(scope, body)
        apply_proxy_headers(environ, self.trusted)
        try:
            status, headers, content, result = await loop.run_in_executor(
                self.executor, self._run, environ
            )
        except Exception:  # noqa: BLE001 - Django answers its own errors; this is the bridge's
            log.exception("request failed outside Django's handler")
            await _send_plain(send, 500, b"Internal Server Error")
            return
        await send({"type": "http.response.start", "status": status, "headers": headers})
        if result is None:
            await send({"type": "http.response.body", "body": content})
            return
        await self._stream(send, content, result)

    # ---- in a pool thread -----------------------------------------------------------------

    def _run(self, environ: dict[str, Any]) -> tuple[int, Headers, Any, Any]:
        """Run Django; a non-streaming response comes back whole and already closed."""
        local = SyncToAsync.threadlocal
        if getattr(local, "main_event_loop", None) is not self.loop:
            # asgiref's async_to_sync (Channels' group_send) then runs on the server's loop,
            # where the in-memory channel layer's queues live.
            local.main_event_loop = self.loop
            local.main_event_loop_pid = os.getpid()
        started: list = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[[bytes], object]:
            started[:] = [status, headers]
            return _no_write

        result = self.app(environ, start_response)
        try:
            if getattr(result, "streaming", False):
                iterator = iter(result)
                first = next(iterator, _STREAM_END)
                if not started:  # PEP 3333: headers may wait for the first chunk
                    raise RuntimeError("the application did not start a response")
                return (*_status_headers(started), first, (result, iterator))
            content = b"".join(result)
        except BaseException:
            _close(result)
            raise
        _close(result)
        return (*_status_headers(started), content, None)

    async def _stream(self, send: Send, first: Any, pair: tuple[Any, Iterator[bytes]]) -> None:
        result, iterator = pair
        loop = asyncio.get_running_loop()
        chunk = first
        try:
            while chunk is not _STREAM_END:
                if chunk:
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
                chunk = await loop.run_in_executor(self.executor, next, iterator, _STREAM_END)
            await send({"type": "http.response.body", "body": b""})
        finally:
            await loop.run_in_executor(self.executor, _close, result)

    def shutdown(self) -> None:
        self.executor.shutdown(wait=True)


def _no_write(data: bytes) -> None:
    raise RuntimeError("the bridge does not support write(); return an iterable")


def _close(result: object) -> None:
    close = getattr(result, "close", None)
    if close is not None:
        close()


def _status_headers(started: list) -> tuple[int, Headers]:
    status, headers = started
    return int(status.split(" ", 1)[0]), [
        (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers
    ]


async def _read_body(receive: Receive) -> IO[bytes]:
    first = b""
    spool = None
    while True:
        message = await receive()
        if message["type"] != "http.request":  # http.disconnect: nobody is listening
            break
        chunk = message.get("body", b"")
        if spool is None and len(first) + len(chunk) <= SPOOL_BYTES:
            first += chunk
        else:
            if spool is None:
                spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
                spool.write(first)
            spool.write(chunk)
        if not message.get("more_body", False):
            break
    if spool is None:
        return io.BytesIO(first)
    spool.seek(0)
    return spool


def _environ(scope: Scope, body: IO[bytes]) -> dict:
    server = scope.get("server") or ("localhost", 80)
    client = scope.get("client") or ("", 0)
    environ = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": scope.get("root_path", "").encode("utf-8").decode("latin-1"),
        "PATH_INFO": scope["path"].encode("utf-8").decode("latin-1"),
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "SERVER_NAME": str(server[0]),
        "SERVER_PORT": str(server[1] if server[1] is not None else 80),
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "REMOTE_ADDR": client[0] if client else "",
        "REMOTE_PORT": str(client[1]) if client else "",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": body,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for raw_name, raw_value in scope.get("headers", ()):
        name = raw_name.decode("latin-1").upper().replace("-", "_")
        value = raw_value.decode("latin-1")
        key = name if name in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{name}"
        if key in environ:  # a repeated header: one value, as RFC 9110 (cookies: RFC 6265)
            value = f"{environ[key]}{'; ' if key == 'HTTP_COOKIE' else ','}{value}"
        environ[key] = value
    return environ


async def _send_plain(send: Send, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"text/plain; charset=utf-8")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
