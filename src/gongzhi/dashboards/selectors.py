"""The 360° view (一户一档 / 一人一档): everything the rooms hold about one resident or
household, each part filtered by its own app's access rules.

Every part goes through that model's `restrict(user)` (grid scope) and the app's own
selectors, so a user sees in one page exactly what they could see room by room. Counselling
appears as appointment times only: session notes are never read here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from gongzhi.care.models import HelpDelivery, Visit, VisitPlan
from gongzhi.cases.models import Case
from gongzhi.counseling.selectors import appointment_list_for
from gongzhi.hall.models import WindowVisit
from gongzhi.liaison.models import PoliceReferral, SecurityHazard
from gongzhi.mediation.models import Dispute
from gongzhi.people.models import Household, Resident, ResidentTag
from gongzhi.social.models import Member

if TYPE_CHECKING:
    from gongzhi.core.types import AnyUser


LIMIT = 50


@dataclass
class Profile:
    residents: list[Resident]
    tags: dict[int, list[ResidentTag]] = field(default_factory=dict)
    cases: list = field(default_factory=list)
    disputes: list = field(default_factory=list)
    window_visits: list = field(default_factory=list)
    care_plans: list = field(default_factory=list)
    care_visits: list = field(default_factory=list)
    help: list = field(default_factory=list)
    appointments: list = field(default_factory=list)
    police_referrals: list = field(default_factory=list)
    hazards: list = field(default_factory=list)
    memberships: list = field(default_factory=list)


def resident_for_360(user: AnyUser, pk: int) -> Resident:
    """The resident, if in the user's scope (DoesNotExist otherwise → 404)."""
    return Resident.objects.restrict(user).select_related("household__unit", "grid").get(pk=pk)


def household_for_360(user: AnyUser, pk: int) -> Household:
    return Household.objects.restrict(user).select_related("unit").get(pk=pk)


def _cases(user: AnyUser, ids: list[int]) -> QuerySet[Case]:
    """Cases reported by them, or concerning them (a dispute they are party to, a matter
    they raised at a window)."""
    concerning = Q(reporter_resident_id__in=ids)
    concerning |= Q(disputes__parties__resident_id__in=ids)
    concerning |= Q(pk__in=WindowVisit.objects.filter(resident_id__in=ids).values("case_id"))
    return (
        Case.objects.restrict(user)
        .filter(concerning)
        .select_related("category")
        .distinct()
        .order_by("-created_at")
    )


def profile_for(user: AnyUser, residents: list[Resident]) -> Profile:
    ids = [r.pk for r in residents]
    units = {r.grid_id for r in residents}
    p = Profile(residents=residents)
    for tag in ResidentTag.objects.restrict(user).filter(resident_id__in=ids).order_by("tag"):
        p.tags.setdefault(tag.resident_id, []).append(tag)
    cases = list(_cases(user, ids)[:LIMIT])
    p.cases = cases
    p.disputes = list(
        Dispute.objects.restrict(user)
        .filter(parties__resident_id__in=ids)
        .select_related("center")
        .distinct()[:LIMIT]
    )
    p.window_visits = list(
        WindowVisit.objects.restrict(user)
        .filter(resident_id__in=ids)
        .select_related("center")[:LIMIT]
    )
    p.care_plans = list(
        VisitPlan.objects.restrict(user).filter(resident_id__in=ids).select_related("worker")
    )
    p.care_visits = list(
        Visit.objects.restrict(user).filter(resident_id__in=ids).select_related("resident")[:LIMIT]
    )
    p.help = list(
        HelpDelivery.objects.restrict(user)
        .filter(resident_id__in=ids)
        .select_related("resident")[:LIMIT]
    )
    # Time and status only: the appointment list never carries note text.
    p.appointments = list(
        appointment_list_for(user).filter(resident_id__in=ids).order_by("-slot__starts_at")[:LIMIT]
    )
    p.police_referrals = list(
        PoliceReferral.objects.restrict(user)
        .filter(case__in=[c.pk for c in cases])
        .select_related("case")
    )
    p.hazards = list(
        SecurityHazard.objects.restrict(user)
        .filter(grid_id__in=units)
        .select_related("grid")[:LIMIT]
    )
    p.memberships = list(
        Member.objects.restrict(user).filter(resident_id__in=ids).select_related("organisation")
    )
    return p
