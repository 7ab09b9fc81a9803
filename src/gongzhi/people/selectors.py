"""Permission-aware reads of households and residents."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Q

from gongzhi.core import crypto
from gongzhi.core.access import can
from gongzhi.core.idcard import InvalidIdNumber, parse_id_number
from gongzhi.core.paths import subtree_q
from gongzhi.core.roles import VIEW_SPECIAL
from gongzhi.grids.models import Grid
from gongzhi.people.models import SPECIAL_TAGS, Household, Resident

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from gongzhi.core.types import AnyUser


def resident_list_for(user: AnyUser, *, action: str = "view") -> QuerySet[Resident]:
    return Resident.objects.restrict(user, action).select_related("household", "grid")


def household_list_for(user: AnyUser, *, action: str = "view") -> QuerySet[Household]:
    return Household.objects.restrict(user, action).select_related("unit")


_SUFFIX = re.compile(r"^\d{3}[\dXx]$")


def _normalized_id(text: str) -> str:
    """The stored form (18 digits, upper-case X); legacy 15-digit numbers are upgraded."""
    try:
        return parse_id_number(text).number
    except InvalidIdNumber:
        return text.upper()


def resident_search(
    qs: QuerySet,
    *,
    q: str = "",
    grid: Grid | None = None,
    tag: str = "",
    kind: str = "",
    user: AnyUser | None = None,
) -> QuerySet:
    """Search by name, ID suffix, phone suffix or address, plus grid/tag/type filters."""
    # NUL cannot be sent to PostgreSQL; it never belongs in a search term.
    q = (q or "").replace("\x00", "").strip()
    if q:
        if _SUFFIX.match(q):  # ID numbers may end in X
            qs = qs.filter(Q(id_suffix=q.upper()) | Q(phone_suffix=q))
        elif q.isdigit() and len(q) == 11:
            qs = qs.filter(phone_hash__in=crypto.blind_indexes("phone", q))
        elif len(q) >= 15 and q[:-1].isdigit():
            qs = qs.filter(id_hash__in=crypto.blind_indexes("id", _normalized_id(q)))
        else:
            # Subqueries rather than joins: the OR then stays cheap at district scale.
            qs = qs.filter(
                Q(name__startswith=q)
                | Q(grid_id__in=Grid.objects.filter(full_name__contains=q).values("id"))
                | Q(household_id__in=Household.objects.filter(house_number=q).values("id"))
            )
    if grid is not None:
        qs = qs.filter(subtree_q("grid__path", grid.path))
    if tag:
        if tag in SPECIAL_TAGS and (user is None or not can(user, VIEW_SPECIAL)):
            return qs.none()
        qs = qs.filter(tags__tag=tag)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def label_buildings(households: Iterable) -> list:
    """The households, each unit carrying `building_name` (its parent grid's name) so that
    Household.house_path() needs no query per row: one query for all the buildings."""
    households = list(households)
    parents = {h.unit.path[: -Grid.steplen] for h in households if h.unit.depth > 2}
    names = dict(Grid.objects.filter(path__in=parents).values_list("path", "name"))
    for h in households:
        h.unit.building_name = names.get(h.unit.path[: -Grid.steplen], "")
    return households
