"""Reads for the counselling room.

Session notes never go through grid scope: `session_notes_for` lists only what the user
wrote or explicitly supervises, whatever their role (superusers included), and the text
itself is read only through `session_note_read`, which writes an audit row for every read.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from gongzhi.core.access import role_of, staff_of
from gongzhi.core.audit import audit_record
from gongzhi.core.models import AuditLog
from gongzhi.core.roles import Role

from .models import Appointment, CounselorSlot, SessionNote


def session_notes_for(user) -> QuerySet[SessionNote]:
    """Notes the user may open (metadata only; the text stays encrypted)."""
    return SessionNote.objects.restrict(user).select_related("counselor", "resident")


@transaction.atomic
def session_note_read(*, user, pk: int, request=None) -> tuple[SessionNote, str]:
    """The note and its decrypted text, for its author or an authorised supervisor. Audited."""
    note = session_notes_for(user).filter(pk=pk).first()
    if note is None:
        raise PermissionDenied(_("咨询记录仅限咨询师本人及其授权督导查阅"))
    audit_record(
        actor=user, action=AuditLog.Action.READ_SENSITIVE, target=note, fields="content",
        request=request,
    )  # fmt: skip
    return note, note.decrypt_content()


# Who may see appointments (time, counsellor, status): the counsellors, and the center's
# staff and admins who book them; not the center's mediators, police or grid workers.
APPOINTMENT_READERS = frozenset({Role.ADMIN, Role.CENTER_STAFF, Role.COUNSELOR})


def appointment_list_for(user) -> QuerySet[Appointment]:
    qs = Appointment.objects.restrict(user).select_related("slot__counselor", "resident")
    return qs if role_of(user) in APPOINTMENT_READERS else qs.none()


def counselor_calendar(user, *, start: dt.datetime, end: dt.datetime) -> QuerySet[CounselorSlot]:
    """The signed-in counsellor's own slots in [start, end), with their appointments."""
    staff = staff_of(user)
    if staff is None:
        return CounselorSlot.objects.none()
    return (
        CounselorSlot.objects.filter(counselor=staff, starts_at__gte=start, starts_at__lt=end)
        .prefetch_related("appointments__resident")
        .order_by("starts_at")
    )


def counseling_stats(user) -> dict[str, int]:
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
