"""Spec-shaped responses: XML through ElementTree (escape-safe), JSON through JsonResponse."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from django.http import HttpResponse, JsonResponse
from django.utils import timezone

from gongzhi.cases.models import Case
from gongzhi.cases.workflow import FINAL_STATES
from gongzhi.core.text import xml_safe
from gongzhi.portal.selectors import public_text

from .errors import Open311Error
from .selectors import agencies_for, status_notes_for

XML_TYPE = "text/xml; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"
# The element name of one member of each list field (spec XML).
LIST_ITEMS = {
    "attributes": "attribute", "values": "value", "endpoints": "endpoint", "formats": "format",
}  # fmt: skip


def w3c(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return xml_safe(str(value))  # XML 1.0 cannot carry most control characters


def _fill(element: ET.Element, data: dict) -> None:
    for key, value in data.items():
        child = ET.SubElement(element, key)
        if isinstance(value, list):
            for item in value:
                sub = ET.SubElement(child, LIST_ITEMS.get(key, "item"))
                if isinstance(item, dict):
                    _fill(sub, item)
                else:
                    sub.text = _text(item)
        else:
            child.text = _text(value)


def xml_response(root: str, data, item: str | None = None, status: int = 200) -> HttpResponse:
    """`data` is one dict (filled into <root>) or a list of dicts (each an <item>)."""
    element = ET.Element(root)
    for entry in data if isinstance(data, list) else [data]:
        _fill(ET.SubElement(element, item) if item else element, entry)
    body = '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="unicode")
    return HttpResponse(body.encode(), status=status, content_type=XML_TYPE)


def json_response(data, status: int = 200) -> JsonResponse:
    return JsonResponse(
        data,
        safe=False,
        status=status,
        content_type=JSON_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )


def respond(fmt: str, data, *, root: str, item: str | None = None, status: int = 200):
    if fmt == "json":
        return json_response(data, status)
    return xml_response(root, data, item, status)


def error_response(fmt: str, error: Open311Error):
    data = [{"code": error.code, "description": error.description}]
    return respond(fmt, data, root="errors", item="error", status=error.status)


def request_rows(cases: list[Case]) -> list[dict]:
    """Spec fields of GET requests, in spec order, for a page of cases (three queries)."""
    notes, agencies = status_notes_for(cases), agencies_for(cases)
    rows = []
    for case in cases:
        extra = getattr(case, "open311", None)
        closed = case.state in FINAL_STATES
        rows.append(
            {
                "service_request_id": case.number,
                "status": "closed" if closed else "open",
                "status_notes": notes.get(case.pk),
                "service_name": case.category.name,
                "service_code": case.category.code,
                "description": public_text(case),
                "agency_responsible": agencies.get(case.pk) or None,
                "service_notice": None,
                "requested_datetime": w3c(case.created_at),
                "updated_datetime": w3c((case.closed_at if closed else None) or case.updated_at),
                "expected_datetime": None if closed else w3c(case.handle_red_at),
                "address": case.address or None,
                "address_id": (extra.address_id if extra else "") or None,
                "zipcode": None,
                "lat": case.lat,
                "long": case.lng,
                "media_url": (extra.media_url if extra else "") or None,
            }
        )
    return rows
