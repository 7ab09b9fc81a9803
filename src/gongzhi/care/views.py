"""Care room pages: targets with their plan and overdue status, and the care calendar."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from gongzhi.core import clock

from .selectors import care_calendar, care_targets_for, plan_overdue

CALENDAR_DAYS = 28


@login_required
def target_list(request):
    today = clock.today()
    page = Paginator(care_targets_for(request.user), 50).get_page(request.GET.get("page"))
    for r in page.object_list:
        r.plan = getattr(r, "care_plan", None)
        r.overdue = r.has_alert or plan_overdue(r.plan, today)
    return render(request, "care/target_list.html", {"page": page, "today": today})


@login_required
def calendar(request):
    start = clock.today()
    entries = care_calendar(request.user, start=start, end=start + dt.timedelta(days=CALENDAR_DAYS))
    return render(request, "care/calendar.html", {"entries": entries, "start": start})
