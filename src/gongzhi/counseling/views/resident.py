"""A resident asks the counselling room for an appointment from the portal, confidentially:
the request names no topic, and only the room's counsellors and the center's staff see it."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.cache import never_cache

from gongzhi.core.forms import service_errors
from gongzhi.org.models import Center, RoomKind
from gongzhi.portal.auth import resident_required

from .. import services as svc
from ..forms import ResidentRequestForm
from ..models import Source


def _centers(resident):
    """Centers whose area covers the resident's home and that have a counselling room."""
    grid = resident.grid
    paths = [grid.path[:n] for n in range(grid.steplen, len(grid.path) + 1, grid.steplen)]
    return Center.objects.filter(grid__path__in=paths, rooms__kind=RoomKind.COUNSELING).order_by(
        "-grid__depth"
    )


@never_cache
@resident_required
def ask(request):
    account = request.resident_account
    resident = account.resident
    if resident is None:
        context = {"unbound": True}
        return render(request, "counseling/resident_ask.html", context)
    centers = _centers(resident)
    form = ResidentRequestForm(request.POST or None, centers=centers)
    if not form.is_bound and centers:
        form.initial["center"] = centers[0].pk
    done = None
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            done = svc.appointment_request_create(
                by=account.user, resident=resident, source=Source.RESIDENT, **form.cleaned_data
            )
    status = 400 if form.errors else 200
    context = {"form": form, "done": done, "no_center": not centers}
    return render(request, "counseling/resident_ask.html", context, status=status)
