"""Writes for the hall: setup (services, windows), window registration, room referrals and
policy publicity. Each runs in one transaction; errors are Chinese ValidationErrors or
PermissionDenied, and on any error nothing is written. Queue calls live in queue.py."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.cases.models import Category, Channel
from gongzhi.cases.services import case_create
from gongzhi.core import clock
from gongzhi.core.access import grid_in_scope, require, scope_covers, scope_paths
from gongzhi.core.roles import HALL, PUBLICITY
from gongzhi.core.text import clean_text
from gongzhi.mediation.models import Party
from gongzhi.mediation.services import dispute_register, party_add
from gongzhi.org.models import Center, Room, RoomKind
from gongzhi.people.models import Household, Resident
from gongzhi.people.services import resident_create

from .models import FAQ, Outcome, PolicyArticle, RoomReferral, Service, Ticket, Window, WindowVisit

if TYPE_CHECKING:
    from gongzhi.core.types import Actor
    from gongzhi.counseling.models import CounselorSlot


_PREFIX = re.compile(r"^[A-Z]{1,2}$")


# --- setup -------------------------------------------------------------------------------


@transaction.atomic
def service_create(*, by: Actor, center: Center, name: str, prefix: str, order: int = 0) -> Service:
    require(by, HALL, center.grid)
    name = clean_text(name, field="name", label=_("服务事项名称"), max_length=50)
    prefix = (prefix or "").strip().upper()
    if not _PREFIX.match(prefix):
        raise ValidationError({"prefix": _("号码字头应为1~2个英文字母,如 A")})
    if Service.objects.filter(center=center, prefix=prefix).exists():
        raise ValidationError(
            {"prefix": _("字头「%(prefix)s」已被本中心其他服务事项使用") % {"prefix": prefix}}
        )
    return Service.objects.create(center=center, name=name, prefix=prefix, order=order or 0)


@transaction.atomic
def window_save(
    *,
    by: Actor,
    center: Center,
    name: str,
    services: Iterable[Service],
    window: Window | None = None,
    active: bool = True,
) -> Window:
    """Create a window, or update one (name, services, active)."""
    require(by, HALL, center.grid)
    name = clean_text(name, field="name", label=_("窗口名称"), max_length=30)
    services = list(services)
    if not services:
        raise ValidationError({"services": _("请至少选择一个办理事项")})
    if any(s.center_id != center.pk for s in services):
        raise ValidationError({"services": _("只能选择本中心的服务事项")})
    clash = Window.objects.filter(center=center, name=name)
    if window is not None:
        clash = clash.exclude(pk=window.pk)
    if clash.exists():
        raise ValidationError({"name": _("本中心已有同名窗口")})
    if window is None:
        window = Window.objects.create(center=center, name=name, active=active)
    else:
        window.name, window.active = name, active
        window.save(update_fields=["name", "active"])
    window.services.set(services)
    return window


# --- window registration (窗口登记) --------------------------------------------------------


def _visitor(by: Actor, *, resident: Resident | None, new_resident: dict | None) -> Resident | None:
    """The visitor: an existing resident in the user's scope, or one added now."""
    if resident is not None and new_resident:
        raise ValidationError({"resident": _("请选择已登记的居民或填写新居民信息,不能同时填写")})
    if resident is not None:
        if not Resident.objects.restrict(by).filter(pk=resident.pk).exists():
            raise ValidationError({"resident": _("居民不存在或不在您的管辖范围内")})
        return resident
    if new_resident:
        fields = dict(new_resident)
        household = fields.pop("household", None)
        if not isinstance(household, Household):
            raise ValidationError({"household": _("请选择新居民所在的户")})
        return resident_create(by=by, household=household, **fields)
    return None


def _room(center: Center, room: Room | None) -> Room:
    if room is None:
        raise ValidationError({"room": _("请选择转交的科室")})
    if room.center_id != center.pk or room.kind == RoomKind.HALL:
        raise ValidationError({"room": _("只能转交本中心的五个科室")})
    return room


