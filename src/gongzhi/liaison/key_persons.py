"""重点人员 management for the police liaison room and the center: a file per managed
special-population resident with 帮教/管控 records, a risk level with its history, a check-in
schedule with overdue alerts, and the hand-over when the person moves to another grid.

Need-to-know as the special tags are: only roles with VIEW_SPECIAL inside their area see or
change a file (`require_key_person`), and opening a file is audited. One
transaction per write; Chinese errors; nothing written on error.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.cases.notify import notify_users
from gongzhi.core import clock
from gongzhi.core.access import can, grid_in_scope
from gongzhi.core.access import require as require_capability
from gongzhi.core.audit import audit_record
from gongzhi.core.models import AuditLog
from gongzhi.core.roles import KEY_PERSONS, VIEW_SPECIAL, roles_with
from gongzhi.core.roles import VIEW_SPECIAL as _VIEW_SPECIAL
from gongzhi.core.text import clean_text
from gongzhi.grids.models import Grid
from gongzhi.org.models import GridAssignment, Staff
from gongzhi.people.models import SPECIAL_TAGS, Household, Resident, ResidentTag

from .models import (
    KeyPerson,
    KeyPersonAlert,
    KeyPersonHandover,
    KeyPersonRecord,
    KeyPersonRiskChange,
    RiskLevel,
)

# The roles that keep 重点人员 files (need-to-know: they also see special-population tags).
KEY_PERSON_ROLES = frozenset(roles_with(KEY_PERSONS)) & frozenset(roles_with(_VIEW_SPECIAL))


def require_key_person(user, grid) -> None:
    require_capability(user, KEY_PERSONS, grid)
    require_capability(user, _VIEW_SPECIAL, grid, _("您无权管理该网格的重点人员"))


# How often a person is seen by default, by risk level (days).
DEFAULT_INTERVALS: dict[str, int] = {RiskLevel.LOW: 30, RiskLevel.MEDIUM: 14, RiskLevel.HIGH: 7}
MAX_INTERVAL_DAYS = 180


def special_tags_of(resident: Resident) -> list[str]:
    return [t for t in resident.tags.values_list("tag", flat=True) if t in SPECIAL_TAGS]


def _interval(value, risk_level: str) -> int:
    if value in (None, ""):
        return DEFAULT_INTERVALS.get(risk_level, 30)
    try:
        days = int(value)
    except (TypeError, ValueError):
        raise ValidationError({"interval_days": _("见面间隔应为天数(整数)")}) from None
    if not 1 <= days <= MAX_INTERVAL_DAYS:
        raise ValidationError(
            {"interval_days": _("见面间隔应在1至%(n)d天之间") % {"n": MAX_INTERVAL_DAYS}}
        )
    return days


def _level(value: str) -> str:
    if value not in RiskLevel.values:
        raise ValidationError({"risk_level": _("请选择风险等级")})
    return value


def _check_responsible(staff: Staff | None, grid) -> None:
    """The person responsible must be active, allowed to see 重点人员, and reach the grid."""
    if staff is None:
        return
    if not staff.active or staff.role not in KEY_PERSON_ROLES or not can(staff.user, VIEW_SPECIAL):
        raise ValidationError({"responsible": _("责任人须为在岗的民警或综治中心工作人员")})
    if not grid_in_scope(staff.user, grid):
        raise ValidationError({"responsible": _("责任人不负责该居民所在的网格")})


@transaction.atomic
def key_person_open(
    *,
    by,
    resident: Resident,
    category: str,
    risk_level: str = RiskLevel.LOW,
    responsible: Staff | None = None,
    interval_days=None,
    reason: str = "",
) -> KeyPerson:
    """建档: a resident carrying the special tag `category` comes under management."""
    require_key_person(by, resident.grid)
    if not Resident.objects.restrict(by).filter(pk=resident.pk).exists():
        raise ValidationError({"resident": _("居民不存在或不在您的管辖范围内")})
    if category not in special_tags_of(resident):
        raise ValidationError({"category": _("该居民没有此类重点人员标签,请先在居民页面登记标签")})
    if KeyPerson.objects.filter(resident=resident).exists():
        raise ValidationError({"resident": _("该居民已建立重点人员档案")})
    risk_level = _level(risk_level)
    days = _interval(interval_days, risk_level)
    _check_responsible(responsible, resident.grid)
    reason = clean_text(reason, field="reason", label=_("建档说明"), max_length=500, required=False)
    person = KeyPerson.objects.create(
        resident=resident,
        category=category,
        risk_level=risk_level,
        responsible=responsible,
        interval_days=days,
        next_due_on=clock.today() + dt.timedelta(days=days),
        opened_by=by,
    )
    KeyPersonRiskChange.objects.create(
        person=person, from_level="", to_level=risk_level, reason=reason or _("建档"), by=by
    )
    return person


@transaction.atomic
def key_person_risk_set(*, by, person: KeyPerson, risk_level: str, reason: str) -> KeyPerson:
    """A new risk level, kept with who changed it and why."""
    require_key_person(by, person.resident.grid)
    risk_level = _level(risk_level)
    reason = clean_text(reason, field="reason", label=_("调整理由"), max_length=500)
    locked = KeyPerson.objects.select_for_update().get(pk=person.pk)
    if locked.risk_level == risk_level:
        raise ValidationError({"risk_level": _("风险等级没有变化")})
    KeyPersonRiskChange.objects.create(
        person=locked, from_level=locked.risk_level, to_level=risk_level, reason=reason, by=by
    )
    locked.risk_level = risk_level
    locked.save(update_fields=["risk_level"])
    if risk_level == RiskLevel.HIGH:
        notify_users(
            watchers_of(locked.resident.grid),
            kind="key_person_high",
            title=f"重点人员风险等级调为高风险:{locked.resident.masked_name}",
        )
    return locked


@transaction.atomic
def key_person_schedule_set(
    *, by, person: KeyPerson, interval_days, responsible: Staff | None
) -> KeyPerson:
    """How often the person is seen and by whom; the next date counts from the last check-in."""
    require_key_person(by, person.resident.grid)
    days = _interval(interval_days, person.risk_level)
    _check_responsible(responsible, person.resident.grid)
    locked = KeyPerson.objects.select_for_update().get(pk=person.pk)
    last = locked.records.filter(kind=KeyPersonRecord.Kind.CHECK_IN).order_by("-at").first()
    since = timezone.localdate(last.at) if last else timezone.localdate(locked.opened_at)
    locked.interval_days, locked.responsible = days, responsible
    locked.next_due_on = since + dt.timedelta(days=days)
    locked.save(update_fields=["interval_days", "responsible", "next_due_on"])
    return locked


@transaction.atomic
def key_person_record(
    *, by, person: KeyPerson, kind: str, note: str, at: dt.datetime | None = None
) -> KeyPersonRecord:
    """帮教, 管控 or a check-in (见面/报到); a check-in moves the next date on and clears the
    alerts it answers."""
    require_key_person(by, person.resident.grid)
    if kind not in KeyPersonRecord.Kind.values:
        raise ValidationError({"kind": _("请选择记录类型")})
    note = clean_text(note, field="note", label=_("情况"), max_length=2000)
    now = clock.now()
    at = at or now
    if at > now + dt.timedelta(minutes=1):
        raise ValidationError({"at": _("时间不能晚于现在")})
    if at < person.opened_at - dt.timedelta(days=1):
        raise ValidationError({"at": _("时间不能早于建档时间")})
    locked = KeyPerson.objects.select_for_update().get(pk=person.pk)
    if not locked.active:
        raise ValidationError(_("该人员已解除管理"))
    record = KeyPersonRecord.objects.create(person=locked, kind=kind, note=note, at=at, by=by)
    if kind == KeyPersonRecord.Kind.CHECK_IN:
        next_due = timezone.localdate(at) + dt.timedelta(days=locked.interval_days)
        if next_due > locked.next_due_on:
            locked.next_due_on = next_due
            locked.save(update_fields=["next_due_on"])
        locked.alerts.filter(resolved_at__isnull=True, due_on__lt=locked.next_due_on).update(
            resolved_at=now
        )
    return record


@transaction.atomic
def key_person_sweep_overdue(now: dt.datetime | None = None) -> int:
    """Raise one alert per person whose check-in date has passed, and tell the responsible
    officer (or the police and center staff of the area). Idempotent for the same due date."""
    now = now or clock.now()
    today = timezone.localdate(now)
    overdue = (
        KeyPerson.objects.filter(active=True, next_due_on__lt=today)
        .exclude(alerts__due_on=F("next_due_on"))
        .select_related("resident__grid", "responsible__user")
    )
    raised = 0
    for person in overdue:
        _alert, created = KeyPersonAlert.objects.get_or_create(
            person=person, due_on=person.next_due_on, defaults={"raised_at": now}
        )
        if not created:
            continue
        raised += 1
        users = (
            [person.responsible.user]
            if person.responsible is not None
            else watchers_of(person.resident.grid)
        )
        notify_users(
            users,
            kind="key_person_overdue",
            title=f"重点人员逾期未见面:{person.resident.masked_name}"
            f"(应于{person.next_due_on:%m月%d日}前)",
        )
    return raised


def watchers_of(grid) -> list:
    """Who is told about a 重点人员 of the grid: the police and center staff of the nearest
    level that has any (never the grid workers: the tags are need-to-know)."""
    paths = [grid.path[:n] for n in range(Grid.steplen, len(grid.path) + 1, Grid.steplen)]
    staff = (
        Staff.objects.filter(role__in=KEY_PERSON_ROLES, active=True)
        .filter(Q(center__grid__path__in=paths) | Q(grid_assignments__grid__path__in=paths))
        .select_related("user", "center__grid")
        .prefetch_related("grid_assignments__grid")
        .distinct()
    )
    by_depth: dict[int, list] = {}
    for s in staff:
        if not can(s.user, VIEW_SPECIAL):
            continue
        reach = [a.grid.path for a in s.grid_assignments.all() if a.grid.path in paths]
        if s.center is not None and s.center.grid.path in paths:
            reach.append(s.center.grid.path)
        by_depth.setdefault(max(len(p) for p in reach), []).append(s.user)
    return by_depth[max(by_depth)] if by_depth else []


def _community_police(grid) -> Staff | None:
    """The community police officer of the grid or its nearest ancestor."""
    paths = [grid.path[:n] for n in range(len(grid.path), 0, -Grid.steplen)]
    assignments = GridAssignment.objects.filter(
        grid__path__in=paths, duty=GridAssignment.Duty.POLICE, staff__active=True
    ).select_related("staff__user", "grid")
    nearest = max(assignments, key=lambda a: len(a.grid.path), default=None)
    return nearest.staff if nearest else None


@transaction.atomic
def key_person_relocate(
    *, by, person: KeyPerson, household: Household, note: str
) -> KeyPersonHandover:
    """移交: the person moved into `household` in another grid. The registry follows
    (people.resident_move), the file passes to the new grid's community police officer, and
    they and the new area's police and center staff are told."""
    from gongzhi.people.services import resident_move

    resident = person.resident
    require_key_person(by, resident.grid)
    if not Household.objects.restrict(by).filter(pk=household.pk).exists():
        raise ValidationError({"household": _("迁入的户不存在或不在您的管辖范围内")})
    if household.unit_id == resident.grid_id:
        raise ValidationError({"household": _("迁入的户与现住户在同一网格,无需移交")})
    note = clean_text(note, field="note", label=_("移交说明"), max_length=500)
    from_grid, from_staff = resident.grid, person.responsible
    resident_move(by=by, resident=resident, household=household)
    to_grid = household.unit
    to_staff = _community_police(to_grid)
    locked = KeyPerson.objects.select_for_update().get(pk=person.pk)
    locked.responsible = to_staff
    locked.save(update_fields=["responsible"])
    handover = KeyPersonHandover.objects.create(
        person=locked,
        from_grid=from_grid,
        to_grid=to_grid,
        from_staff=from_staff,
        to_staff=to_staff,
        note=note,
        by=by,
    )
    users = [to_staff.user] if to_staff else []
    notify_users(
        users + watchers_of(to_grid),
        kind="key_person_handover",
        title=f"重点人员移交:{resident.masked_name}迁入{to_grid.full_name or to_grid.name}",
        body=note,
    )
    person.refresh_from_db()
    return handover


