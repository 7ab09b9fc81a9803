"""Writes for cases: create (idempotent) and act (every workflow action, one door).

Each call runs in one transaction, locks the case row, checks the transition table, the
user's role and grid subtree, rejects a stale version, appends a CaseEvent, and writes its
next deadline check (Case.next_check_at, worked off by the periodic sweep) and notifications
in the same transaction.
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from gongzhi.core import clock
from gongzhi.core.access import grid_in_scope, role_of
from gongzhi.core.phone import InvalidPhone, normalize_phone
from gongzhi.intel.tasks import on_case_created

from . import calendar
from .actions import EFFECTS
from .attachments import attachment_check, attachment_store
from .create_sql import case_insert
from .deadlines import case_deadlines_compute, initial_owner, schedule_next_check
from .geo import grid_for_point
from .kpis.daily import contributions, kpi_track, local_day
from .models import Case, CaseEvent, Category, Channel, Phase, State, Urgency
from .resident_notify import case_changed_notify, case_created_notify
from .workflow import LABELS, TransitionError, may, target_of, transition_for

if TYPE_CHECKING:
    from collections.abc import Sequence
    from contextlib import AbstractContextManager
    from datetime import datetime

    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import UploadedFile

    from gongzhi.cases.workflow import Transition
    from gongzhi.core.types import Actor
    from gongzhi.grids.models import Grid
    from gongzhi.people.models import Resident


MAX_DESCRIPTION = 4000


class StaleCase(TransitionError):
    """The case changed since the user loaded it (optimistic concurrency)."""


def _existing(key: str) -> Case | None:
    return Case.objects.filter(idempotency_key=key).first()


def case_create(
    *,
    by: Actor | None,
    idempotency_key: str | None = None,
    savepoint: bool = True,
    **fields: Any,
) -> Case:
    """Report a case. A replay with the same idempotency key returns the first case.

    Inside the caller's transaction the create runs in a savepoint, so that a lost race
    (IntegrityError) leaves that transaction usable and is answered with the winner here.
    `savepoint=False` spares the savepoint's two round trips: the IntegrityError then
    propagates, and the caller rolls its transaction back whole and looks for the winner
    itself (Open311 does).
    """
    key = (idempotency_key or "").strip()[:100] or None
    try:
        # A reporter's "received" message is written with the case, in one transaction.
        needs_tx = fields.get("reporter_user") or fields.get("reporter_resident")
        with _create_transaction(fields.get("attachments") or needs_tx, savepoint):
            case = _case_create(by=by, idempotency_key=key, **fields)
            if case is not None:  # None: a replay, told when it was first created
                case_created_notify(case)  # the reporter hears "received"
                on_case_created()  # early warnings are evaluated after the commit
    except (IntegrityError, ValidationError, PermissionDenied) as exc:
        if isinstance(exc, IntegrityError) and not savepoint and connection.in_atomic_block:
            raise  # the caller's transaction is broken: it rolls back and looks itself
        # IntegrityError: two submissions raced past the key check; the loser's statement
        # (or transaction) rolled back whole. A replay is answered with the first case even
        # when something it was checked against has changed since.
        if key and (first := _existing(key)):
            return first
        raise
    if case is None:  # a replay: the first case, found by its key
        case = Case.objects.get(idempotency_key=key)
    return case


def _create_transaction(needed: object, savepoint: bool = True) -> AbstractContextManager[Any]:
    """On PostgreSQL without attachments a create is one statement: outside a transaction it
    is its own (no BEGIN/COMMIT round trips). Inside one, a savepoint keeps the IntegrityError
    of a lost race from breaking the caller's transaction, unless the caller declines it."""
    if connection.vendor == "postgresql" and not needed and not connection.in_atomic_block:
        return nullcontext()
    return transaction.atomic(savepoint=savepoint)


def _clean_category(category: Category) -> Category:
    if isinstance(category, Category):
        return category
    found = Category.objects.filter(code=str(category or "").strip(), active=True).first()
    if found is None:
        raise ValidationError({"category": _("未知的事件类别")})
    return found


def _clean_extra(category: Category, extra: dict | None) -> dict:
    extra, errors, out = extra or {}, {}, {}
    for f in category.extra_fields:
        value = extra.get(f["code"])
        if value in (None, "", []):
            if f.get("required"):
                errors[f"extra.{f['code']}"] = _("请填写「%(label)s」") % {"label": f["label"]}
            continue
        keys = {v["key"] for v in f.get("values", [])}
        if f.get("datatype") == "number":
            try:
                value = float(value)
            except (TypeError, ValueError):
                errors[f"extra.{f['code']}"] = _("「%(label)s」应为数字") % {"label": f["label"]}
        elif f.get("datatype") == "singlevaluelist" and value not in keys:
            errors[f"extra.{f['code']}"] = _("「%(label)s」的选项无效") % {"label": f["label"]}
        elif f.get("datatype") == "multivaluelist":
            value = list(value) if isinstance(value, list | tuple) else [value]
            if not set(value) <= keys:
                errors[f"extra.{f['code']}"] = _("「%(label)s」的选项无效") % {"label": f["label"]}
        out[f["code"]] = value
    if errors:
        raise ValidationError(errors)
    return out


def _clean_location(
    grid: Grid | None, lat: float | None, lng: float | None, resident: Resident | None
) -> Grid:
    """The grid named, else the one containing the point, else the reporter's home grid."""
    if grid is None and lat is not None and lng is not None:
        grid = grid_for_point(float(lat), float(lng))
        if grid is None:
            raise ValidationError({"location": _("该位置不在本区网格范围内")})
    if grid is None and resident is not None:
        grid = resident.grid
    if grid is None:
        raise ValidationError({"location": _("请提供事件位置:所在网格或地图坐标")})
    return grid


