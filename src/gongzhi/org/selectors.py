"""Permission-aware reads of staff and grid workers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet

from gongzhi.core.paths import subtree_q
from gongzhi.core.roles import Role
from gongzhi.grids.models import Grid
from gongzhi.org.models import Center, Department, GridAssignment, Staff

if TYPE_CHECKING:
    from gongzhi.core.types import AnyUser


def _with_assignments(qs: QuerySet) -> QuerySet:
    assignments = GridAssignment.objects.select_related("grid").order_by("grid__path")
    return qs.select_related("center", "room", "department").prefetch_related(
        Prefetch("grid_assignments", queryset=assignments)
    )


def staff_list_for(user: AnyUser) -> QuerySet:
    return _with_assignments(Staff.objects.restrict(user))


def worker_list_for(user: AnyUser) -> QuerySet:
    """Grid workers (网格员) inside the user's subtree."""
    return staff_list_for(user).filter(role=Role.GRID_WORKER)


def worker_search(
    qs: QuerySet, *, q: str = "", grid: Grid | None = None, full_time: bool | None = None
) -> QuerySet:
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(phone=q))
    if grid is not None:
        # A worker with several assignments in the subtree would repeat without distinct().
        qs = qs.filter(subtree_q("grid_assignments__grid__path", grid.path)).distinct()
    if full_time is not None:
        qs = qs.filter(full_time=full_time)
    return qs


def center_list_for(user: AnyUser) -> QuerySet:
    return Center.objects.restrict(user).select_related("grid").order_by("grid__path")


def departments_of(user: AnyUser, center: Center) -> QuerySet:
    """A center's stationed departments with their officers (active first)."""
    officers = Staff.objects.order_by("-active", "name")
    return (
        Department.objects.restrict(user)
        .filter(center=center)
        .prefetch_related(Prefetch("staff", queryset=officers))
        .order_by("pk")
    )