# --- reads --------------------------------------------------------------------------------------


def key_person_list_for(user) -> QuerySet[KeyPerson]:
    """Files the user may see: VIEW_SPECIAL roles, inside their area."""
    if not can(user, VIEW_SPECIAL):
        return KeyPerson.objects.none()
    return KeyPerson.objects.restrict(user).select_related(
        "resident__grid", "resident__household", "responsible"
    )


def key_person_get_for(user, pk: int, *, request=None) -> KeyPerson:
    """One file; each opening leaves an audit row (special-population data is sensitive)."""
    person = key_person_list_for(user).get(pk=pk)
    audit_record(
        actor=user,
        action=AuditLog.Action.READ_SENSITIVE,
        target=person,
        fields="key_person",
        request=request,
    )
    return person


def key_person_candidates(user) -> QuerySet[Resident]:
    """Residents with a special tag in the user's area who have no file yet."""
    if not can(user, VIEW_SPECIAL):
        return Resident.objects.none()
    tagged = ResidentTag.objects.restrict(user).filter(tag__in=SPECIAL_TAGS)
    return (
        Resident.objects.restrict(user)
        .filter(pk__in=tagged.values("resident_id"), key_person__isnull=True)
        .select_related("grid", "household")
        .order_by("grid__path", "pk")
    )
