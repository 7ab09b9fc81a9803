"""Reads for the social-organisations room: lists, the volunteer-hours ranking, and the
mediator/visitor candidates the mediation and care rooms can pick from."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from gongzhi.core.paths import subtree_q
from gongzhi.org.models import Center

from .models import Activity, Member, Organisation

if TYPE_CHECKING:
    from gongzhi.core.types import AnyUser


def organisation_list_for(user: AnyUser) -> QuerySet[Organisation]:
    return (
        Organisation.objects.restrict(user)
        .select_related("center", "grid")
        .annotate(member_count=Count("members", filter=Q(members__active=True)))
    )


def member_list_for(user: AnyUser) -> QuerySet[Member]:
    return Member.objects.restrict(user).select_related("organisation")


def activity_list_for(user: AnyUser) -> QuerySet[Activity]:
    return Activity.objects.restrict(user).select_related("organisation")


def volunteer_ranking(
    user: AnyUser,
    *,
    organisation: Organisation | None = None,
    since: dt.date | None = None,
    limit: int = 50,
) -> QuerySet[Member]:
    """Members by total volunteer hours, most first: one aggregate query."""
    hours_filter = Q(participations__activity__date__gte=since) if since else Q()
    qs = member_list_for(user).filter(active=True)
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    zero = Value(0, output_field=DecimalField(max_digits=9, decimal_places=1))
    return qs.annotate(
        total_hours=Coalesce(Sum("participations__hours", filter=hours_filter), zero),
        activity_count=Count("participations", filter=hours_filter),
    ).order_by("-total_hours", "pk")[:limit]


def _candidates(center: Center, flag: str) -> QuerySet[Member]:
    return (
        Member.objects.filter(
            subtree_q("organisation__grid__path", center.grid.path),
            active=True,
            organisation__active=True,
            **{flag: True},
        )
        .select_related("organisation")
        .order_by("organisation__kind", "organisation__name", "name")
    )


def mediator_candidates(center: Center) -> QuerySet[Member]:
    """Volunteers who may mediate disputes at this center (和事佬协会, 妈妈唠嗑队, …)."""
    return _candidates(center, "can_mediate")


def visitor_candidates(center: Center) -> QuerySet[Member]:
    """Volunteers who may join care visits for this center's area."""
    return _candidates(center, "can_visit")
