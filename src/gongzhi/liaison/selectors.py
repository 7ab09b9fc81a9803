"""Permission-aware reads for the police liaison room (grid scope via core.access)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from .models import JointPatrol, PoliceDutyRoster, PoliceReferral, SecurityHazard

if TYPE_CHECKING:
    from gongzhi.core.types import AnyUser


def referral_list_for(user: AnyUser) -> QuerySet[PoliceReferral]:
    return PoliceReferral.objects.restrict(user).select_related("case", "center")


def hazard_list_for(user: AnyUser) -> QuerySet[SecurityHazard]:
    return SecurityHazard.objects.restrict(user).select_related("grid")


def hazard_get_for(user: AnyUser, pk: int) -> SecurityHazard:
    return hazard_list_for(user).prefetch_related("photos", "updates__by").get(pk=pk)


def roster_for(user: AnyUser, *, start: dt.date, days: int = 14) -> QuerySet[PoliceDutyRoster]:
    return (
        PoliceDutyRoster.objects.restrict(user)
        .filter(date__gte=start, date__lt=start + dt.timedelta(days=days))
        .select_related("center", "officer")
        .order_by("date", "center", "shift")
    )


def patrol_list_for(user: AnyUser) -> QuerySet[JointPatrol]:
    return JointPatrol.objects.restrict(user).select_related("center").prefetch_related("staff")
