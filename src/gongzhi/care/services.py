"""Writes for the care room: visit plans, visits, help delivered and the overdue sweep."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.cases.notify import notify_users, supervisors_of
from gongzhi.core import clock
from gongzhi.core.access import can, grid_in_scope, require
from gongzhi.core.roles import CARE, CARE_ASSIGNEE, FIELDWORK, has
from gongzhi.core.text import clean_text
from gongzhi.mediation.services import parse_amount
from gongzhi.org.models import Staff
from gongzhi.people.models import Resident, TagKind

from .models import DEFAULT_INTERVAL_DAYS, CareAlert, HelpDelivery, Visit, VisitFrequency, VisitPlan

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


NOT_ON_LIST = gettext_lazy("该居民不在关爱对象名单中(无关爱标签),不能登记关爱走访或帮扶")
MAX_INTERVAL_DAYS = 365


def care_tags_of(resident: Resident) -> list[str]:
    return list(resident.tags.filter(kind=TagKind.CARE).values_list("tag", flat=True))


def _require_target(resident: Resident) -> list[str]:
    tags = care_tags_of(resident)
    if not tags:
        raise ValidationError({"resident": NOT_ON_LIST})
    return tags


def interval_for(tags: list[str]) -> int:
    """The most frequent visiting any of the resident's categories asks for."""
    configured = VisitFrequency.objects.filter(tag__in=tags).values_list("interval_days", flat=True)
    return min(configured, default=DEFAULT_INTERVAL_DAYS)


def _check_worker(worker: Staff | None, resident: Resident) -> None:
    """The person responsible must be active care staff who can reach the resident's grid."""
    if worker is None:
        return
    if not worker.active or not has(worker.role, CARE_ASSIGNEE):
        raise ValidationError({"worker": _("责任人须为在岗的关爱工作人员、中心工作人员或网格员")})
    if not grid_in_scope(worker.user, resident.grid):
        raise ValidationError({"worker": _("责任人不负责该居民所在的网格")})


def _check_interval(interval_days: int | str | None) -> int | None:
    if interval_days in (None, ""):
        return None
    try:
        days = int(interval_days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= MAX_INTERVAL_DAYS:
        raise ValidationError(
            {"interval_days": _("走访周期应为1至%(n)d天的整数") % {"n": MAX_INTERVAL_DAYS}}
        )
    return days


@transaction.atomic
def visit_plan_create(
    *,
    by: Actor,
    resident: Resident,
    worker: Staff | None = None,
    interval_days: int | None = None,
) -> VisitPlan:
    """Create (or refresh) a care target's plan; the first visit is due one interval from today.
    Without an interval the most frequent one the target's categories ask for applies."""
    require(by, CARE, resident.grid)
    tags = _require_target(resident)
    _check_worker(worker, resident)
    interval = _check_interval(interval_days) or interval_for(tags)
    plan = VisitPlan.objects.select_for_update().filter(resident=resident).first()
    if plan is None:
        return VisitPlan.objects.create(
            resident=resident,
            worker=worker,
            interval_days=interval,
            next_due_on=clock.today() + dt.timedelta(days=interval),
        )
    plan.worker, plan.interval_days, plan.active = worker or plan.worker, interval, True
    plan.save(update_fields=["worker", "interval_days", "active"])
    return plan


@transaction.atomic
def visit_record(
    *,
    by: Actor,
    resident: Resident,
    note: str,
    visited_at: dt.datetime | None = None,
    source: str | None = None,
) -> Visit:
    """A visit by the room or a grid worker. Visiting someone not on the care list is refused."""
    require(by, CARE, resident.grid)
    _require_target(resident)
    now = clock.now()
    visited_at = visited_at or now
    if visited_at > now:
        raise ValidationError({"visited_at": _("走访时间不能晚于当前时间")})
    note = clean_text(note, field="note", label=_("走访情况"), max_length=2000)
    if source is None:
        source = Visit.Source.GRID_WORKER if can(by, FIELDWORK) else Visit.Source.ROOM
    if source not in Visit.Source.values:
        raise ValidationError({"source": _("未知的走访来源")})
    plan = VisitPlan.objects.select_for_update().filter(resident=resident).first()
    visit = Visit.objects.create(
        resident=resident, plan=plan, visited_at=visited_at, source=source, note=note, by=by
    )
    if plan is not None:
        next_due = timezone.localdate(visited_at) + dt.timedelta(days=plan.interval_days)
        if next_due > plan.next_due_on:
            plan.next_due_on = next_due
            plan.save(update_fields=["next_due_on"])
        plan.alerts.filter(resolved_at__isnull=True, due_on__lt=next_due).update(resolved_at=now)
    return visit


@transaction.atomic
def help_record(
    *,
    by: Actor,
    resident: Resident,
    kind: str,
    description: str,
    value: Any = None,
    delivered_on: dt.date | None = None,
) -> HelpDelivery:
    require(by, CARE, resident.grid)
    _require_target(resident)
    if kind not in HelpDelivery.Kind.values:
        raise ValidationError({"kind": _("请选择物资或服务")})
    description = clean_text(description, field="description", label=_("帮扶内容"), max_length=200)
    if delivered_on is not None and delivered_on > clock.today():
        raise ValidationError({"delivered_on": _("帮扶日期不能晚于今天")})
    return HelpDelivery.objects.create(
        resident=resident,
        kind=kind,
        description=description,
        value=parse_amount(value, field="value", label=_("折合金额")),
        delivered_on=delivered_on or clock.today(),
        by=by,
    )


@transaction.atomic
def care_sweep_overdue(now: dt.datetime | None = None) -> int:
    """Raise one alert per plan whose due date has passed without a visit. Idempotent: a
    second sweep over the same due date raises nothing new."""
    now = now or clock.now()
    today = timezone.localdate(now)
    overdue = (
        VisitPlan.objects.filter(active=True, next_due_on__lt=today)
        .exclude(alerts__due_on=F("next_due_on"))
        .select_related("resident", "worker__user")
    )
    raised = 0
    for plan in overdue:
        alert, created = CareAlert.objects.get_or_create(
            plan=plan, due_on=plan.next_due_on, defaults={"raised_at": now}
        )
        if not created:
            continue
        raised += 1
        users = (
            [plan.worker.user] if plan.worker is not None else supervisors_of(plan.resident.grid)
        )
        notify_users(
            users,
            kind="care_overdue",
            title=f"关爱走访逾期:{plan.resident.masked_name}(应于{plan.next_due_on:%m月%d日}前走访)",
        )
    return raised
