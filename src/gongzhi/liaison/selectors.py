"""Permission-aware reads for the police liaison room (grid scope via core.access)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from .models import JointPatrol, PoliceDutyRoster, PoliceReferral, SecurityHazard


def referral_list_for(user) -> QuerySet[PoliceReferral]:
    return PoliceReferral.objects.restrict(user).select_related("case", "center")


def hazard_list_for(user) -> QuerySet[SecurityHazard]:
    return SecurityHazard.objects.restrict(user).select_related("grid")


def hazard_get_for(user, pk: int) -> SecurityHazard:
    return hazard_list_for(user).prefetch_related("photos", "updates__by").get(pk=pk)


def roster_for(user, *, start: dt.date, days: int = 14) -> QuerySet[PoliceDutyRoster]:
    return (
        PoliceDutyRoster.objects.restrict(user)
        .filter(date__gte=start, date__lt=start + dt.timedelta(days=days))
        .select_related("center", "officer")
        .order_by("date", "center", "shift")
    )


def patrol_list_for(user) -> QuerySet[JointPatrol]:
    return JointPatrol.objects.restrict(user).select_related("center").prefetch_related("staff")
