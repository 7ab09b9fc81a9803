"""民情热线 intake: the call log, the registry look-up and the two ways a call ends.

A call is either announced by a telephony system through the API (PENDING, shown on the
intake screen of the line's center) or typed in by the staff member who picked up (OPEN).
It ends as a case (channel 热线, created through cases.services.case_create with the
intake form's idempotency token) or as an answer given on the spot. Every call is logged;
the caller's number is stored encrypted with a blind index, and shown masked.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gongzhi.cases.models import Channel, Urgency
from gongzhi.cases.services import case_create
from gongzhi.core import clock
from gongzhi.core.access import can, grid_in_scope, require, staff_of
from gongzhi.core.phone import InvalidPhone, normalize_phone
from gongzhi.core.roles import HOTLINE
from gongzhi.grids.models import Grid
from gongzhi.org.models import Center
from gongzhi.people.models import Resident
from gongzhi.people.selectors import resident_list_for
from gongzhi.portal.models import ResidentAccount

from .models import HotlineCall

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django_stubs_ext import StrOrPromise

    from gongzhi.cases.models import Category
    from gongzhi.core.types import Actor, AnyUser

OUTCOMES = (HotlineCall.Status.CASE, HotlineCall.Status.ANSWERED)
MAX_TEXT = 4000
S = HotlineCall.Status


def clean_caller(raw: object) -> str:
    try:
        return normalize_phone(str(raw or ""))
    except InvalidPhone:
        raise ValidationError(
            {"caller": _("来电号码格式不正确:手机号为11位(1开头),座机需带区号")}
        ) from None


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value or "")


def center_for_line(line: str) -> Center | None:
    """The center whose 民情热线 or duty phone is `line` (punctuation ignored)."""
    digits = _digits(line)
    if not digits:
        return None
    # Dozens of centers at most: comparing normalised numbers in Python is fine.
    for center in Center.objects.exclude(hotline="", duty_phone="").select_related("grid"):
        if digits in {_digits(center.hotline), _digits(center.duty_phone)} - {""}:
            return center
    return None


def home_center(user: AnyUser) -> Center | None:
    """The staff member's own center; district-wide roles get the top center in scope."""
    staff = staff_of(user)
    if staff is not None and staff.center_id:
        return staff.center
    return Center.objects.restrict(user).select_related("grid").order_by("grid__path").first()


# --- reads ---------------------------------------------------------------------------------


def hotline_calls_for(user: AnyUser) -> QuerySet[HotlineCall]:
    if not can(user, HOTLINE):
        return HotlineCall.objects.none()
    return HotlineCall.objects.restrict(user).select_related(
        "center", "staff__staff", "resident", "case"
    )


def pending_calls_for(user: AnyUser) -> QuerySet[HotlineCall]:
    return hotline_calls_for(user).filter(status=S.PENDING).order_by("started_at", "pk")


def hotline_waiting_count(user: AnyUser) -> int:
    """Calls announced by the telephony system that nobody has picked up yet."""
    return pending_calls_for(user).order_by().count()


def caller_matches(user: AnyUser, call: HotlineCall) -> QuerySet[Resident]:
    """Registry residents with the caller's number, inside the user's scope (blind index)."""
    return resident_list_for(user).filter(phone_hash=call.caller_hash).order_by("pk")


def _caller_account_user(call: HotlineCall) -> User | None:
    """The portal user with the caller's phone (blind index), so the case shows in their
    我的留言 with its timeline and rating; None when the caller has no account."""
    accounts = ResidentAccount.objects.filter(phone_hash=call.caller_hash).select_related("user")
    account = accounts.order_by("pk").first()
    return account.user if account is not None else None


# --- writes --------------------------------------------------------------------------------


@transaction.atomic
def hotline_call_receive(*, by: Actor, caller: str, line: str = "") -> HotlineCall:
    """A ringing call announced by the telephony system: PENDING for the line's center."""
    require(by, HOTLINE)
    errors: dict[str, str] = {}
    try:
        phone = clean_caller(caller)
    except ValidationError as exc:
        errors |= {k: v[0] for k, v in exc.message_dict.items()}
    line = (line or "").strip()
    center = None
    if line:
        center = center_for_line(line)
        if center is None:
            errors["line"] = _("未知的热线号码「%(line)s」:没有综治中心使用该号码") % {
                "line": line[:20]
            }
    else:
        center = home_center(by)
        if center is None:
            errors["line"] = _("请提供呼入的热线号码(line)")
    if errors:
        raise ValidationError(errors)
    assert center is not None  # else errors above
    if not grid_in_scope(by, center.grid):
        raise PermissionDenied(_("该热线不在您的管辖范围内"))
    call = HotlineCall(
        center=center, line=line[:20], status=S.PENDING, source="api", started_at=clock.now()
    )
    call.set_caller(phone)
    call.save()
    return call


