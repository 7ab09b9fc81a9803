"""Reads for the counselling room.

Session notes never go through grid scope: `session_notes_for` lists only what the user
wrote or explicitly supervises, whatever their role (superusers included), and the text
itself is read only through `session_note_read`, which writes an audit row for every read.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from gongzhi.core import clock
from gongzhi.core.access import can, staff_of
from gongzhi.core.audit import audit_record
from gongzhi.core.models import AuditLog
from gongzhi.core.roles import COUNSEL, COUNSELING_SCHEDULE, roles_with
from gongzhi.org.models import Center, Staff

from .models import (
    Appointment,
    AppointmentRequest,
    CounselingSupervisor,
    CounselorSlot,
    SessionNote,
)

if TYPE_CHECKING:
    from django.http import HttpRequest

    from gongzhi.core.types import Actor, AnyUser


def session_notes_for(user: AnyUser) -> QuerySet[SessionNote]:
    """Notes the user may open (metadata only; the text stays encrypted)."""
    return SessionNote.objects.restrict(user).select_related("counselor", "resident")


@transaction.atomic
def session_note_read(
    *, user: Actor, pk: int, request: HttpRequest | None = None
) -> tuple[SessionNote, str]:
    """The note and its decrypted text, for its author or an authorised supervisor. Audited."""
    note = session_notes_for(user).filter(pk=pk).first()
    if note is None:
        raise PermissionDenied(_("咨询记录仅限咨询师本人及其授权督导查阅"))
    audit_record(
        actor=user,
        action=AuditLog.Action.READ_SENSITIVE,
        target=note,
        fields="content",
        request=request,
    )
    return note, note.decrypt_content()


def appointment_list_for(user: AnyUser) -> QuerySet[Appointment]:
    """Appointments (time, counsellor, status) for the counsellors, and the center's staff and
    admins who book them; not for the center's mediators, police or grid workers."""
    qs = Appointment.objects.restrict(user).select_related("slot__counselor", "resident")
    return qs if can(user, COUNSELING_SCHEDULE) else qs.none()


def counselor_calendar(
    user: AnyUser, *, start: dt.datetime, end: dt.datetime
) -> QuerySet[CounselorSlot]:
    """The signed-in counsellor's own slots in [start, end), with their appointments."""
    staff = staff_of(user)
    if staff is None:
        return CounselorSlot.objects.none()
    return (
        CounselorSlot.objects.filter(
            counselor=staff, starts_at__gte=start, starts_at__lt=end, cancelled_at__isnull=True
        )
        .prefetch_related("appointments__resident")
        .order_by("starts_at")
    )


def counseling_stats(user: AnyUser) -> dict[str, int]:
    """Counts only: never names, topics or note text."""
    appts = Appointment.objects.restrict(user).aggregate(
        total=Count("pk"),
        booked=Count("pk", filter=Q(status=Appointment.Status.BOOKED)),
        done=Count("pk", filter=Q(status=Appointment.Status.DONE)),
        cancelled=Count("pk", filter=Q(status=Appointment.Status.CANCELLED)),
    )
    # Notes are counted through their appointments' centers (grid scope), never opened.
    notes = SessionNote.objects.filter(
        appointment__in=Appointment.objects.restrict(user).values("pk")
    ).aggregate(notes=Count("pk"), risk_flags=Count("pk", filter=~Q(risk_flag="")))
    return appts | notes


# --- scheduling (calendar, requests, supervision) -------------------------------------------


def appointment_request_list_for(user: AnyUser) -> QuerySet[AppointmentRequest]:
    """Requests the user may schedule: their center's (counsellors, center staff, admins).
    Requests carry no topic; residents' names are shown masked."""
    if not can(user, COUNSELING_SCHEDULE):
        return AppointmentRequest.objects.none()
    qs = AppointmentRequest.objects.restrict(user)
    if can(user, COUNSEL):
        staff = staff_of(user)
        qs = qs.filter(center_id=staff.center_id if staff else None)
    return qs.select_related("resident", "center", "appointment__slot__counselor")


def appointment_request_waiting_count(user: AnyUser) -> int:
    return (
        appointment_request_list_for(user)
        .filter(status=AppointmentRequest.Status.PENDING)
        .order_by()
        .count()
    )


def free_slots(center: Center, *, days: int = 14) -> QuerySet[CounselorSlot]:
    """Future, open slots of a center with no live appointment, soonest first."""
    now = clock.now()
    return (
        CounselorSlot.objects.filter(
            center=center,
            cancelled_at__isnull=True,
            starts_at__gt=now,
            starts_at__lt=now + dt.timedelta(days=days),
        )
        .exclude(appointments__status__in=Appointment.ACTIVE)
        .select_related("counselor")
        .order_by("starts_at")
    )


def counselors_for(user: AnyUser) -> QuerySet[Staff]:
    """Counsellors whose calendar the user arranges: themselves, or those of their centers."""
    active = Staff.objects.filter(role__in=roles_with(COUNSEL), active=True)
    active = active.select_related("center")
    if can(user, COUNSEL):
        staff = staff_of(user)
        return active.filter(pk=staff.pk) if staff else active.none()
    if not can(user, COUNSELING_SCHEDULE):
        return Staff.objects.none()
    centers = Center.objects.restrict(user).values("pk")
    return active.filter(center__in=centers).order_by("center_id", "name")


def supervision_list_for(user: AnyUser) -> QuerySet[CounselingSupervisor]:
    """Live supervision grants over the counsellors the user arranges."""
    return (
        CounselingSupervisor.objects.filter(
            counselor__in=counselors_for(user).values("pk"), revoked_at__isnull=True
        )
        .select_related("supervisor", "counselor")
        .order_by("counselor__name", "supervisor__name")
    )
