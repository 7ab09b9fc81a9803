from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from gongzhi.core.access import scope_paths
from gongzhi.grids.models import Grid
from gongzhi.grids.selectors import grid_ancestors, grid_children, grid_subtree_summary


def _visible_roots(user):
    paths = scope_paths(user)
    qs = Grid.objects.all()
    return qs.filter(depth=1) if paths is None else qs.filter(path__in=paths)


@login_required
def grid_tree(request, pk: int | None = None):
    """Drill-down browser: one grid, its breadcrumbs, counts and its children's counts."""
    if pk is None:
        roots = list(_visible_roots(request.user))
        if len(roots) != 1:
            return render(request, "grids/roots.html", {"roots": roots})
        grid = roots[0]
    else:
        grid = Grid.objects.restrict(request.user).filter(pk=pk).first()
        if grid is None:
            raise Http404("网格不存在或不在您的管辖范围内")
    paths = scope_paths(request.user)
    crumbs = [
        g for g in grid_ancestors(grid) if paths is None or any(g.path.startswith(p) for p in paths)
    ]
    children = list(grid_children(grid))
    summary = grid_subtree_summary(grid, children)
    for child in children:
        child.counts = summary["children"].get(child.path, {})
    return render(
        request,
        "grids/tree.html",
        {
            "grid": grid,
            "crumbs": crumbs,
            "children": children,
            "totals": summary["total"],
            "workers": summary["workers"],
        },
    )
