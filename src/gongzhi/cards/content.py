"""What goes on each connection card, read for a whole subtree in a handful of queries.

The rules match the portal's card (portal.selectors.connection_card): the nearest grid
with grid workers supplies the workers, the nearest level-1/2 grid with a community police
officer supplies the police, and the nearest grid with a center supplies the phones and
address. Here they are resolved from in-memory maps, so 8,093 units cost five queries.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Q

from gongzhi.core.paths import subtree_q
from gongzhi.grids.models import Grid, Level
from gongzhi.org.models import Center, GridAssignment, Staff
from gongzhi.people.models import Household

UNIT = "unit"
HOUSEHOLD = "household"
WORKER_DUTIES = (GridAssignment.Duty.WORKER, GridAssignment.Duty.LEADER)


@dataclass(frozen=True)
class Person:
    name: str
    phone: str
    roles: tuple[str, ...] = ()
    hours: str = ""


@dataclass(frozen=True)
class CardData:
    unit_id: int
    address: str
    workers: tuple[Person, ...] = ()
    police: tuple[Person, ...] = ()
    duty_phone: str = ""
    hotline: str = ""
    center_name: str = ""
    center_address: str = ""
    synthetic: bool = False


@dataclass
class _Maps:
    workers: dict[int, list[Staff]] = field(default_factory=dict)
    police: dict[int, list[Staff]] = field(default_factory=dict)
    centers: dict[int, Center] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)  # path → grid id
    levels: dict[str, int] = field(default_factory=dict)  # path → level


def _ancestor_paths(path: str) -> list[str]:
    """Own path first, then each ancestor's up to the district."""
    step = Grid.steplen
    return [path[:n] for n in range(len(path), 0, -step)]


def _load_maps(root: Grid) -> _Maps:
    # Grids that can serve a unit of the subtree: the subtree itself and the root's ancestors.
    around = subtree_q("grid__path", root.path) | Q(grid__path__in=_ancestor_paths(root.path))
    maps = _Maps()
    grids = Grid.objects.filter(
        subtree_q("path", root.path) | Q(path__in=_ancestor_paths(root.path))
    ).exclude(level=Level.UNIT)
    for gid, path, level in grids.values_list("pk", "path", "level"):
        maps.ids[path], maps.levels[path] = gid, level
    rows = (
        GridAssignment.objects.filter(around, staff__active=True)
        .select_related("staff")
        .order_by("staff__name", "pk")
    )
    for a in rows:
        if a.duty in WORKER_DUTIES and a.staff.is_grid_worker:
            maps.workers.setdefault(a.grid_id, []).append(a.staff)
        elif a.duty == GridAssignment.Duty.POLICE:
            maps.police.setdefault(a.grid_id, []).append(a.staff)
    maps.centers = {c.grid_id: c for c in Center.objects.filter(around)}
    return maps


def _person(staff: Staff) -> Person:
    return Person(staff.name, staff.phone, tuple(staff.five_role_labels()), staff.working_hours)


class _Resolver:
    """Resolves a unit's card from the maps, memoising the part its building shares."""

    def __init__(self, maps: _Maps):
        self.maps = maps
        self._shared: dict[str, tuple] = {}

    def card(self, unit_id: int, path: str, address: str, synthetic: bool) -> CardData:
        parent = path[: -Grid.steplen]
        workers, police, center = self._for_parent(parent)
        own = self.maps.workers.get(unit_id)
        if own:
            workers = tuple(_person(s) for s in own)
        return CardData(
            unit_id=unit_id,
            address=address,
            workers=workers,
            police=police,
            duty_phone=center.duty_phone if center else "",
            hotline=center.hotline if center else "",
            center_name=center.name if center else "",
            center_address=center.address if center else "",
            synthetic=synthetic or (center is not None and center.is_synthetic),
        )

    def _for_parent(self, parent: str) -> tuple:
        if parent in self._shared:
            return self._shared[parent]
        m = self.maps
        workers: tuple[Person, ...] = ()
        police: tuple[Person, ...] = ()
        center = None
        for path in _ancestor_paths(parent):
            gid = m.ids.get(path)
            if gid is None:
                continue
            if not workers and m.workers.get(gid):
                workers = tuple(_person(s) for s in m.workers[gid])
            if not police and m.levels[path] in (Level.TOWNSHIP, Level.VILLAGE):
                police = tuple(_person(s) for s in m.police.get(gid, []))
            if center is None:
                center = m.centers.get(gid)
        self._shared[parent] = (workers, police, center)
        return self._shared[parent]


def _units(root: Grid):
    return Grid.objects.filter(subtree_q("path", root.path), level=Level.UNIT)


def _households(root: Grid):
    return Household.objects.filter(subtree_q("unit__path", root.path))


def card_count(root: Grid, per: str) -> int:
    return (_households(root) if per == HOUSEHOLD else _units(root)).count()


def cards_for(root: Grid, per: str = UNIT) -> Iterator[CardData]:
    """Every card of the subtree in path order (per unit, or per household of each unit)."""
    resolver = _Resolver(_load_maps(root))
    if per == HOUSEHOLD:
        rows = (
            _households(root)
            .order_by("unit__path", "house_number", "pk")
            .values_list(
                "unit_id",
                "unit__path",
                "unit__full_name",
                "house_number",
                "is_synthetic",
                "unit__is_synthetic",
            )
        )
        for unit_id, path, full_name, house, h_syn, u_syn in rows.iterator(chunk_size=2000):
            yield resolver.card(unit_id, path, f"{full_name}{house}", h_syn or u_syn)
        return
    rows = _units(root).order_by("path").values_list("pk", "path", "full_name", "is_synthetic")
    for unit_id, path, full_name, synthetic in rows.iterator(chunk_size=2000):
        yield resolver.card(unit_id, path, full_name, synthetic)
