"""Reads over the grid tree. Each subtree read is one indexed range query."""

from django.db.models import Count, Q
from django.db.models.functions import Substr

from gongzhi.core.paths import subtree_q
from gongzhi.grids.models import Grid


def grid_root() -> Grid | None:
    return Grid.objects.filter(depth=1).first()


def grid_children(grid: Grid):
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


def count_under(qs, lookup: str, grid: Grid) -> int:
    """Rows of `qs` whose grid (through `lookup`) lies in the subtree of `grid`."""
    return qs.filter(subtree_q(lookup, grid.path)).count()


def counts_per_child(qs, lookup: str, grid: Grid, *, distinct: str | None = None) -> dict[str, int]:
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


def grids_search(qs, text: str):
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
