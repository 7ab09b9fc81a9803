"""Open311 GeoReport v2 endpoints: thin views over selectors/services, XML or JSON."""

from __future__ import annotations

import functools
import logging

from django.conf import settings
from django.db import DataError
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from gongzhi.core.outage import outage_errors, outage_message, retry_after

from .errors import Open311Error, bad_request, not_found
from .keys import apikey_authenticate, apikey_throttled
from .models import ServiceRequest
from .render import error_response, request_rows, respond
from .selectors import (
    attributes_of,
    jurisdiction_get,
    request_get,
    request_list,
    request_query_parse,
    service_get,
    service_list,
)
from .services import open311_request_create

log = logging.getLogger("gongzhi.open311")
SPEC_URL = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-01-01T00:00:00+08:00"  # bump when the resources or their fields change


def endpoint(methods: tuple[str, ...] = ("GET",)):
    """Spec error format for every failure; jurisdiction_id check; never a 500."""

    def wrap(view):
        @csrf_exempt
        @functools.wraps(view)
        def inner(request, *args, fmt: str = "xml", **kwargs):
            try:
                if request.method not in methods:
                    raise bad_request(f"不支持 {request.method} 请求")
                params = request.POST if request.method == "POST" else request.GET
                if any("\x00" in k or any("\x00" in x for x in v) for k, v in params.lists()):
                    raise bad_request("请求参数包含非法字符(NUL)")  # PostgreSQL refuses them
                code = (params.get("jurisdiction_id") or "").strip()
                request.open311_jurisdiction = jurisdiction_get(code[:40]) if code else None
                if code and request.open311_jurisdiction is None:
                    raise not_found(f"未知的 jurisdiction_id:{code[:40]}")
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as exc:
                return error_response(fmt, exc)
            except outage_errors() as exc:  # the database or Redis is down: retry, not a 400
                log.warning(
                    "open311 %s %s: outage answered 503: %r", request.method, request.path, exc
                )
                error = Open311Error(503, outage_message(), code="503")
                return retry_after(error_response(fmt, error))
            except DataError:  # a value the database refuses (length, range) is the client's
                log.warning(
                    "open311 %s %s: data error", request.method, request.path, exc_info=True
                )
                return error_response(
                    fmt, bad_request("提交的内容超出长度或格式无法保存,请检查后重试")
                )
            except Exception:  # spec: "400 - General service error"; logged for us
                log.exception("open311 %s %s failed", request.method, request.path)
                return error_response(fmt, bad_request("服务处理出错,请稍后重试或联系管理员"))

        return inner

    return wrap


@endpoint()
def discovery(request, fmt):
    url = request.build_absolute_uri(reverse("open311:root"))
    data = {
        "changeset": CHANGESET,
        "contact": getattr(settings, "OPEN311_CONTACT", "区综治中心"),
        "key_service": "向区综治中心申请 API 密钥(管理员执行 gongzhi apikey create 名称)",
        "endpoints": [
            {
                "specification": SPEC_URL, "url": url, "changeset": CHANGESET,
                "type": "production", "formats": ["text/xml", "application/json"],
            }
        ],
    }  # fmt: skip
    return respond(fmt, data, root="discovery")


def _service_row(category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description or str(category),
        "metadata": bool(category.extra_fields),
        "type": "realtime",
        "keywords": category.keywords or None,
        "group": category.parent.name if category.parent_id else category.name,
    }


@endpoint()
def services(request, fmt):
    rows = [_service_row(c) for c in service_list()]
    return respond(fmt, rows, root="services", item="service")


@endpoint()
def service_definition(request, fmt, code):
    category = service_get(code)
    if category is None:
        raise not_found(f"未知的 service_code:{code[:20]}")
    data = {"service_code": category.code, "attributes": attributes_of(category)}
    return respond(fmt, data, root="service_definition")


@endpoint(methods=("GET", "POST"))
def requests(request, fmt):
    if request.method == "POST":
        return _post_request(request, fmt)
    cases = request_list(request_query_parse(request.GET), within=request.open311_jurisdiction)
    return respond(fmt, request_rows(cases), root="service_requests", item="request")


def _post_request(request, fmt):
    key = apikey_authenticate((request.POST.get("api_key") or "").strip())
    if key is None:
        raise Open311Error(403, "缺少 api_key,或 api_key 无效或已作废")
    if apikey_throttled(key):
        # 429 is outside the spec's list, but it is the honest answer and clients retry it.
        raise Open311Error(429, "请求过于频繁,请稍后再试")
    record = open311_request_create(
        api_key=key,
        data=request.POST,
        idempotency_key=request.headers.get("Idempotency-Key", ""),
        within=request.open311_jurisdiction,
    )
    data = [
        {
            "service_request_id": record.case.number,
            "service_notice": "事件已登记,将按时限受理办理",
            "account_id": record.account_id or None,
        }
    ]
    response = respond(fmt, data, root="service_requests", item="request")
    # A realtime service returns the id, not a token (spec); the token still resolves.
    response["Open311-Token"] = record.token
    return response


@endpoint()
def request_detail(request, fmt, number):
    case = request_get(number)
    if case is None:
        raise not_found(f"未知的 service_request_id:{number[:30]}")
    return respond(fmt, request_rows([case]), root="service_requests", item="request")


@endpoint()
def token(request, fmt, token):
    record = ServiceRequest.objects.select_related("case").filter(token=token).first()
    if record is None:
        raise not_found("未知的 token")
    data = [{"service_request_id": record.case.number, "token": record.token}]
    return respond(fmt, data, root="service_requests", item="request")


@endpoint(methods=("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"))
def unknown(request, fmt):
    raise not_found("未知的资源")
