"""Reads for the Open311 resources: services, service definitions and service requests.

Which cases are visible: no key is needed to read (spec), so only portal.selectors'
public_cases() are listed (moderation applies), and contacts are never shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from gongzhi.cases.models import Case, CaseEvent, Category
from gongzhi.cases.workflow import FINAL_STATES
from gongzhi.core import clock
from gongzhi.core.memo import Memo
from gongzhi.org.models import Center
from gongzhi.portal.selectors import public_cases

from .errors import bad_request

if TYPE_CHECKING:
    from collections.abc import Mapping

MAX_PAGE_SIZE = 1000  # spec: "first 1000 requests", also the largest page
DEFAULT_SPAN = dt.timedelta(days=90)
SERVICES = Memo("open311.services", settings.OPEN311_MEMO_SECONDS)  # category by code
# Grids a jurisdiction_id names (district, city, province), by code; apps.py forgets on a save.
JURISDICTIONS = Memo("open311.jurisdictions", settings.OPEN311_MEMO_SECONDS)


@dataclass(frozen=True)
class Jurisdiction:
    """What a request's jurisdiction_id names: `path` is the grid below which its requests
    are, or "" for the whole deployment (the configured id, the deployment's top code)."""

    code: str
    path: str = ""


def jurisdiction_get(code: str) -> Jurisdiction | None:
    """The jurisdiction a `jurisdiction_id` names, or None when it names none.

    One deployment may hold several districts under a city or province (issue 18): each
    district's code (and the city's, the province's) is a jurisdiction of its own, whose
    requests are those of its grids. DISTRICT_CODE and OPEN311_JURISDICTION_ID name the
    whole deployment, as they did when it held one district."""
    from gongzhi.grids.models import Grid, Level

    grid = JURISDICTIONS.get(
        code,
        lambda: Grid.objects.filter(code=code, level__lte=Level.DISTRICT).only("path").first(),
    )
    if grid is not None:
        return Jurisdiction(code, "" if len(grid.path) == Grid.steplen else grid.path)
    if code in (settings.DISTRICT_CODE, settings.OPEN311_JURISDICTION_ID):
        return Jurisdiction(code)
    return None


# Timeline actions whose comment is addressed to the reporter, so it may be published as
# status_notes; dispatch/escalation remarks between staff stay internal.
PUBLIC_NOTE_ACTIONS = (
    "accept",
    "reject",
    "resolve",
    "close",
    "follow_up",
    "reopen",
    "merge",
    "divert",
    "terminate",
)


def service_list() -> QuerySet[Category]:
    """Active leaf categories: a top-level category with sub-categories is only a group."""
    live_children = Category.objects.filter(parent=OuterRef("pk"), active=True)
    return (
        Category.objects.filter(active=True)
        .filter(Q(parent__isnull=True) | Q(parent__active=True))
        .exclude(Exists(live_children))
        .select_related("parent")
    )


def service_get(code: str) -> Category | None:
    """One active leaf category, remembered per process for OPEN311_MEMO_SECONDS (a change
    in this process forgets at once: apps.py)."""
    return SERVICES.get(code, lambda: _service_get(code))


def _service_get(code: str) -> Category | None:
    """Cheaper than filtering service_list(): it runs on every POST, and a sub-category (the
    usual code) can have no children (two levels)."""
    qs = Category.objects.select_related("parent").filter(code=code, active=True)
    category = next(iter(qs.order_by()[:1]), None)  # unique code: no ORDER BY to compile
    if category is None:
        return None
    if category.parent is not None:
        return category if category.parent.active else None
    has_children = Category.objects.filter(parent=category, active=True).exists()
    return None if has_children else category


def attributes_of(category: Category) -> list[dict]:
    """Category.extra_fields as spec attributes, in their display order."""
    fields = sorted(category.extra_fields, key=lambda f: (f.get("order") or 0, f["code"]))
    out = []
    for i, f in enumerate(fields, start=1):
        datatype = f.get("datatype", "string")
        lists = datatype in ("singlevaluelist", "multivaluelist")
        out.append(
            {
                "variable": True,
                "code": f["code"],
                "datatype": datatype,
                "required": bool(f.get("required")),
                "datatype_description": f.get("datatype_description") or None,
                "order": int(f.get("order") or i),
                "description": f.get("description") or f["label"],
                "values": [{"key": str(v["key"]), "name": v["name"]} for v in f.get("values", [])]
                if lists
                else [],
            }
        )
    return out


@dataclass
class RequestQuery:
    ids: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    page: int = 1
    page_size: int = MAX_PAGE_SIZE


def _comma_list(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _date(value: str, name: str) -> dt.datetime:
    try:
        parsed = parse_datetime(value.replace(" ", "+"))  # a raw "+08:00" arrives as " 08:00"
    except ValueError:
        parsed = None
    if parsed is None:
        raise bad_request(f"{name} 格式不正确,应为 W3C 日期时间,例如 2030-01-01T00:00:00+08:00")
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def _positive(value: str, name: str, maximum: int) -> int:
    if not value.isdigit() or not 1 <= int(value) <= maximum:
        raise bad_request(f"{name} 应为 1 到 {maximum} 之间的整数")
    return int(value)


def request_query_parse(params: Mapping[str, str]) -> RequestQuery:
    """Spec filters plus page/page_size; empty values are absent. Raises Open311Error."""
    get = {
        k: (params.get(k) or "").strip()
        for k in (
            "service_request_id",
            "service_code",
            "status",
            "start_date",
            "end_date",
            "page",
            "page_size",
        )
    }
    q = RequestQuery()
    if get["page"]:
        q.page = _positive(get["page"], "page", 10**6)
    if get["page_size"]:
        q.page_size = _positive(get["page_size"], "page_size", MAX_PAGE_SIZE)
    if get["service_request_id"]:
        q.ids = _comma_list(get["service_request_id"])[:MAX_PAGE_SIZE]
        return q  # overrides every other filter (spec)
    q.codes = _comma_list(get["service_code"])
    q.statuses = _comma_list(get["status"])
    if bad := set(q.statuses) - {"open", "closed"}:
        raise bad_request(f"status 只能是 open 或 closed:{','.join(sorted(bad))[:40]}")
    start = _date(get["start_date"], "start_date") if get["start_date"] else None
    end = _date(get["end_date"], "end_date") if get["end_date"] else None
    if start and end and start > end:
        raise bad_request("start_date 不能晚于 end_date")
    if start and end and end - start > DEFAULT_SPAN:
        raise bad_request("start_date 与 end_date 的跨度不能超过 90 天")
    if start is None and end is None:
        end = clock.now()
    if start is None:
        assert end is not None  # set above when both were absent
        start = end - DEFAULT_SPAN
    elif end is None:
        end = start + DEFAULT_SPAN
    q.start, q.end = start, end
    return q


def request_list(q: RequestQuery, within: Jurisdiction | None = None) -> list[Case]:
    qs = (
        public_cases()
        .select_related("category", "open311", "assignee_department", "owning_grid", "board")
        .order_by("-created_at", "-pk")
    )
    if within is not None and within.path:
        qs = qs.filter(grid__path__startswith=within.path)
    if q.ids:
        qs = qs.filter(number__in=q.ids)
    else:
        qs = qs.filter(created_at__gte=q.start, created_at__lte=q.end)
        if q.codes:
            qs = qs.filter(category__code__in=q.codes)
        if set(q.statuses) == {"open"}:
            qs = qs.exclude(state__in=FINAL_STATES)
        elif set(q.statuses) == {"closed"}:
            qs = qs.filter(state__in=FINAL_STATES)
    offset = (q.page - 1) * q.page_size
    return list(qs[offset : offset + q.page_size])


def request_get(number: str) -> Case | None:
    found = request_list(RequestQuery(ids=[number]))
    return found[0] if found else None


def status_notes_for(cases: list[Case]) -> dict[int, str]:
    """The latest reporter-facing timeline comment per case, in one query."""
    notes: dict[int, str] = {}
    events = (
        CaseEvent.objects.filter(case__in=[c.pk for c in cases], action__in=PUBLIC_NOTE_ACTIONS)
        .exclude(comment="")
        .order_by("case_id", "at", "pk")
        .values_list("case_id", "comment")
    )
    for case_id, comment in events:
        notes[case_id] = comment
    return notes


def agencies_for(cases: list[Case]) -> dict[int, str]:
    """The department handling the case, else the nearest center above its owning grid."""
    centers = dict(Center.objects.values_list("grid__path", "name"))
    out = {}
    for case in cases:
        if case.assignee_department is not None:
            out[case.pk] = case.assignee_department.name
            continue
        path = case.owning_grid.path
        prefixes = (path[:i] for i in range(len(path), 0, -case.owning_grid.steplen))
        out[case.pk] = next((centers[p] for p in prefixes if p in centers), "")
    return out
