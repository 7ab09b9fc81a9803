"""KPI pages: the user's scope root, any grid in it with its children, and the .xlsx export.

Thin: figures come from cases.kpis (the daily aggregates for the grid and its children).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from gongzhi.core.access import can, scope_paths
from gongzhi.core.dbrouter import replica_reads
from gongzhi.core.roles import EXPORT
from gongzhi.core.xlsx import workbook_response
from gongzhi.grids.models import Grid
from gongzhi.grids.navigation import visible_ancestors
from gongzhi.grids.selectors import grid_children

from ..kpis import RATE_LABELS, kpis_compute, kpis_per_child
from ..kpis.compute import kpi_weights, kpiset_empty, rated_rule
from ..kpis.export import kpi_export_workbook
from ..kpis.forms import KpiPeriodForm
from ..selectors import rated_not_counted

if TYPE_CHECKING:
    from django.http.response import HttpResponseBase

    from gongzhi.cases.kpis.compute import KpiSet
    from gongzhi.cases.kpis.periods import Period
    from gongzhi.core.types import AnyUser, AuthedRequest


def _grid_or_404(user: AnyUser, pk: int) -> Grid:
    grid = Grid.objects.restrict(user).filter(pk=pk).first()
    if grid is None:
        raise Http404(_("网格不存在或不在您的管辖范围内"))
    return grid


def _figures(
    request: AuthedRequest, grid: Grid
) -> tuple[KpiPeriodForm, Period, KpiSet, list[tuple[Grid, KpiSet]]]:
    """(form, period, grid KPIs, [(child, KPIs)]) over the user's own restricted cases."""
    form = KpiPeriodForm(request.GET or None)
    period = form.resolved_period()
    user = request.user  # figures over the user's own subtree only
    kpis = kpis_compute(period=period, user=user, grid=grid)
    children = list(grid_children(grid))
    per_child = kpis_per_child(grid=grid, period=period, user=user) if children else {}
    empty = kpiset_empty()
    rows = [(child, per_child.get(child.path, empty)) for child in children]
    return form, period, kpis, rows


@login_required
def kpi_home(request: AuthedRequest) -> HttpResponse:
    """The user's scope root; several disjoint roots get a list to pick from."""
    paths = scope_paths(request.user)
    roots = Grid.objects.filter(depth=1) if paths is None else Grid.objects.filter(path__in=paths)
    roots = list(roots.order_by("path")[:50])
    if len(roots) == 1:
        query = request.GET.urlencode()
        url = reverse("kpis:grid", args=[roots[0].pk])
        return redirect(f"{url}?{query}" if query else url)
    return render(request, "cases/kpi_roots.html", {"roots": roots})


@login_required
@replica_reads()
def kpi_grid(request: AuthedRequest, pk: int) -> HttpResponse:
    grid = _grid_or_404(request.user, pk)
    form, period, kpis, children = _figures(request, grid)
    weights = kpi_weights()
    pending_total, pending = rated_not_counted(request.user, grid=grid)
    context = {
        "grid": grid,
        "crumbs": visible_ancestors(request.user, grid),
        "form": form,
        "period": period,
        "kpis": kpis,
        "rates": [(name, RATE_LABELS[name], rate) for name, rate in kpis.rates()],
        "labels": list(RATE_LABELS.values()),
        "children": children,
        "weights": ", ".join(f"{RATE_LABELS[k]}×{w:g}" for k, w in weights.items()),
        "query": request.GET.urlencode(),
        "can_export": can(request.user, EXPORT),
        "rated_rule": rated_rule(),
        "pending": pending,
        "pending_total": pending_total,
    }
    return render(request, "cases/kpi_grid.html", context)


@login_required
@replica_reads()
def kpi_export(request: AuthedRequest, pk: int) -> HttpResponseBase:
    if not can(request.user, EXPORT):
        raise PermissionDenied(_("您无权导出考核指标"))
    grid = _grid_or_404(request.user, pk)
    _form, period, kpis, children = _figures(request, grid)
    wb, filename = kpi_export_workbook(
        by=request.user, grid=grid, kpis=kpis, children=children, period=period, request=request
    )
    return workbook_response(wb, filename)
