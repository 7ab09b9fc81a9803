"""360° pages for one resident or one household."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from gongzhi.people.models import Household, Resident

from .selectors import household_for_360, profile_for, resident_for_360


@login_required
def resident_360(request, pk: int):
    try:
        resident = resident_for_360(request.user, pk)
    except Resident.DoesNotExist:
        raise Http404(_("居民不存在或不在您的管辖范围内")) from None
    profile = profile_for(request.user, [resident])
    context = {"subject": resident.masked_name, "resident": resident, "p": profile}
    return render(request, "dashboards/profile.html", context)


@login_required
def household_360(request, pk: int):
    try:
        household = household_for_360(request.user, pk)
    except Household.DoesNotExist:
        raise Http404(_("户不存在或不在您的管辖范围内")) from None
    members = list(
        Resident.objects.restrict(request.user).filter(household=household).order_by("pk")
    )
    profile = profile_for(request.user, members)
    context = {"subject": household.address, "household": household, "p": profile}
    return render(request, "dashboards/profile.html", context)