@transaction.atomic
def window_visit_register(
    *,
    by: Actor,
    center: Center,
    title: str,
    matter: str,
    outcome: str,
    resident: Resident | None = None,
    new_resident: dict | None = None,
    window: Window | None = None,
    ticket: Ticket | None = None,
    room: Room | None = None,
    category: Category | None = None,
    dispute_type: str = "",
    amount: Any = None,
    kinds: Sequence[str] = (),
    risk_grade: str = "low",
    outcome_note: str = "",
    counseling_slot: CounselorSlot | None = None,
) -> WindowVisit:
    """Register a visitor's matter and send it on: to a room, into a case, into mediation,
    or settle it at the window. The downstream services run inside this transaction, so
    their refusals roll the whole registration back."""
    require(by, HALL, center.grid)
    errors: dict[str, str] = {}
    for field, label, value, limit in (
        ("title", _("事项摘要"), title, 100),
        ("matter", _("诉求内容"), matter, 4000),
    ):
        try:
            clean_text(value, field=field, label=label, max_length=limit)
        except ValidationError as exc:
            errors |= {k: v[0] for k, v in exc.message_dict.items()}
    if outcome not in Outcome.values:
        errors["outcome"] = _("请选择处理方式")
    if window is not None and window.center_id != center.pk:
        errors["window"] = _("窗口不属于该中心")
    if ticket is not None and ticket.center_id != center.pk:
        errors["ticket"] = _("号码不属于该中心")
    if outcome == Outcome.SETTLED and not (outcome_note or "").strip():
        errors["outcome_note"] = _("当场办结请填写办理结果")
    if outcome == Outcome.CASE and category is None:
        errors["category"] = _("登记事件请选择事件类别")
    if outcome == Outcome.REFERRED:
        try:
            _room(center, room)
        except ValidationError as exc:
            errors |= {k: v[0] for k, v in exc.message_dict.items()}
        counseling = room is not None and room.kind == RoomKind.COUNSELING
        if counseling and resident is None and not new_resident:
            errors["resident"] = _("转交心理咨询室请选择或登记来访居民,以便安排咨询")
        if counseling_slot is not None and not counseling:
            errors["counseling_slot"] = _("只有转交心理咨询室时才能预约咨询时段")
    if errors:
        raise ValidationError(errors)

    visitor = _visitor(by, resident=resident, new_resident=new_resident)
    title, matter = title.strip(), matter.strip()
    visit = WindowVisit(
        center=center,
        window=window,
        ticket=ticket,
        resident=visitor,
        title=title,
        matter=matter,
        outcome=outcome,
        outcome_note=(outcome_note or "").strip(),
        by=by,
        created_at=clock.now(),
    )
    if outcome == Outcome.CASE:
        grid = visitor.grid if visitor is not None else center.grid
        if not grid_in_scope(by, grid):
            grid = center.grid
        visit.case = case_create(
            by=by,
            title=title,
            description=matter,
            category=category,
            channel=Channel.WINDOW,
            grid=grid,
            reporter_resident=visitor,
        )
    elif outcome == Outcome.DISPUTE:
        visit.dispute = dispute_register(
            by=by,
            center=center,
            title=title,
            facts=matter,
            dispute_type=dispute_type,
            amount=amount,
            kinds=kinds,
            risk_grade=risk_grade,
        )
        if visitor is not None:
            party_add(
                by=by,
                dispute=visit.dispute,
                side=Party.Side.APPLICANT,
                resident=visitor,
                name=visitor.name,
                gender=visitor.get_gender_display(),
            )
    visit.save()
    if outcome == Outcome.REFERRED:
        assert room is not None  # a referral names its room (checked above)
        referral = RoomReferral.objects.create(
            visit=visit, room=room, resident=visitor, note=matter, created_at=visit.created_at
        )
        if room.kind == RoomKind.COUNSELING:
            assert visitor is not None  # a counselling referral needs the visitor (checked)
            _counseling_request(by, center, visitor, referral, counseling_slot)
    if ticket is not None and visitor is not None and ticket.resident_id is None:
        Ticket.objects.filter(pk=ticket.pk, resident__isnull=True).update(resident=visitor)
    return visit