def _case_create(
    *,
    by: Actor | None,
    title: str = "",
    description: str = "",
    category: Category,
    channel: str,
    grid: Grid | None = None,
    address: str = "",
    lat: float | None = None,
    lng: float | None = None,
    reporter_resident: Resident | None = None,
    reporter_user: User | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    parties: str = "",
    urgency: str = Urgency.NORMAL,
    is_public: bool = False,
    extra: dict | None = None,
    attachments: Sequence[UploadedFile] = (),
    idempotency_key: str | None = None,
) -> Case | None:
    category = _clean_category(category)
    title, description = (title or "").strip(), description or ""
    errors = {}
    if len(description) > MAX_DESCRIPTION:
        errors["description"] = _("描述不能超过%(max)s个字符") % {"max": MAX_DESCRIPTION}
    if not title and not description.strip():
        errors["title"] = _("请填写标题或描述")
    if len(title) > 200:
        errors["title"] = _("标题不能超过%(max)s个字符") % {"max": 200}
    if channel not in Channel.values:
        errors["channel"] = _("未知的来源渠道")
    if urgency not in Urgency.values:
        errors["urgency"] = _("紧急程度无效")
    if contact_phone:
        try:
            contact_phone = normalize_phone(contact_phone)
        except InvalidPhone as exc:
            errors["contact_phone"] = str(exc)
    if errors:
        raise ValidationError(errors)
    extra = _clean_extra(category, extra)
    grid = _clean_location(grid, lat, lng, reporter_resident)
    if by is not None and not grid_in_scope(by, grid):
        raise PermissionDenied(_("您无权在该网格登记事件"))
    checked = [attachment_check(f) for f in attachments]  # validate all before any write

    now = clock.now()
    level, owning_grid = initial_owner(grid)
    case = Case(
        title=title or description.strip()[:30],
        description=description,
        category=category,
        extra=extra,
        channel=channel,
        grid=grid,
        address=(address or "").strip()[:200],
        lat=lat,
        lng=lng,
        reporter_resident=reporter_resident,
        reporter_user=reporter_user,
        created_by=by if by is not None and role_of(by) else None,
        parties=parties,
        urgency=urgency,
        is_public=is_public,
        state=State.REPORTED,
        owning_level=level,
        owning_grid=owning_grid,
        created_at=now,
        updated_at=now,
        idempotency_key=idempotency_key,
    )
    if contact_name or contact_phone:
        case.set_contact((contact_name or "").strip(), contact_phone)
    case_deadlines_compute(case=case, phase=Phase.ACCEPT, start=now)
    event = CaseEvent(
        actor=by if getattr(by, "pk", None) else None,
        action="report",
        to_state=State.REPORTED,
        at=now,
        data={"channel": channel},
    )
    # Number, case, event and the supervisors' inbox rows: one statement on PostgreSQL.
    if not case_insert(case, event, day=now.astimezone(calendar.LOCAL).date()):
        return None  # a replay: the first case stands
    for item in checked:
        attachment_store(case=case, checked=item, by=by, event=event)
    if case.accept_red_at is not None and local_day(case.accept_red_at) < local_day(
        now
    ):  # a limit of zero: due already
        kpi_track({}, case, now)
    return case


@transaction.atomic
def case_act(
    *,
    case: Case,
    by: Actor,
    action: str,
    expected_version: int,
    comment: str = "",
    attachments: Sequence[UploadedFile] = (),
    **params: Any,
) -> Case:
    """Perform one workflow action. Raises TransitionError, StaleCase, PermissionDenied or
    ValidationError (all with Chinese messages); on any error nothing is written."""
    locked = (
        Case.objects.select_for_update()
        .select_related("category", "grid", "owning_grid")
        .get(pk=case.pk)
    )
    if locked.version != expected_version:
        raise StaleCase(_("该事件已被其他人更新,请刷新后重试"))
    t = transition_for(locked.state, action)
    if not may(t, locked, by):
        raise PermissionDenied(_("您无权对该事件执行「%(action)s」") % {"action": LABELS[action]})
    checked = [attachment_check(f) for f in attachments]
    now = clock.now()
    comment = (comment or "").strip()
    before = contributions(locked)
    event = _apply(locked, t, by=by, now=now, comment=comment, params=params)
    for item in checked:
        attachment_store(case=locked, checked=item, by=by, event=event)
    events = [event]
    if event.data.get("chain"):
        # A rule, not a choice: an unsatisfied rating reopens the case (重办) by itself.
        chained = transition_for(locked.state, event.data["chain"])
        events.append(_apply(locked, chained, by=by, now=now, comment="", params={}))
    locked.save()
    case_changed_notify(locked, events)  # every state change tells who it concerns, same tx
    kpi_track(before, locked, now)  # the KPI aggregates of days already over
    case.__dict__.update({k: v for k, v in locked.__dict__.items() if k != "_state"})
    return locked


def _apply(
    case: Case, t: Transition, *, by: Actor, now: datetime, comment: str, params: dict
) -> CaseEvent:
    from_state = case.state
    case.state = target_of(t, case)
    data: dict = {}
    EFFECTS[t.action](case, by=by, now=now, comment=comment, data=data, source=from_state, **params)
    case.version += 1
    case.updated_at = now
    schedule_next_check(case)
    if chain := data.pop("_chain", None):
        data["chain"] = chain
    return CaseEvent.objects.create(
        case=case,
        actor=by,
        action=t.action,
        from_state=from_state,
        to_state=case.state,
        comment=comment,
        data=data,
        at=now,
    )
