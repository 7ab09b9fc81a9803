"""Writes for the social-organisations room. One transaction each; Chinese errors; nothing
is written on error."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.core import clock
from gongzhi.core.access import require
from gongzhi.core.numbers import decimal_places
from gongzhi.core.phone import InvalidPhone, normalize_phone
from gongzhi.core.roles import SOCIAL_MANAGE
from gongzhi.core.text import clean_text
from gongzhi.grids.models import Grid
from gongzhi.org.models import Center
from gongzhi.people.models import Resident

from .models import Activity, Member, Organisation, OrgKind, Participation

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


MAX_HOURS = Decimal("24")


def parse_hours(value: Any, *, field: str = "hours") -> Decimal:
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, AttributeError):
        raise ValidationError({field: _("时长应为数字(小时),例如 2 或 1.5")}) from None
    if not hours.is_finite() or hours <= 0 or hours > MAX_HOURS:
        raise ValidationError({field: _("时长应大于0且不超过%(n)s小时") % {"n": MAX_HOURS}})
    if decimal_places(hours) > 1:
        raise ValidationError({field: _("时长最多保留一位小数")})
    return hours


@transaction.atomic
def organisation_create(
    *,
    by: Actor,
    center: Center,
    name: str,
    kind: str,
    grid: Grid | None = None,
    contact: str = "",
    description: str = "",
) -> Organisation:
    grid = grid or center.grid
    require(by, SOCIAL_MANAGE, grid)
    name = clean_text(name, field="name", label=_("组织名称"), max_length=100)
    if kind not in OrgKind.values:
        raise ValidationError({"kind": _("请选择组织类型")})
    if not grid.path.startswith(center.grid.path):
        raise ValidationError({"grid": _("服务网格应在所属综治中心的辖区内")})
    if Organisation.objects.filter(center=center, name=name).exists():
        raise ValidationError({"name": _("本中心已有同名组织")})
    return Organisation.objects.create(
        name=name,
        kind=kind,
        center=center,
        grid=grid,
        contact=clean_text(
            contact, field="contact", label=_("负责人"), max_length=50, required=False
        ),
        description=clean_text(
            description, field="description", label=_("简介"), max_length=2000, required=False
        ),
    )


@transaction.atomic
def member_add(
    *,
    by: Actor,
    organisation: Organisation,
    name: str,
    phone: str = "",
    resident: Resident | None = None,
    can_mediate: bool = False,
    can_visit: bool = False,
    joined_on: dt.date | None = None,
) -> Member:
    require(by, SOCIAL_MANAGE, organisation.grid)
    if resident is not None and not name:
        name = resident.name
    name = clean_text(name, field="name", label=_("成员姓名"), max_length=50)
    clean_phone = ""
    if (phone or "").strip():
        try:
            clean_phone = normalize_phone(phone)
        except InvalidPhone as exc:
            raise ValidationError({"phone": str(exc)}) from None
    if resident is not None and not Resident.objects.restrict(by).filter(pk=resident.pk).exists():
        raise ValidationError({"resident": _("居民不存在或不在您的管辖范围内")})
    member = Member(
        organisation=organisation,
        name=name,
        resident=resident,
        can_mediate=bool(can_mediate),
        can_visit=bool(can_visit),
        joined_on=joined_on or clock.today(),
    )
    member.set_phone(clean_phone)
    member.save()
    return member


@transaction.atomic
def activity_record(
    *,
    by: Actor,
    organisation: Organisation,
    title: str,
    date: dt.date,
    hours: Any,
    participants: Iterable[Member],
    description: str = "",
    member_hours: dict | None = None,
) -> Activity:
    """An activity and each participant's hours (the activity's length unless given)."""
    require(by, SOCIAL_MANAGE, organisation.grid)
    title = clean_text(title, field="title", label=_("活动名称"), max_length=100)
    if date is None:
        raise ValidationError({"date": _("请选择活动日期")})
    if date > clock.today():
        raise ValidationError({"date": _("活动日期不能晚于今天")})
    hours = parse_hours(hours)
    participants = list(participants)
    if not participants:
        raise ValidationError({"participants": _("请选择参加活动的成员")})
    if any(m.organisation_id != organisation.pk for m in participants):
        raise ValidationError({"participants": _("只能选择本组织的成员")})
    own = {m.pk: parse_hours(h, field="participants") for m, h in (member_hours or {}).items()}
    activity = Activity.objects.create(
        organisation=organisation,
        title=title,
        date=date,
        hours=hours,
        by=by,
        description=clean_text(
            description, field="description", label=_("活动内容"), max_length=2000, required=False
        ),
    )
    Participation.objects.bulk_create(
        Participation(activity=activity, member=m, hours=own.get(m.pk, hours))
        for m in dict.fromkeys(participants)
    )
    return activity