def _counseling_request(
    by: Actor, center: Center, visitor: Resident, referral: RoomReferral, slot: CounselorSlot | None
) -> None:
    """A referral to 心理咨询室 arrives as an appointment request (no topic: the matter stays
    on the referral), booked at once when the clerk picked a free slot."""
    from gongzhi.counseling.models import Source
    from gongzhi.counseling.services import (
        appointment_request_create,
        appointment_request_schedule,
    )

    request = appointment_request_create(
        by=by, center=center, resident=visitor, source=Source.HALL, referral=referral
    )
    if slot is not None:
        appointment_request_schedule(by=by, request=request, slot=slot)


@transaction.atomic
def room_referral_receive(*, by: Actor, referral: RoomReferral) -> RoomReferral:
    """The room acknowledges the visitor handed over by the hall."""
    from gongzhi.core.access import staff_of

    locked = (
        RoomReferral.objects.select_for_update().select_related("room__center").get(pk=referral.pk)
    )
    staff = staff_of(by)
    in_room = staff is not None and staff.room_id == locked.room_id
    if not in_room:
        message = _("只有该科室或中心工作人员可以接收转交")
        require(by, HALL, locked.room.center.grid, message)
    if locked.status != RoomReferral.Status.PENDING:
        raise ValidationError(_("该转交已接收"))
    locked.status, locked.received_at = RoomReferral.Status.RECEIVED, clock.now()
    locked.save(update_fields=["status", "received_at"])
    return locked


# --- policy publicity (政策宣传区) -----------------------------------------------------------


def _require_article(by: Actor, article: PolicyArticle) -> None:
    """Its author, or an editor whose scope covers the author's: a township center cannot
    change or delete the district's articles (issue 12, finding 10)."""
    if article.pk is None or article.by_id == by.pk:
        return
    # A seeded article (no author) is the district's own.
    if not (scope_covers(by, article.by) if article.by else scope_paths(by) is None):
        raise PermissionDenied(_("您无权修改或删除上级发布的政策文章"))


@transaction.atomic
def article_save(
    *,
    by: Actor,
    title: str,
    body: str,
    category: str = "",
    summary: str = "",
    published: bool = True,
    article: PolicyArticle | None = None,
) -> PolicyArticle:
    require(by, PUBLICITY)
    if article is not None:
        _require_article(by, article)
    errors: dict[str, str] = {}
    clean = {}
    for field, label, value, limit, required in (
        ("title", _("标题"), title, 200, True),
        ("body", _("正文"), body, 20000, True),
        ("category", _("栏目"), category, 50, False),
        ("summary", _("摘要"), summary, 300, False),
    ):
        try:
            clean[field] = clean_text(
                value, field=field, label=label, max_length=limit, required=required
            )
        except ValidationError as exc:
            errors |= {k: v[0] for k, v in exc.message_dict.items()}
    if errors:
        raise ValidationError(errors)
    now = clock.now()
    article = article or PolicyArticle(by=by, published_at=now)
    if published and not article.published:
        article.published_at = now
    for k, v in clean.items():
        setattr(article, k, v)
    article.published, article.updated_at = bool(published), now
    article.save()
    return article


@transaction.atomic
def article_delete(*, by: Actor, article: PolicyArticle) -> None:
    require(by, PUBLICITY)
    _require_article(by, article)
    article.delete()


@transaction.atomic
def faq_save(
    *,
    by: Actor,
    question: str,
    answer: str,
    order: int = 0,
    published: bool = True,
    faq: FAQ | None = None,
) -> FAQ:
    require(by, PUBLICITY)
    errors: dict[str, str] = {}
    clean = {}
    for field, label, value, limit in (
        ("question", _("问题"), question, 200),
        ("answer", _("解答"), answer, 5000),
    ):
        try:
            clean[field] = clean_text(value, field=field, label=label, max_length=limit)
        except ValidationError as exc:
            errors |= {k: v[0] for k, v in exc.message_dict.items()}
    if errors:
        raise ValidationError(errors)
    faq = faq or FAQ()
    faq.question, faq.answer = clean["question"], clean["answer"]
    faq.order, faq.published, faq.updated_at = order or 0, bool(published), clock.now()
    faq.save()
    return faq


@transaction.atomic
def faq_delete(*, by: Actor, faq: FAQ) -> None:
    require(by, PUBLICITY)
    faq.delete()
