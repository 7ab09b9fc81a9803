"""Writes for the one-key call and the live room. Every real-time message goes through
publish(), which sends only after the transaction commits: a rolled-back write alerts nobody."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from gongzhi.cases.models import CaseEvent, Category, Channel, Urgency
from gongzhi.cases.notify import notify_users, outbound_queue
from gongzhi.cases.services import case_create
from gongzhi.core import clock
from gongzhi.core.access import (
    district_wide,
    grid_in_scope,
    require,
    role_of,
    scope_covers,
    staff_of,
)
from gongzhi.core.roles import DISTRICT_WIDE, LIVE_SCHEDULE
from gongzhi.grids.models import Grid
from gongzhi.org.models import Center, GridAssignment, Staff

from . import relay
from .models import LiveEvent, LiveLike, LiveQuestion, LiveSession, OneKeyCall

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.contrib.auth.models import User

    from gongzhi.core.types import Actor, AnyUser
    from gongzhi.portal.models import ResidentAccount


SMS_TEMPLATE = "onekey_call"
ESCALATE_TEMPLATE = "onekey_escalate"
DISTRICT_GROUP = "duty.district"
MAX_QUESTION = 500


class CallError(Exception):
    """A one-key call problem with a message for the resident (in the active language)."""


class CallRateLimited(CallError):
    """A second call too soon after the last one (HTTP 429)."""


# ---- groups and publishing ----------------------------------------------------------------


def user_group(user_id: int) -> str:
    return f"staff.user.{user_id}"


def grid_group(grid_id: int) -> str:
    return f"duty.grid.{grid_id}"


def center_group(center_id: int) -> str:
    return f"duty.center.{center_id}"


def resident_group(account_id: int) -> str:
    return f"resident.{account_id}"


def live_group(session_id: int) -> str:
    return f"live.{session_id}"


def publish(group: str, event: dict) -> None:
    """Send `event` to a channel group once the current transaction commits (now if none).
    Without Redis the event is also stored for the other processes' sockets (realtime.relay)."""
    if relay.enabled():
        relay.record(group, event)

    def send() -> None:
        async_to_sync(get_channel_layer().group_send)(group, {"type": "relay", "event": event})

    transaction.on_commit(send, robust=True)


def staff_groups(user: AnyUser) -> list[str]:
    """The groups a staff member's socket joins: their own, their grids' and their center's."""
    staff = staff_of(user)
    if role_of(user) is None:
        return []
    assert user.pk is not None  # a role means a signed-in account
    groups = [user_group(user.pk)]
    if staff is not None:
        grid_ids = staff.grid_assignments.values_list("grid_id", flat=True)
        groups += [grid_group(g) for g in grid_ids]
        if staff.center_id:
            groups.append(center_group(staff.center_id))
    if district_wide(user):
        groups.append(DISTRICT_GROUP)
    return groups


# ---- the one-key call -----------------------------------------------------------------------


def ack_timeout() -> int:
    return int(getattr(settings, "ONE_KEY_ACK_TIMEOUT", 180))


def rate_limit() -> int:
    return int(getattr(settings, "ONE_KEY_RATE_LIMIT", 600))


def _ancestors_nearest_first(grid: Grid) -> list[Grid]:
    return [grid, *reversed(list(Grid.objects.get_ancestors(grid)))]


def _worker_grid(unit: Grid) -> Grid | None:
    """The nearest grid (the unit or above) with an active grid worker assigned."""
    for grid in _ancestors_nearest_first(unit):
        if GridAssignment.objects.filter(
            grid=grid, duty=GridAssignment.Duty.WORKER, staff__active=True
        ).exists():
            return grid
    return None


def duty_centers(unit: Grid) -> list[Center]:
    """Centers above the unit, nearest (the community) first: the escalation ladder."""
    by_grid = {
        c.grid_id: c for c in Center.objects.filter(grid__in=Grid.objects.get_ancestors(unit))
    }
    return [by_grid[g.pk] for g in _ancestors_nearest_first(unit) if g.pk in by_grid]


def call_targets(unit: Grid) -> list[str]:
    """Level 0: the unit's grid worker(s) and the community duty staff."""
    groups = []
    if worker_grid := _worker_grid(unit):
        groups.append(grid_group(worker_grid.pk))
    if centers := duty_centers(unit):
        groups.append(center_group(centers[0].pk))
    return groups or [DISTRICT_GROUP]


