"""The staff case map: cases as clustered markers over the grid outlines, with filters."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gongzhi.grids.selectors import map_bounds_for

from ..forms import CaseMapFilterForm
from ..models import State
from ..selectors import MAP_LIMIT, case_filter, case_list_for, case_map_points, case_state_filter

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from gongzhi.cases.models import Case
    from gongzhi.core.types import AuthedRequest


def _filtered(request: AuthedRequest) -> tuple[CaseMapFilterForm, QuerySet[Case]]:
    """(form, restricted + filtered queryset); open cases when nothing is asked for."""
    params = request.GET.copy()
    if not params:
        params["state"] = CaseMapFilterForm.OPEN
    form = CaseMapFilterForm(params, user=request.user)
    qs = case_list_for(request.user)
    if not form.is_valid():
        return form, qs.none()  # a junk or foreign filter shows its error and no cases
    data = form.cleaned_data
    return form, case_state_filter(case_filter(qs, **data), data.get("state") or "")


@login_required
@require_GET
def case_map(request: AuthedRequest) -> HttpResponse:
    form, _qs = _filtered(request)
    query = request.GET.urlencode() or f"state={CaseMapFilterForm.OPEN}"
    context = {
        "form": form,
        "points_url": f"{reverse('cases:map_points')}?{query}",
        "bounds": map_bounds_for(request.user),
    }
    return render(request, "cases/case_map.html", context)


@login_required
@require_GET
def case_map_data(request: AuthedRequest) -> HttpResponse:
    form, qs = _filtered(request)
    if not form.is_valid():
        errors = [e for field in form.errors.values() for e in field]
        return JsonResponse(
            {"errors": errors}, status=400, json_dumps_params={"ensure_ascii": False}
        )
    points, total, unplaced = case_map_points(qs)
    labels = dict(State.choices)
    for p in points:
        p["state_label"] = str(labels.get(p["state"], p["state"]))
        p["url"] = reverse("cases:detail", args=[p["number"]])
    summary = _("共 %(total)d 件") % {"total": total}
    if total > len(points):
        summary = _("共 %(total)d 件,地图显示最新的 %(n)d 件") % {"total": total, "n": MAP_LIMIT}
    if unplaced:
        summary += _(";另有 %(n)d 件没有位置") % {"n": unplaced}
    data = {"cases": points, "total": total, "unplaced": unplaced, "summary": summary}
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
