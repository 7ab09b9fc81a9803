"""Writes for the counselling room. One transaction each; Chinese errors; nothing written on error."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.cases.notify import notify_users
from gongzhi.core import clock
from gongzhi.core.access import can, grid_in_scope, require, staff_of
from gongzhi.core.roles import CENTER_ALERTS, COUNSEL, COUNSELING_MANAGE, has, roles_with
from gongzhi.core.text import clean_text
from gongzhi.org.models import RoomKind, Staff

from .models import (
    Appointment,
    CounselingSupervisor,
    CounselorSlot,
    RiskFlag,
    SessionNote,
    Source,
)
from .workflow import APPOINTMENT

if TYPE_CHECKING:
    from gongzhi.care.models import Visit
    from gongzhi.cases.models import Case
    from gongzhi.core.types import Actor
    from gongzhi.people.models import Resident


SLOT_TAKEN = gettext_lazy("该咨询时段已被预约,请选择其他时段")
MAX_SLOT = dt.timedelta(hours=4)


def _require_counselor(staff: Staff | None) -> Staff:
    if staff is None or not staff.active or not has(staff.role, COUNSEL):
        raise ValidationError({"counselor": _("请选择在岗的心理咨询师")})
    return staff


@transaction.atomic
def slot_create(
    *, by: Actor, counselor: Staff, starts_at: dt.datetime, ends_at: dt.datetime
) -> CounselorSlot:
    """Open a period in a counsellor's calendar (by the counsellor or the center's staff)."""
    _require_counselor(counselor)
    center = counselor.center
    if center is None:
        raise ValidationError({"counselor": _("该咨询师未隶属任何综治中心")})
    mine = staff_of(by) == counselor
    if not mine and not can(by, COUNSELING_MANAGE, center.grid):
        raise PermissionDenied(_("您无权为该咨询师安排时段"))
    if starts_at is None or ends_at is None or ends_at <= starts_at:
        raise ValidationError({"ends_at": _("结束时间应晚于开始时间")})
    if starts_at <= clock.now():
        raise ValidationError({"starts_at": _("开始时间应晚于现在")})
    if ends_at - starts_at > MAX_SLOT:
        raise ValidationError({"ends_at": _("一个咨询时段不能超过4小时")})
    overlapping = CounselorSlot.objects.filter(
        counselor=counselor, starts_at__lt=ends_at, ends_at__gt=starts_at, cancelled_at__isnull=True
    )
    if overlapping.exists():
        raise ValidationError({"starts_at": _("该时段与咨询师已有的时段重叠")})
    return CounselorSlot.objects.create(
        counselor=counselor, center=center, starts_at=starts_at, ends_at=ends_at
    )


def _check_source(
    source: str, resident: Resident, case: Case | None, care_visit: Visit | None
) -> None:
    if source not in Source.values:
        raise ValidationError({"source": _("未知的预约来源")})
    if source == Source.CASE and case is None:
        raise ValidationError({"case": _("事件转介需要关联事件")})
    if source == Source.CARE_VISIT and (
        care_visit is None or care_visit.resident_id != resident.pk
    ):
        raise ValidationError({"care_visit": _("关爱走访转介需要关联该居民的走访记录")})


def appointment_book(
    *,
    by: Actor,
    slot: CounselorSlot,
    resident: Resident,
    source: str = Source.STAFF,
    case: Case | None = None,
    care_visit: Visit | None = None,
) -> Appointment:
    """Book a slot. A slot holds one live appointment: the row lock serialises bookers and
    the partial unique constraint refuses a second booking even if a caller skips the lock.

    `source=resident` is the portal's self-service path: the portal authenticates the
    resident, so no staff permission is checked here."""
    _check_source(source, resident, case, care_visit)
    # Staff book at their center, or for a resident they serve (a grid worker's referral).
    if source != Source.RESIDENT and not (
        staff_of(by) is not None
        and (grid_in_scope(by, slot.center.grid) or grid_in_scope(by, resident.grid))
    ):
        raise PermissionDenied(_("您无权在该综治中心预约心理咨询"))
    try:
        with transaction.atomic():
            locked = CounselorSlot.objects.select_for_update().get(pk=slot.pk)
            if locked.cancelled_at is not None:
                raise ValidationError({"slot": _("该时段已取消,请选择其他时段")})
            if locked.starts_at <= clock.now():
                raise ValidationError({"slot": _("该时段已开始或已过去,不能预约")})
            if locked.appointments.filter(status__in=Appointment.ACTIVE).exists():
                raise ValidationError({"slot": SLOT_TAKEN})
            return Appointment.objects.create(
                slot=locked,
                resident=resident,
                source=source,
                case=case,
                care_visit=care_visit,
                booked_by=by if getattr(by, "pk", None) else None,
            )
    except IntegrityError:
        raise ValidationError({"slot": SLOT_TAKEN}) from None


@transaction.atomic
def appointment_cancel(*, by: Actor, appointment: Appointment) -> Appointment:
    staff = staff_of(by)
    if staff != appointment.slot.counselor and not (
        can(by, COUNSELING_MANAGE, appointment.slot.center.grid)
    ):
        raise PermissionDenied(_("您无权取消该预约"))
    appointment.status = APPOINTMENT.next_status(appointment.status, "cancel")
    appointment.save(update_fields=["status"])
    return appointment


@transaction.atomic
def supervisor_grant(*, by: Actor, supervisor: Staff, counselor: Staff) -> CounselingSupervisor:
    """Authorise a counselling supervisor. Only another practising counsellor can be one:
    an administrator cannot grant reading rights to themselves or to any non-counsellor."""
    _require_counselor(counselor)
    if counselor.center is None:
        raise ValidationError({"counselor": _("该咨询师未隶属任何综治中心")})
    require(by, COUNSELING_MANAGE, counselor.center.grid, _("您无权设置该咨询师的督导"))
    if not has(supervisor.role, COUNSEL) or not supervisor.active or supervisor.user.is_superuser:
        raise ValidationError({"supervisor": _("督导须为在岗的心理咨询师")})
    if supervisor == counselor:
        raise ValidationError({"supervisor": _("督导不能是咨询师本人")})
    if supervisor.user_id == getattr(by, "pk", None):
        raise ValidationError({"supervisor": _("不能为自己授权督导")})
    grant, _created = CounselingSupervisor.objects.get_or_create(
        supervisor=supervisor,
        counselor=counselor,
        revoked_at=None,
        defaults={"granted_by": by},
    )
    return grant


@transaction.atomic
def supervisor_revoke(*, by: Actor, grant: CounselingSupervisor) -> CounselingSupervisor:
    if not can(by, COUNSELING_MANAGE) and staff_of(by) != grant.counselor:
        raise PermissionDenied(_("您无权撤销该督导授权"))
    grant.revoked_at = clock.now()
    grant.save(update_fields=["revoked_at"])
    return grant


@transaction.atomic
def session_note_write(
    *,
    by: Actor,
    content: str,
    appointment: Appointment | None = None,
    resident: Resident | None = None,
    risk_flag: str = RiskFlag.NONE,
) -> SessionNote:
    """Only a counsellor writes notes, for their own appointments. A risk flag alerts the care
    room and the center's staff without any of the note's text."""
    counselor = staff_of(by)
    if counselor is None or not has(counselor.role, COUNSEL) or not counselor.active:
        raise PermissionDenied(_("只有心理咨询师可以填写咨询记录"))
    if appointment is not None:
        if appointment.slot.counselor_id != counselor.pk:
            raise PermissionDenied(_("只能为自己的咨询预约填写记录"))
        APPOINTMENT.next_status(appointment.status, "write_note")  # refused before any write
        if appointment.slot.starts_at > clock.now():
            start = timezone.localtime(appointment.slot.starts_at)
            raise ValidationError(
                _("咨询尚未开始(预约时间%(at)s),开始后才能填写咨询记录")
                % {"at": f"{start:%Y-%m-%d %H:%M}"}
            )
        resident = appointment.resident
    if resident is None:
        raise ValidationError({"resident": _("请指明来访居民")})
    content = clean_text(content, field="content", label=_("咨询记录"), max_length=20000)
    if risk_flag not in RiskFlag.values:
        raise ValidationError({"risk_flag": _("风险标记无效")})
    note = SessionNote(
        appointment=appointment, counselor=counselor, resident=resident, risk_flag=risk_flag
    )
    note.set_content(content)
    note.save()
    if appointment is not None:
        appointment.status = APPOINTMENT.next_status(appointment.status, "write_note")
        appointment.save(update_fields=["status"])
    if risk_flag:
        _risk_alert(note)
    return note


def _risk_alert(note: SessionNote) -> int:
    center = note.counselor.center
    recipients = Staff.objects.filter(active=True, center=center).filter(
        role__in=roles_with(CENTER_ALERTS)
    ) | Staff.objects.filter(active=True, room__center=center, room__kind=RoomKind.CARE)
    label = RiskFlag(note.risk_flag).label
    return notify_users(
        [s.user for s in recipients.select_related("user").distinct()],
        kind="counseling_risk",
        title=f"心理咨询风险提示:{note.resident.masked_name}({label})",
        body=(
            f"居民{note.resident.masked_name}经心理咨询评估存在{label},请关爱工作室和综治中心"
            f"及时跟进关怀。咨询内容依法保密,如需协同请联系咨询师{note.counselor.name}。"
        ),
    )


# Re-exported: pages and tests call these as services.<name>.
from .scheduling import (  # noqa: E402
    appointment_request_create,
    appointment_request_decline,
    appointment_request_schedule,
    slot_cancel,
)

__all__ = [
    "appointment_book",
    "appointment_cancel",
    "appointment_request_create",
    "appointment_request_decline",
    "appointment_request_schedule",
    "session_note_write",
    "slot_cancel",
    "slot_create",
    "supervisor_grant",
    "supervisor_revoke",
]