def _staff_phones(unit: Grid) -> list[str]:
    phones: list[str] = []
    if worker_grid := _worker_grid(unit):
        phones += (
            Staff.objects.filter(grid_assignments__grid=worker_grid, active=True)
            .exclude(phone="")
            .values_list("phone", flat=True)
        )
    if (centers := duty_centers(unit)) and centers[0].duty_phone:
        phones.append(centers[0].duty_phone)
    return list(dict.fromkeys(phones))


def call_event(call: OneKeyCall, kind: str = "call") -> dict:
    account = call.account
    return {
        "type": kind, "call": call.pk, "case": call.case.number, "unit": _unit_label(call.unit),
        "who": account.resident.masked_name if account.resident is not None else account.phone_masked,
        "house": account.house_number,
        "lat": call.lat, "lng": call.lng, "at": call.created_at.isoformat(),
        "level": call.escalation_level,
        "acked_by": call.acknowledged_name,
        "cancelled": call.cancelled_at is not None,
    }  # fmt: skip


def _unit_label(unit: Grid) -> str:
    names = [g.name for g in Grid.objects.get_ancestors(unit)[1:]] + [unit.name]
    return " ".join(names)


def _emergency_category() -> Category | None:
    return (
        Category.objects.filter(parent=None, name="突发事件", active=True).first()
        or Category.objects.filter(parent=None, active=True).order_by("-code").first()
    )


