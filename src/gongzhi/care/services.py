"""Writes for the care room: visit plans, visits, help delivered and the overdue sweep."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.cases.notify import notify_users, supervisors_of
from gongzhi.core import clock
from gongzhi.core.access import role_of
from gongzhi.core.roles import Role
from gongzhi.mediation.services import parse_amount
from gongzhi.org.models import Staff
from gongzhi.people.models import Resident, TagKind

from .models import DEFAULT_INTERVAL_DAYS, CareAlert, HelpDelivery, Visit, VisitFrequency, VisitPlan
from .permissions import require_care

NOT_ON_LIST = gettext_lazy("该居民不在关爱对象名单中(无关爱标签),不能登记关爱走访或帮扶")


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


@transaction.atomic
def visit_plan_create(*, by, resident: Resident, worker: Staff | None = None) -> VisitPlan:
    """Create (or refresh) a care target's plan; the first visit is due one interval from today."""
    require_care(by, resident)
    interval = interval_for(_require_target(resident))
    plan = VisitPlan.objects.select_for_update().filter(resident=resident).first()
    if plan is None:
        return VisitPlan.objects.create(
            resident=resident, worker=worker, interval_days=interval,
            next_due_on=clock.today() + dt.timedelta(days=interval),
        )  # fmt: skip
    plan.worker, plan.interval_days, plan.active = worker or plan.worker, interval, True
    plan.save(update_fields=["worker", "interval_days", "active"])
    return plan


@transaction.atomic
def visit_record(
    *, by, resident: Resident, note: str, visited_at: dt.datetime | None = None,
    source: str | None = None,
) -> Visit:  # fmt: skip
    """A visit by the room or a grid worker. Visiting someone not on the care list is refused."""
    require_care(by, resident)
    _require_target(resident)
    now = clock.now()
    visited_at = visited_at or now
    if visited_at > now:
        raise ValidationError({"visited_at": _("走访时间不能晚于当前时间")})
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("请填写走访情况")})
    if source is None:
        source = Visit.Source.GRID_WORKER if role_of(by) == Role.GRID_WORKER else Visit.Source.ROOM
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
    *, by, resident: Resident, kind: str, description: str, value=None,
    delivered_on: dt.date | None = None,
) -> HelpDelivery:  # fmt: skip
    require_care(by, resident)
    _require_target(resident)
    if kind not in HelpDelivery.Kind.values:
        raise ValidationError({"kind": _("请选择物资或服务")})
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": _("请填写帮扶内容")})
    return HelpDelivery.objects.create(
        resident=resident, kind=kind, description=description[:200],
        value=parse_amount(value, field="value", label=_("折合金额")),
        delivered_on=delivered_on or clock.today(), by=by,
    )  # fmt: skip


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
        users = [plan.worker.user] if plan.worker_id else supervisors_of(plan.resident.grid)
        notify_users(
            users, kind="care_overdue",
            title=f"关爱走访逾期:{plan.resident.masked_name}(应于{plan.next_due_on:%m月%d日}前走访)",
        )  # fmt: skip
    return raised
