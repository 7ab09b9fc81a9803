"""The counsellor's pages: the calendar, session notes and stats. Notes are listed and opened
only through the note selectors."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from gongzhi.core import clock
from gongzhi.core.access import staff_of
from gongzhi.core.forms import service_errors

from ..forms import NoteForm, SlotForm
from ..selectors import (
    appointment_list_for,
    appointment_request_list_for,
    counseling_stats,
    counselor_calendar,
    counselors_for,
    session_note_read,
    session_notes_for,
)
from ..services import session_note_write

CALENDAR_DAYS = 14


@login_required
def calendar(request, slot_form=None, status: int = 200):
    """A counsellor's own calendar; other staff see the appointments in their scope, and
    those who arrange the room's calendar get the slot form."""
    today = clock.today()
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    slots = counselor_calendar(
        request.user, start=start, end=start + dt.timedelta(days=CALENDAR_DAYS)
    )
    appointments = appointment_list_for(request.user).filter(slot__starts_at__gte=start)[:100]
    counselors = counselors_for(request.user)
    if slot_form is None and counselors.exists():
        slot_form = SlotForm(counselors=counselors)
    context = {
        "slots": slots, "appointments": appointments, "today": today, "days": CALENDAR_DAYS,
        "now": clock.now(), "slot_form": slot_form,
        "pending_requests": appointment_request_list_for(request.user)
        .filter(status="pending").count(),
    }  # fmt: skip
    return render(request, "counseling/calendar.html", context, status=status)


@login_required
def note_list(request):
    return render(
        request, "counseling/note_list.html", {"notes": session_notes_for(request.user)[:200]}
    )


@never_cache
@login_required
def note_detail(request, pk: int):
    note, content = session_note_read(user=request.user, pk=pk, request=request)
    return render(request, "counseling/note_detail.html", {"note": note, "content": content})


@login_required
def note_create(request, appointment_pk: int):
    staff = staff_of(request.user)
    appointment = (
        get_object_or_404(
            appointment_list_for(request.user).filter(slot__counselor=staff), pk=appointment_pk
        )
        if staff
        else None
    )
    if appointment is None:
        raise PermissionDenied(_("只能为自己的咨询预约填写记录"))
    form = NoteForm(request.POST or None)
    not_started = ""
    if appointment.slot.starts_at > clock.now():  # the service refuses it too; say so up front
        start = timezone.localtime(appointment.slot.starts_at)
        not_started = _("咨询尚未开始(预约时间%(at)s),开始后才能填写咨询记录") % {
            "at": f"{start:%Y-%m-%d %H:%M}"
        }
    elif request.method == "POST" and form.is_valid():
        with service_errors(form):
            note = session_note_write(by=request.user, appointment=appointment, **form.cleaned_data)
            messages.success(request, _("咨询记录已保存"))
            return redirect("counseling:note_detail", note.pk)
    status = 400 if request.method == "POST" and (form.errors or not_started) else 200
    context = {"form": form, "appointment": appointment, "not_started": not_started}
    return render(request, "counseling/note_form.html", context, status=status)


@login_required
def stats(request):
    return render(request, "counseling/stats.html", {"stats": counseling_stats(request.user)})