def onekey_call_create(
    *, account: ResidentAccount, lat: float | None = None, lng: float | None = None
) -> OneKeyCall:
    """A call: an urgent case (channel 呼叫键), a real-time alert, SMS in parallel, and the
    escalation task — all in one transaction. Raises CallError with a clear message."""
    if account.unit_id is None:
        raise CallError(_("请先绑定您的住址单元,再使用呼叫键"))
    if lat is not None and lng is not None and not (-90 <= lat <= 90 and -180 <= lng <= 180):
        lat = lng = None  # a bogus position is dropped, never a reason to refuse an emergency
    with transaction.atomic():
        # Lock the account row so two quick taps cannot both pass the rate limit.
        type(account).objects.select_for_update().filter(pk=account.pk).first()
        now = clock.now()
        last = OneKeyCall.objects.filter(account=account).order_by("-created_at").first()
        if (
            last
            and (wait := last.created_at + dt.timedelta(seconds=rate_limit()) - now)
            > dt.timedelta()
        ):
            minutes = max(1, int(wait.total_seconds() + 59) // 60)
            raise CallRateLimited(
                _("请勿重复呼叫,%(minutes)s 分钟后可再次呼叫。如情况危急请直接拨打 110 / 120。")
                % {"minutes": minutes}
            )
        unit = account.unit
        assert unit is not None  # checked above (unit_id)
        label = _unit_label(unit)
        case = case_create(
            by=None,
            title=f"一键呼叫:{label}"[:200],
            description=f"居民通过民情通呼叫键紧急求助。单元:{label}"
            + (f";位置:{lat:.5f},{lng:.5f}" if lat is not None and lng is not None else ""),
            category=_emergency_category(),
            channel=Channel.CALL_BUTTON,
            grid=unit,
            urgency=Urgency.URGENT,
            reporter_resident=account.resident,
            reporter_user=account.user,
            lat=lat,
            lng=lng,
        )
        call = OneKeyCall.objects.create(
            account=account, unit=unit, lat=lat, lng=lng, case=case, created_at=now
        )
        event = call_event(call)
        for group in call_targets(unit):
            publish(group, event)
        for phone in _staff_phones(unit):
            outbound_queue(
                channel="sms",
                to=phone,
                template=SMS_TEMPLATE,
                params={"unit": label, "case": case.number},
            )
        from .tasks import onekey_escalate

        onekey_escalate.using(run_after=now + dt.timedelta(seconds=ack_timeout())).enqueue(call.pk)
    return call


def onekey_ack(*, call: OneKeyCall, by: Actor) -> OneKeyCall:
    """The first staff member to acknowledge wins; later acknowledgements change nothing."""
    if role_of(by) is None or not grid_in_scope(by, call.unit):
        raise PermissionDenied(_("您无权响应该呼叫"))
    staff = staff_of(by)
    name = staff.name if staff else by.get_username()
    with transaction.atomic():
        now = clock.now()
        won = OneKeyCall.objects.filter(pk=call.pk, acknowledged_at__isnull=True).update(
            acknowledged_by=by, acknowledged_name=name, acknowledged_at=now
        )
        call = OneKeyCall.objects.select_related("case", "unit", "account__resident").get(
            pk=call.pk
        )
        if won:
            event = call_event(call, "ack")
            publish(resident_group(call.account_id), event)
            for group in call_targets(call.unit) + _escalated_groups(call):
                publish(group, event)
    return call


def onekey_cancel(*, call: OneKeyCall, account: ResidentAccount) -> OneKeyCall:
    """ "我已安全,取消呼叫": the caller calls it off. Escalation stops, whoever was alerted is
    told, and the case's timeline says so (staff may still call back). Idempotent."""
    if call.account_id != account.pk:
        raise PermissionDenied(_("只能取消自己发出的呼叫"))
    with transaction.atomic():
        now = clock.now()
        won = OneKeyCall.objects.filter(pk=call.pk, cancelled_at__isnull=True).update(
            cancelled_at=now
        )
        call = OneKeyCall.objects.select_related("case", "unit", "account__resident").get(
            pk=call.pk
        )
        if won:
            CaseEvent.objects.create(
                case=call.case,
                action="resident_safe",
                at=now,
                comment=_("居民表示已安全,取消了呼叫"),
            )
            event = call_event(call, "cancelled")
            for group in call_targets(call.unit) + _escalated_groups(call):
                publish(group, event)
    return call


def _escalated_groups(call: OneKeyCall) -> list[str]:
    centers = duty_centers(call.unit)
    groups = [center_group(c.pk) for c in centers[1 : call.escalation_level + 1]]
    if call.escalation_level >= len(centers):
        groups.append(DISTRICT_GROUP)
    return groups


def onekey_escalate(*, call_id: int) -> OneKeyCall | None:
    """Nobody acknowledged in time: alert the next level up and the duty phone, and, if a
    level remains above that, check again after another timeout."""
    with transaction.atomic():
        call = (
            # PostgreSQL cannot lock the nullable side of an outer join: lock the call only.
            OneKeyCall.objects.select_for_update(of=("self",))
            .select_related("case", "unit", "account__resident")
            .filter(pk=call_id)
            .first()
        )
        if call is None or call.acknowledged_at is not None or call.cancelled_at is not None:
            return call
        now = clock.now()
        due = call.created_at + dt.timedelta(seconds=ack_timeout() * (call.escalation_level + 1))
        if now < due:
            return call  # run early (a manual kick): the timeout has not passed yet
        centers = duty_centers(call.unit)
        call.escalation_level += 1
        call.escalated_at = now
        call.save(update_fields=["escalation_level", "escalated_at"])
        level = call.escalation_level
        label = _unit_label(call.unit)
        event = call_event(call, "escalated")
        if level < len(centers):
            target = centers[level]
            publish(center_group(target.pk), event)
            phones = [target.duty_phone]
        else:
            publish(DISTRICT_GROUP, event)
            phones = []
        phones.append(getattr(settings, "ONE_KEY_DUTY_PHONE", ""))
        if centers:
            phones.append(centers[0].duty_phone)
        for phone in dict.fromkeys(p for p in phones if p):
            outbound_queue(
                channel="sms",
                to=phone,
                template=ESCALATE_TEMPLATE,
                params={"unit": label, "case": call.case.number, "level": level},
            )
        notify_users(
            _level_user_ids(centers, level),
            kind="onekey_escalated",
            case=call.case,
            title=f"呼叫无人响应,已升级:{call.case.number}",
            body=label,
        )
        publish(resident_group(call.account_id), event)
        if level < len(centers):
            from .tasks import onekey_escalate as task

            task.using(run_after=now + dt.timedelta(seconds=ack_timeout())).enqueue(call.pk)
    return call


def _level_user_ids(centers: list[Center], level: int) -> list[int]:
    if level < len(centers):
        return list(
            Staff.objects.filter(center=centers[level], active=True).values_list(
                "user_id", flat=True
            )
        )
    return list(
        Staff.objects.filter(role__in=DISTRICT_WIDE, active=True).values_list("user_id", flat=True)
    )


# ---- the live room --------------------------------------------------------------------------


def _log(session: LiveSession, kind: str, data: dict) -> LiveEvent:
    row = LiveEvent.objects.create(session=session, kind=kind, data=data)
    publish(live_group(session.pk), {"type": kind, "id": row.pk, **data})
    return row


def _is_host(session: LiveSession, user: AnyUser) -> bool:
    return role_of(user) is not None and (
        (user.pk is not None and session.hosts.filter(pk=user.pk).exists()) or district_wide(user)
    )


def live_session_create(
    *,
    by: Actor,
    topic: str,
    scheduled_at: dt.datetime,
    hosts: Iterable[User],
    stream_url: str = "",
) -> LiveSession:
    # A session is open to the whole district: only its admins and the centers' staff.
    require(by, LIVE_SCHEDULE)
    hosts = list(hosts)
    if any(h.pk != by.pk and not (role_of(h) and scope_covers(by, h)) for h in hosts):
        raise PermissionDenied(_("主持人须是您管辖范围内的工作人员"))
    topic = (topic or "").strip()
    errors = {}
    if not topic:
        errors["topic"] = _("请填写主题")
    stream_url = (stream_url or "").strip()
    if stream_url and not stream_url.lower().startswith(("http://", "https://")):
        errors["stream_url"] = _("视频地址必须以 http:// 或 https:// 开头")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        session = LiveSession.objects.create(
            topic=topic[:100], scheduled_at=scheduled_at, stream_url=stream_url, created_by=by
        )
        session.hosts.set(hosts or [by])
    return session


def live_question_post(
    *, session: LiveSession, account: ResidentAccount, text: str
) -> LiveQuestion:
    text = (text or "").strip()
    if not session.is_open:
        raise ValidationError(_("本场直播已结束,不能再提问"))
    if not text:
        raise ValidationError(_("请输入问题"))
    if len(text) > MAX_QUESTION:
        raise ValidationError(_("问题不能超过%(max)s个字") % {"max": MAX_QUESTION})
    label = account.resident.masked_name if account.resident is not None else account.phone_masked
    with transaction.atomic():
        q = LiveQuestion.objects.create(
            session=session, account=account, author_label=label[:30], text=text
        )
        _log(session, "question", {"question": q.as_event()})
    return q


def live_question_like(*, question: LiveQuestion, account: ResidentAccount) -> LiveQuestion:
    try:
        with transaction.atomic():
            LiveLike.objects.create(question=question, account=account)
            LiveQuestion.objects.filter(pk=question.pk).update(likes=F("likes") + 1)
            question.refresh_from_db()
            _log(question.session, "update", {"question": question.as_event()})
    except IntegrityError:
        question.refresh_from_db()  # a second like by the same resident counts once
    return question


def live_question_answer(
    *, question: LiveQuestion, by: Actor, answer: str | None = None, pinned: bool | None = None
) -> LiveQuestion:
    if not _is_host(question.session, by):
        raise PermissionDenied(_("只有主持人可以回答或置顶"))
    with transaction.atomic():
        if answer is not None:
            question.answer, question.answered_by = answer.strip()[:2000], by
        if pinned is not None:
            question.pinned = pinned
        question.save()
        _log(question.session, "update", {"question": question.as_event()})
    return question


def live_question_to_case(*, question: LiveQuestion, by: Actor) -> LiveQuestion:
    """One click: the question becomes a case (channel 直播间) in the resident's unit."""
    if role_of(by) is None:
        raise PermissionDenied(_("只有工作人员可以转为事件"))
    if question.case_id:
        return question
    account = question.account
    if account is None or account.unit is None:
        raise ValidationError(_("提问居民未绑定住址单元,无法确定事件网格"))
    if not grid_in_scope(by, account.unit):
        raise PermissionDenied(_("该居民不在您的管辖范围内,不能转为事件"))
    with transaction.atomic():
        case = case_create(
            by=None,
            title=question.text[:30],
            description=question.text,
            category=Category.objects.filter(parent=None, name="社情民意").first()
            or _emergency_category(),
            channel=Channel.LIVE_ROOM,
            grid=account.unit,
            reporter_resident=account.resident,
            reporter_user=account.user,
            idempotency_key=f"live-question-{question.pk}",
        )
        question.case = case
        question.save(update_fields=["case"])
        _log(question.session, "update", {"question": question.as_event()})
    return question


def live_session_end(*, session: LiveSession, by: Actor) -> LiveSession:
    if not _is_host(session, by):
        raise PermissionDenied(_("只有主持人可以结束直播"))
    with transaction.atomic():
        if session.ended_at is None:
            session.ended_at = clock.now()
            session.save(update_fields=["ended_at"])
            _log(session, "ended", {})
    return session
