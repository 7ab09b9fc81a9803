"""POST requests: turn spec parameters into one cases.services.case_create call.

No case logic lives here: validation of categories, extra fields, descriptions and grid
scope is the case service's; this module only maps names and locates the request.
"""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import QueryDict

from gongzhi.cases.models import Case, Channel
from gongzhi.cases.services import MAX_DESCRIPTION, case_create
from gongzhi.core import crypto
from gongzhi.intel.suggest import open311_category

from .errors import Open311Error, bad_request, not_found
from .location import location_resolve
from .models import ApiKey, ServiceRequest
from .selectors import Jurisdiction, service_get

IDEMPOTENCY_MAX = 64
NAME_MAX = 50


def _param(data: QueryDict, name: str, limit: int = 200) -> str:
    """An optional parameter: empty means absent (spec, "Optional Arguments")."""
    value = (data.get(name) or "").strip()
    if len(value) > limit:
        raise bad_request(f"{name} 过长(最多{limit}个字符)")
    return value


def attributes_from(data: QueryDict) -> dict:
    """attribute[CODE]=v and attribute[CODE][]=v1&attribute[CODE][]=v2 → {CODE: v | [..]}."""
    out: dict = {}
    for name in data:
        if not name.startswith("attribute[") or not name.endswith("]"):
            continue
        if name.endswith("][]"):
            values = [v for v in data.getlist(name) if v != ""]
            if values:
                out[name[len("attribute[") : -3]] = values
        elif value := data.get(name, ""):
            out[name[len("attribute[") : -1]] = value
    return out


def _validation_text(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return ";".join(m for msgs in exc.message_dict.values() for m in msgs)
    return ";".join(exc.messages)


def open311_request_create(
    *,
    api_key: ApiKey,
    data: QueryDict,
    idempotency_key: str = "",
    within: Jurisdiction | None = None,
) -> ServiceRequest:
    """Create (or, for a replayed Idempotency-Key, find) the case behind a POST; with a
    jurisdiction_id (`within`), its location must be inside that district (or city).

    Raises Open311Error; on any error nothing is written.
    """
    code = _param(data, "service_code", 20)
    if not code:
        raise bad_request("缺少 service_code")
    category = service_get(code)
    if category is None:
        raise not_found(f"未知的 service_code:{code}")
    description = data.get("description") or ""
    if len(description) > MAX_DESCRIPTION:
        raise bad_request(f"description 不能超过{MAX_DESCRIPTION}个字符")
    category = open311_category(category, description)  # a generic code: the text decides
    key = (idempotency_key or "").strip()
    if len(key) > IDEMPOTENCY_MAX:
        raise bad_request(f"Idempotency-Key 过长(最多{IDEMPOTENCY_MAX}个字符)")
    # Namespaced by API key: two clients choosing the same key never see each other's case.
    scoped_key = f"o311:{api_key.pk}:{key}" if key else None
    if scoped_key and (first := _replayed(scoped_key)):
        return first
    fields = {
        "email": _param(data, "email", 254),
        "device_id": _param(data, "device_id", 100),
        "account_id": _param(data, "account_id", 100),
        "media_url": _param(data, "media_url", 500),
        "name": " ".join(
            p for p in (_param(data, "last_name", 40), _param(data, "first_name", 40)) if p
        ),
        "phone": _param(data, "phone", 20),  # the case keeps 20 characters (masked)
    }
    if len(fields["name"]) > NAME_MAX:  # the case keeps the masked name in 50 characters
        raise bad_request(f"姓名过长(last_name 与 first_name 合计最多{NAME_MAX}个字符)")
    if fields["media_url"] and not fields["media_url"].lower().startswith(("http://", "https://")):
        raise bad_request("media_url 必须是 http 或 https 链接")
    where = location_resolve(
        lat=_param(data, "lat", 40),
        lng=_param(data, "long", 40),
        address_string=_param(data, "address_string", 400),
        address_id=_param(data, "address_id", 40),
    )
    if within is not None and not where.grid.path.startswith(within.path):
        raise bad_request(f"该位置不在 jurisdiction_id {within.code} 所指的辖区内")
    try:
        with transaction.atomic():
            # No savepoint: a lost race rolls this transaction back whole (below).
            case = case_create(
                by=api_key.user,
                idempotency_key=scoped_key,
                savepoint=False,
                category=category,
                channel=Channel.OPEN311,
                title=description.strip()[:30] or category.name,
                description=description,
                grid=where.grid,
                address=where.address,
                lat=where.lat,
                lng=where.lng,
                contact_name=fields["name"],
                contact_phone=fields["phone"],
                extra=attributes_from(data),
            )
            values = {
                "api_key": api_key, "token": secrets.token_urlsafe(18),
                "account_id": fields["account_id"], "device_id": fields["device_id"],
                "email_enc": crypto.encrypt(fields["email"]),
                "media_url": fields["media_url"], "address_id": where.address_id,
            }  # fmt: skip
            if scoped_key:  # case_create may have returned a racing twin's case
                record, _ = ServiceRequest.objects.get_or_create(case=case, defaults=values)
            else:
                record = ServiceRequest.objects.create(case=case, **values)
    except IntegrityError:
        # Two submissions with one Idempotency-Key raced past the replay check: the loser's
        # transaction rolled back whole; it answers with the winner's request.
        if scoped_key and (first := _replayed(scoped_key)):
            return first
        raise
    except ValidationError as exc:
        raise bad_request(_validation_text(exc)) from None
    except PermissionDenied as exc:
        raise Open311Error(403, str(exc) or "该密钥无权在此网格登记事件") from None
    return record


def _replayed(scoped_key: str) -> ServiceRequest | None:
    case = Case.objects.filter(idempotency_key=scoped_key).first()
    return ServiceRequest.objects.filter(case=case).select_related("case").first() if case else None
