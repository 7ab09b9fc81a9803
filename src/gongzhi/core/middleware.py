"""Request-boundary middleware (issue 12).

CleanInputMiddleware cleans every free-text value once, where it enters: query strings,
form fields (urlencoded and multipart) and JSON bodies. NUL is refused with a clear 400;
other control characters are dropped (core.text.clean_input). A JSON body too deeply
nested to parse is a 400 too, never a RecursionError.

ApiJsonErrorsMiddleware keeps the API's promise that every error is JSON: a Django 404,
405 or 400 page (or any other HTML error) under /api/ becomes {"detail": "..."}.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.utils.translation import gettext as _

from .text import NulCharacter, clean_input, nul_message

logger = logging.getLogger(__name__)
API_PREFIX = "/api/"
OPEN311_PREFIX = "/open311/"


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _bad_request(
    request: HttpRequest, message: str, field: str = "", *, open311_message: str = ""
) -> HttpResponse:
    if request.path.startswith(OPEN311_PREFIX):
        # Open311 clients get the spec's error body (XML, or JSON for *.json paths).
        from gongzhi.open311.errors import bad_request
        from gongzhi.open311.render import error_response

        fmt = "json" if request.path.endswith(".json") else "xml"
        text = open311_message or message
        return error_response(fmt, bad_request(f"{field}: {text}" if field else text))
    if _is_api(request) or "json" in (request.content_type or ""):
        # The API's own shape: errors keyed by the field, else "detail".
        body = {field: [message]} if field else {"detail": message}
        return JsonResponse(body, status=400, json_dumps_params={"ensure_ascii": False})
    text = f"{field}: {message}" if field else message
    return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")


T = TypeVar("T")


def _named(key: str, clean: Callable[[], T]) -> T:
    """Run `clean`, naming the field `key` when it finds a NUL."""
    try:
        return clean()
    except NulCharacter as exc:
        exc.field = exc.field or str(key).replace("\x00", "")[:50]
        raise


def _clean_querydict(qd: QueryDict) -> QueryDict | None:
    """A cleaned copy, or None when nothing needed cleaning."""
    changed = False
    out = QueryDict(mutable=True, encoding=qd.encoding)
    for key, values in qd.lists():
        new_key = _named("", partial(clean_input, key))
        new_values = [
            _named(new_key, partial(clean_input, v)) if isinstance(v, str) else v for v in values
        ]
        changed = changed or new_key != key or new_values != values
        out.setlist(new_key, new_values)
    if not changed:
        return None
    out._mutable = False
    return out


def _clean_json(value: Any) -> Any:
    if isinstance(value, str):
        return clean_input(value)
    if isinstance(value, list):
        return [_clean_json(v) for v in value]
    if isinstance(value, dict):
        return {
            _named("", partial(clean_input, k)): _named(k, partial(_clean_json, v))
            for k, v in value.items()
        }
    return value


class CleanInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            self._clean(request)
        except NulCharacter as exc:
            return _bad_request(
                request, nul_message(), exc.field, open311_message=_("请求参数包含非法字符(NUL)")
            )
        except RecursionError:
            return _bad_request(request, _("请求内容嵌套层级过深,无法处理"))
        return self.get_response(request)

    def _clean(self, request: HttpRequest) -> None:
        if "\x00" in request.path:
            # A NUL in the path would reach look-ups by number or code (PostgreSQL refuses it).
            raise NulCharacter(nul_message())
        if (cleaned := _clean_querydict(request.GET)) is not None:
            request.GET = cleaned  # type: ignore[assignment]  # the cleaned copy, read-only as before
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return
        if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            if (cleaned := _clean_querydict(request.POST)) is not None:
                request.POST = cleaned  # type: ignore[assignment]  # as request.GET above
        elif "json" in (request.content_type or ""):
            self._clean_json_body(request)

    def _clean_json_body(self, request: HttpRequest) -> None:
        raw = request.body  # bounded by DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            data = json.loads(raw)
        except ValueError:
            return  # not JSON: the parser answers with its own 400
        cleaned = _clean_json(data)
        if cleaned != data:
            body = json.dumps(cleaned, ensure_ascii=False).encode()
            request._body = body
            request._stream = io.BytesIO(body)
            request.META["CONTENT_LENGTH"] = str(len(body))


class ApiJsonErrorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not _is_api(request) or response.status_code < 400:
            return response
        if "json" in response.get("Content-Type", ""):
            return response
        detail = {
            404: _("请求的资源不存在"),
            405: _("不支持该请求方法"),
        }.get(response.status_code, _("请求无法处理"))
        if response.status_code >= 500:
            detail = _("服务器内部错误,请稍后重试")
        json_response = JsonResponse(
            {"detail": str(detail)},
            status=response.status_code,
            json_dumps_params={"ensure_ascii": False},
        )
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if header in response:
                json_response[header] = response[header]
        return json_response
