"""The grid tree: a grid with its breadcrumbs, counts, workers, children (and a unit's
households), starting from the roots the user may see."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from gongzhi.core.access import can, grid_in_scope, scope_paths
from gongzhi.core.roles import CHANGE, MANAGE_GRIDS
from gongzhi.grids.models import Grid, Level
from gongzhi.grids.navigation import visible_ancestors
from gongzhi.grids.selectors import grid_children, grid_subtree_summary
from gongzhi.people.selectors import household_list_for


def _visible_roots(user):
    paths = scope_paths(user)
    qs = Grid.objects.all()
    return qs.filter(depth=1) if paths is None else qs.filter(path__in=paths)


def _unit_households(user, grid: Grid) -> list:
    """A unit's households with member counts (a unit holds a few dozen at most)."""
    return list(
        household_list_for(user)
        .filter(unit=grid)
        .annotate(n_members=Count("members"))
        .order_by("house_number")
    )


@login_required
def grid_tree(request, pk: int | None = None):
    """Drill-down browser: one grid, its breadcrumbs, counts and its children's counts."""
    user = request.user
    if pk is None:
        roots = list(_visible_roots(user))
        if len(roots) != 1:
            return render(request, "grids/roots.html", {"roots": roots})
        grid = roots[0]
    else:
        grid = Grid.objects.restrict(user).filter(pk=pk).first()
        if grid is None:
            raise Http404(_("网格不存在或不在您的管辖范围内"))
    children = list(grid_children(grid))
    summary = grid_subtree_summary(grid, children)
    for child in children:
        child.counts = summary["children"].get(child.path, {})
    workers = summary["workers"]
    for worker in workers:
        # Duties on this grid (网格员/网格长/社区民警); assignments are prefetched.
        worker.duties_here = [a for a in worker.grid_assignments.all() if a.grid_id == grid.pk]
    is_unit = grid.level == Level.UNIT
    return render(
        request,
        "grids/tree.html",
        {
            "grid": grid,
            "crumbs": visible_ancestors(user, grid),
            "children": children,
            "totals": summary["total"],
            "workers": workers,
            "households": _unit_households(user, grid) if is_unit else None,
            "can_add_household": is_unit and can(user, CHANGE) and grid_in_scope(user, grid),
            "can_import_boundaries": can(user, MANAGE_GRIDS),
        },
    )
