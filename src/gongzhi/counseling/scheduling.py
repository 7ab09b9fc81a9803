"""The counselling room's calendar work: cancelling slots, and appointment requests (hall
referrals and residents' own requests) scheduled into slots. One transaction each; Chinese
errors; nothing written on error. services.py re-exports these."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gongzhi.core import clock
from gongzhi.core.access import can, staff_of
from gongzhi.core.roles import COUNSEL, COUNSELING_MANAGE
from gongzhi.core.text import clean_text
from gongzhi.org.models import Center

from .models import Appointment, AppointmentRequest, CounselorSlot, Source
from .workflow import REQUEST

REQUEST_SOURCES = (Source.HALL, Source.RESIDENT)


def _may_schedule(user, center: Center) -> bool:
    """Who arranges a center's counselling calendar: its own counsellors, and those who manage
    counselling rooms (window clerks, admins) within their scope."""
    if can(user, COUNSEL):
        staff = staff_of(user)
        return staff is not None and staff.center_id == center.pk
    return can(user, COUNSELING_MANAGE, center.grid)


@transaction.atomic
def slot_cancel(*, by, slot: CounselorSlot) -> CounselorSlot:
    """Take a free slot out of the calendar (a booked one: cancel its appointment first)."""
    locked = CounselorSlot.objects.select_for_update().get(pk=slot.pk)
    mine = staff_of(by) == locked.counselor
    if not mine and not can(by, COUNSELING_MANAGE, locked.center.grid):
        raise PermissionDenied(_("您无权取消该咨询时段"))
    if locked.cancelled_at is not None:
        raise ValidationError(_("该时段已取消"))
    if locked.appointments.filter(status__in=Appointment.ACTIVE).exists():
        raise ValidationError(_("该时段已有预约,请先取消预约再取消时段"))
    locked.cancelled_at = clock.now()
    locked.save(update_fields=["cancelled_at"])
    return locked


@transaction.atomic
def appointment_request_create(
    *,
    by,
    center: Center,
    resident,
    source: str,
    referral=None,
    preferred: str = "",
    contact_ok: bool = True,
) -> AppointmentRequest:
    """A request the room will schedule. `source=resident` comes from the portal, which has
    checked that `by` is that resident; a hall referral is made by the window clerk."""
    if source not in REQUEST_SOURCES:
        raise ValidationError({"source": _("未知的申请来源")})
    if source == Source.HALL and not _may_schedule(by, center):
        raise PermissionDenied(_("您无权向该中心心理咨询室转介"))
    preferred = clean_text(
        preferred, field="preferred", label=_("希望时间"), max_length=100, required=False
    )
    try:
        with transaction.atomic():
            return AppointmentRequest.objects.create(
                center=center,
                resident=resident,
                source=source,
                referral=referral,
                preferred=preferred,
                contact_ok=bool(contact_ok),
                created_by=by if getattr(by, "pk", None) else None,
            )
    except IntegrityError:
        raise ValidationError(_("已有一份待安排的咨询申请,咨询室会尽快联系安排")) from None


@transaction.atomic
def appointment_request_schedule(
    *, by, request: AppointmentRequest, slot: CounselorSlot
) -> Appointment:
    """Book the request into a free slot of its center."""
    from .services import appointment_book  # services re-exports this module

    locked = AppointmentRequest.objects.select_for_update().get(pk=request.pk)
    if not _may_schedule(by, locked.center):
        raise PermissionDenied(_("您无权安排该咨询申请"))
    status = REQUEST.next_status(locked.status, "schedule")
    if slot is None or slot.center_id != locked.center_id or slot.cancelled_at is not None:
        raise ValidationError({"slot": _("请选择本中心可预约的咨询时段")})
    appointment = appointment_book(by=by, slot=slot, resident=locked.resident, source=locked.source)
    locked.status, locked.appointment = status, appointment
    locked.save(update_fields=["status", "appointment"])
    return appointment


@transaction.atomic
def appointment_request_decline(
    *, by, request: AppointmentRequest, reason: str
) -> AppointmentRequest:
    locked = AppointmentRequest.objects.select_for_update().get(pk=request.pk)
    if not _may_schedule(by, locked.center):
        raise PermissionDenied(_("您无权处理该咨询申请"))
    status = REQUEST.next_status(locked.status, "decline")
    locked.decline_reason = clean_text(reason, field="reason", label=_("原因"), max_length=200)
    locked.status = status
    locked.save(update_fields=["status", "decline_reason"])
    return locked
