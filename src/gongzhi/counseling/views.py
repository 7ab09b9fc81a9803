"""Counselling pages. Notes are listed and opened only through the note selectors."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from gongzhi.core import clock
from gongzhi.core.access import staff_of

from .forms import NoteForm
from .selectors import (
    appointment_list_for,
    counseling_stats,
    counselor_calendar,
    session_note_read,
    session_notes_for,
)
from .services import session_note_write

CALENDAR_DAYS = 14


@login_required
def calendar(request):
    """A counsellor's own calendar; other staff see the appointments in their scope."""
    today = clock.today()
    start = clock.now().replace(hour=0, minute=0, second=0, microsecond=0)
    slots = counselor_calendar(
        request.user, start=start, end=start + dt.timedelta(days=CALENDAR_DAYS)
    )
    appointments = appointment_list_for(request.user).filter(slot__starts_at__gte=start)[:100]
    return render(
        request, "counseling/calendar.html",
        {"slots": slots, "appointments": appointments, "today": today, "days": CALENDAR_DAYS},
    )  # fmt: skip


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
    appointment = get_object_or_404(
        appointment_list_for(request.user).filter(slot__counselor=staff), pk=appointment_pk
    ) if staff else None  # fmt: skip
    if appointment is None:
        raise PermissionDenied(_("只能为自己的咨询预约填写记录"))
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            note = session_note_write(by=request.user, appointment=appointment, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("咨询记录已保存"))
            return redirect("counseling:note_detail", note.pk)
    return render(request, "counseling/note_form.html", {"form": form, "appointment": appointment})


@login_required
def stats(request):
    return render(request, "counseling/stats.html", {"stats": counseling_stats(request.user)})