@transaction.atomic
def hotline_call_start(*, by: Actor, caller: str) -> HotlineCall:
    """A call typed in by the staff member who picked up: OPEN, at their center."""
    require(by, HOTLINE)
    phone = clean_caller(caller)
    center = home_center(by)
    if center is None:
        raise ValidationError({"caller": _("您未隶属任何综治中心,无法登记热线来电")})
    call = HotlineCall(center=center, status=S.OPEN, staff=by, started_at=clock.now())
    call.set_caller(phone)
    call.save()
    return call


def _text(value: str | None, label: StrOrPromise, *, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(_("请填写%(label)s") % {"label": label})
    if len(value) > MAX_TEXT:
        raise ValidationError(_("%(label)s不能超过%(n)d个字符") % {"label": label, "n": MAX_TEXT})
    return value


def _clean_finish(outcome: str, matter: str, answer: str, notes: str) -> dict[str, str]:
    errors, out = {}, {}
    if outcome not in OUTCOMES:
        errors["outcome"] = _("请选择处理方式:转为事件或当场解答")
    for field, label, value, required in (
        ("matter", _("来电事项"), matter, True),
        ("answer", _("当场答复的内容"), answer, outcome == S.ANSWERED),
        ("notes", _("备注"), notes, False),
    ):
        try:
            out[field] = _text(value, label, required=required)
        except ValidationError as exc:
            errors[field] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def hotline_call_finish(
    *,
    by: Actor,
    call: HotlineCall,
    outcome: str,
    matter: str,
    token: str,
    resident: Resident | None = None,
    category: Category | None = None,
    grid: Grid | None = None,
    title: str = "",
    contact_name: str = "",
    urgency: str = Urgency.NORMAL,
    answer: str = "",
    notes: str = "",
    lat: float | None = None,
    lng: float | None = None,
) -> HotlineCall:
    """End a call as a case or an on-the-spot answer. A replay of the same intake form
    (same token) returns the call as it was finished; on any error nothing is written."""
    require(by, HOTLINE)
    locked = HotlineCall.objects.select_for_update().select_related("center__grid").get(pk=call.pk)
    token = (token or "").strip()[:80]
    if not grid_in_scope(by, locked.center.grid):
        raise PermissionDenied(_("该来电不在您的管辖范围内"))
    if locked.status in OUTCOMES:
        if token and locked.token == token:
            return locked  # a double submit or a browser retry
        raise ValidationError(_("该来电已处理完毕,不能重复处理"))
    if locked.status == S.OPEN and locked.staff_id not in (None, by.pk):
        raise ValidationError(_("该来电正由其他工作人员受理"))
    if not token:
        raise ValidationError(_("表单已失效,请刷新页面后重新提交"))
    clean = _clean_finish(outcome, matter, answer, notes)
    if outcome == S.CASE and not category:
        raise ValidationError({"category": _("转为事件时请选择事件类别")})
    if resident is not None and not caller_matches(by, locked).filter(pk=resident.pk).exists():
        raise ValidationError({"resident": _("所选居民与来电号码不符或不在您的管辖范围内")})
    if outcome == S.CASE:
        locked.case = case_create(
            by=by,
            idempotency_key=f"hotline:{locked.pk}:{token}",
            category=category,
            channel=Channel.HOTLINE,
            title=title,
            description=clean["matter"],
            grid=grid,
            reporter_resident=resident,
            contact_name=contact_name,
            contact_phone=locked.caller,
            urgency=urgency,
            reporter_user=_caller_account_user(locked),
            lat=lat if lng is not None else None,
            lng=lng if lat is not None else None,
        )
    locked.status, locked.token, locked.resident = outcome, token, resident
    locked.matter, locked.answer, locked.notes = clean["matter"], clean["answer"], clean["notes"]
    locked.staff = locked.staff or by
    locked.ended_at = clock.now()
    locked.save()
    return locked
