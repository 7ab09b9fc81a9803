"""A database or Redis outage is answered 503 with Retry-After on every interface.

Clients (the portal's and the workbench's offline queues, Open311 and API clients) retry
a 503; a 4xx would tell them the input was wrong and they would drop it. This module
names the errors that mean "the service is down, try again", and renders the answers:
- `OutageMiddleware` turns such an error raised by a view into the Chinese 503 page (or
  JSON for /api/); `server_error` (handler500) does the same for one raised in middleware.
- DRF's exception handler (core/api.py) and Open311's `endpoint()` give their own bodies.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

log = logging.getLogger("gongzhi.outage")
RETRY_AFTER_SECONDS = 5


_DATABASE_ERRORS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError)


def outage_errors() -> tuple[type[BaseException], ...]:
    """The exceptions that mean a backing service is unreachable: the database's, and Redis's
    once redis-py is loaded (a process that never talked to Redis cannot have lost it, and
    need not import it: ~8 MB; issue 19, memory). Usable as `except outage_errors() as exc`."""
    redis = sys.modules.get("redis.exceptions")
    if redis is None:
        return _DATABASE_ERRORS
    return (*_DATABASE_ERRORS, redis.ConnectionError, redis.TimeoutError)


def is_outage(exc: BaseException | None) -> bool:
    return isinstance(exc, outage_errors())


def outage_message() -> str:
    return _("服务暂时不可用(数据库或缓存连接中断),请稍后重试")


def retry_after(response: HttpResponse) -> HttpResponse:
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def outage_response(request: HttpRequest, exc: BaseException) -> HttpResponse:
    """JSON for the API and fetch clients that ask for it, the Chinese page otherwise."""
    log.warning("outage answered 503: %s %s: %r", request.method, request.path, exc)
    accept = request.headers.get("Accept", "")
    response: HttpResponse
    if request.path.startswith("/api/") or "application/json" in accept:
        response = JsonResponse(
            {"detail": outage_message(), "code": "unavailable"},
            status=503,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        # No base template: it reads the session and the user, i.e. the database.
        body = render_to_string("core/503.html", {"message": outage_message()})
        response = HttpResponse(body, status=503)
    return retry_after(response)


class OutageMiddleware:
    """Maps an outage raised by a view to 503. Sits first, so it also sees what the other
    middleware let through."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_outage(exception):
            return outage_response(request, exception)
        return None


def server_error(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """handler500: an outage raised in a middleware (sessions, auth) is still a 503."""
    exc = sys.exc_info()[1]
    if exc is not None and is_outage(exc):
        return outage_response(request, exc)
    from django.views.defaults import server_error as django_server_error

    try:
        return django_server_error(request, *args, **kwargs)
    except Exception:  # noqa: BLE001 - the 500 template itself failed
        return HttpResponseServerError(b"<h1>Server Error (500)</h1>", content_type="text/html")
