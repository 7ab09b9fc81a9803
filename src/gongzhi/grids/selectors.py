"""Reads over the grid tree. Each subtree read is one indexed range query."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Max, Min, Q
from django.db.models.functions import Substr

from gongzhi.core.access import role_of, scope_paths
from gongzhi.core.paths import subtree_q
from gongzhi.grids.geo import MAX_OUTLINES, feature_collection, in_bbox, outline_features
from gongzhi.grids.models import Grid, Level

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from gongzhi.core.types import AnyUser


def grid_root() -> Grid | None:
    return Grid.objects.filter(depth=1).first()


def level_depth(level: int) -> int:
    """The tree depth of a district's `level` (0 district … 5 unit): 1 + level when the
    district is the root, deeper under a city or province (all districts sit equally deep)."""
    district = Grid.objects.filter(level=Level.DISTRICT).values_list("depth", flat=True).first()
    return (district or 1) + level


def district_list() -> list[Grid]:
    """The deployment's districts, in tree order (one in a single-district deployment)."""
    return list(Grid.objects.filter(level=Level.DISTRICT).order_by("path"))


def grid_children(grid: Grid) -> QuerySet[Grid]:
    return Grid.objects.filter(subtree_q("path", grid.path), depth=grid.depth + 1).order_by("path")


def grid_ancestors(grid: Grid) -> list[Grid]:
    step = grid.steplen
    paths = [grid.path[:i] for i in range(step, len(grid.path), step)]
    return list(Grid.objects.filter(path__in=paths).order_by("depth"))


def grid_level_counts(root_path: str | None = None) -> dict[int, int]:
    qs = Grid.objects.all()
    if root_path:
        qs = qs.filter(subtree_q("path", root_path))
    return dict(qs.values_list("level").annotate(n=Count("id")).order_by("level"))


def count_under(qs: QuerySet, lookup: str, grid: Grid) -> int:
    """Rows of `qs` whose grid (through `lookup`) lies in the subtree of `grid`."""
    return qs.filter(subtree_q(lookup, grid.path)).count()


def counts_per_child(
    qs: QuerySet, lookup: str, grid: Grid, *, distinct: str | None = None
) -> dict[str, int]:
    """{child path: count} for every child of `grid`, in one GROUP BY query."""
    child_len = len(grid.path) + grid.steplen
    agg = Count(distinct, distinct=True) if distinct else Count("pk")
    rows = (
        qs.filter(subtree_q(lookup, grid.path))
        .exclude(**{lookup: grid.path})
        .annotate(child=Substr(lookup, 1, child_len))
        .values("child")
        .annotate(n=agg)
        .order_by()
    )
    return {row["child"]: row["n"] for row in rows}


def grids_search(qs: QuerySet[Grid], text: str) -> QuerySet[Grid]:
    text = (text or "").strip()
    if not text:
        return qs
    return qs.filter(Q(name__icontains=text) | Q(code__startswith=text))


def grid_subtree_summary(grid: Grid, children: list[Grid]) -> dict:
    """Counts for a grid and for each child: households, residents, care targets, workers.

    Each figure is one query over the subtree (a total plus one GROUP BY per measure).
    """
    from gongzhi.org.models import GridAssignment, Staff
    from gongzhi.people.models import Household, Resident, ResidentTag, TagKind

    measures = {
        "households": (Household.objects.all(), "unit__path", None),
        "residents": (Resident.objects.all(), "grid__path", None),
        "care_targets": (
            ResidentTag.objects.filter(kind=TagKind.CARE),
            "resident__grid__path",
            "resident_id",
        ),
        "workers": (
            GridAssignment.objects.filter(duty=GridAssignment.Duty.WORKER),
            "grid__path",
            "staff_id",
        ),
    }
    total: dict[str, int] = {}
    per_child: dict[str, dict[str, int]] = {c.path: {} for c in children}
    for key, (qs, lookup, distinct) in measures.items():
        scoped = qs.filter(subtree_q(lookup, grid.path))
        total[key] = scoped.values(distinct).distinct().count() if distinct else scoped.count()
        if children:
            for path, n in counts_per_child(qs, lookup, grid, distinct=distinct).items():
                if path in per_child:
                    per_child[path][key] = n
    workers = (
        Staff.objects.filter(grid_assignments__grid=grid)
        .prefetch_related("grid_assignments")
        .distinct()
        .order_by("name")
    )
    return {"total": total, "children": per_child, "workers": list(workers)}


# --- maps ----------------------------------------------------------------------------------

PUBLIC_MAX_LEVEL = 1  # what residents and visitors see: the district and its townships


def level_for_zoom(zoom: int | None) -> int:
    """Which grid level a map at this zoom draws (district ≈ 9, a courtyard ≈ 16)."""
    if zoom is None:
        return 1
    for level, up_to in ((1, 10), (2, 11), (3, 13), (4, 15)):
        if zoom <= up_to:
            return level
    return 5


def map_grids_for(user: AnyUser) -> QuerySet[Grid]:
    """Grids whose outlines the user's maps may draw: the restrict() scope for staff; the
    district and its level-1 grids (public geography) for residents and visitors."""
    if role_of(user) is None:
        return Grid.objects.filter(level__lte=PUBLIC_MAX_LEVEL)
    return Grid.objects.restrict(user)


def grid_outlines_for(
    user: AnyUser,
    *,
    zoom: int | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    parent: Grid | None = None,
    grid: Grid | None = None,
    level: int | None = None,
) -> dict:
    """A GeoJSON FeatureCollection of grid outlines within the user's scope.

    `grid`: that grid alone; `parent`: its children (a drill-down); otherwise the grids of
    `level` (by default the one for `zoom`, never above the user's own top level) whose
    bounding box meets `bbox` (west, south, east, north). At most MAX_OUTLINES features
    ("truncated": true beyond).
    """
    qs = map_grids_for(user).filter(boundary__isnull=False)
    if grid is not None:
        qs = qs.filter(pk=grid.pk)
    elif parent is not None:
        qs = qs.filter(subtree_q("path", parent.path), depth=parent.depth + 1)
    else:
        wanted = level if level is not None else level_for_zoom(zoom)
        if role_of(user) is None:
            wanted = min(wanted, PUBLIC_MAX_LEVEL)
        top = qs.order_by("level").values_list("level", flat=True).first() or 0
        qs = qs.filter(level=max(wanted, top))
        if bbox is not None:
            qs = in_bbox(qs, *bbox)
    rows = list(qs.only("pk", "code", "name", "level")[: MAX_OUTLINES + 1])
    features = outline_features(rows[:MAX_OUTLINES], zoom=zoom)
    return feature_collection(features, truncated=len(rows) > MAX_OUTLINES)


def map_bounds_for(user: AnyUser) -> list[float] | None:
    """[west, south, east, north] of the user's map grids, for a map's first view."""
    paths = scope_paths(user) if role_of(user) is not None else None
    # The scope's roots: their boxes cover everything below them.
    qs = Grid.objects.filter(path__in=paths) if paths is not None else Grid.objects.filter(depth=1)
    box = qs.aggregate(w=Min("min_lng"), s=Min("min_lat"), e=Max("max_lng"), n=Max("max_lat"))
    if box["w"] is None:
        return None
    return [round(box[k], 5) for k in ("w", "s", "e", "n")]
