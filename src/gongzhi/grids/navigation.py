"""Scope-aware grid helpers for pages: breadcrumbs and the grid filter picker."""

from __future__ import annotations

from django.db.models import Q

from gongzhi.core.access import scope_paths
from gongzhi.grids.models import Grid
from gongzhi.grids.selectors import grid_ancestors

PICKER_MAX_LEVEL = 3  # deeper grids are reached from the tree (?grid=<pk>), not the picker


def visible_ancestors(user, grid: Grid) -> list[Grid]:
    """Ancestors of `grid` the user may open; the ones above their scope are left out."""
    paths = scope_paths(user)
    return [
        g for g in grid_ancestors(grid) if paths is None or any(g.path.startswith(p) for p in paths)
    ]


def grid_picker_choices(user) -> list[tuple[str, str]]:
    """(pk, label) for the user's grids of levels 1-3 (and the cities and districts below the
    tree's root, when it starts above a district) and their own scope roots, in tree order."""
    paths = scope_paths(user)
    shallow = Q(level__lte=PICKER_MAX_LEVEL, depth__gt=1)
    qs = Grid.objects.restrict(user).filter(shallow | Q(path__in=paths) if paths else shallow)
    grids = list(qs.only("pk", "name", "full_name", "level", "path", "depth"))
    listed = {g.path for g in grids}
    choices = []
    for g in grids:
        parent_listed = g.path[: -Grid.steplen] in listed
        # An indented short name under a listed parent; the full name where it starts a branch.
        label = "\u3000" * (g.depth - 2) + g.name if parent_listed else g.full_name or g.name
        choices.append((str(g.pk), label))
    return choices


def grid_in_scope_by_pk(user, value) -> Grid | None:
    """The grid with this pk if the user may see it; None for junk or foreign grids."""
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return Grid.objects.restrict(user).filter(pk=pk).first()
