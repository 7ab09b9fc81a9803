"""The grid tree and the governance centers, built in bulk.

Grid rows are created directly with treebeard materialized paths (one bulk insert for the
whole tree) instead of add_child per node, which would take one query per node and lock.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings

from gongzhi.grids.models import CODE_STEP, Grid, Level
from gongzhi.org.models import Center, CenterLevel
from gongzhi.org.services import center_create
from gongzhi.seeding import names
from gongzhi.seeding.names import COMMUNITY, JINQUAN, JINQUAN_COMPOUNDS, STREET, Level1
from gongzhi.seeding.scale import Scale


@dataclass(eq=False)
class Node:
    grid: Grid
    rural: bool
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)
    spec: Level1 | None = None  # level-1 nodes only

    @property
    def level1(self) -> Node:
        node = self
        while node.grid.level > Level.TOWNSHIP:
            node = node.parent
        return node


@dataclass
class Tree:
    root: Node
    levels: list[list[Node]]  # levels[k] = the nodes on level k, in path order

    @property
    def units(self) -> list[Node]:
        return self.levels[Level.UNIT]


def apportion(total: int, weights: list[float], floors: list[int]) -> list[int]:
    """Split `total` into len(weights) integers ≥ floors, proportional to weights, exactly."""
    spare = total - sum(floors)
    if spare < 0:
        raise ValueError(f"cannot split {total} into {len(weights)} parts of at least {floors}")
    scale = spare / sum(weights)
    raw = [w * scale for w in weights]
    counts = [f + int(r) for f, r in zip(floors, raw, strict=True)]
    left = total - sum(counts)  # < len(weights): the fractional parts sum to less than that
    by_fraction = sorted(range(len(raw)), key=lambda i: raw[i] - int(raw[i]), reverse=True)
    for i in by_fraction[:left]:
        counts[i] += 1
    return counts


_LEVEL1_WEIGHT = {COMMUNITY: 0.5, STREET: 1.0}  # towns and the township: 1.6


def _weight(rng: random.Random, node: Node) -> float:
    base = _LEVEL1_WEIGHT.get(node.spec.kind, 1.6) if node.spec else 1.0
    return base * rng.uniform(0.6, 1.4)


def _child(parent: Node, index: int, name: str, *, rural: bool) -> Node:
    pg = parent.grid
    grid = Grid(
        path=Grid._get_path(pg.path, pg.depth + 1, index),
        depth=pg.depth + 1,
        numchild=0,
        code=f"{pg.code}{index:0{CODE_STEP}d}",
        name=name,
        full_name=pg.full_name + name,
        level=pg.level + 1,
        is_synthetic=True,
    )
    node = Node(grid=grid, rural=rural, parent=parent)
    parent.children.append(node)
    pg.numchild += 1
    return node


def _names_for(rng: random.Random, parent: Node, n: int, *, fixed=()) -> list[str]:
    level = parent.grid.level + 1
    if level == Level.VILLAGE:
        return names.level2_names(rng, parent.spec, n)
    if level == Level.COMPOUND:
        return names.level3_names(rng, parent.rural, n, fixed)
    if level == Level.BUILDING:
        return names.level4_names(parent.rural, n)
    return names.level5_names(n)


def tree_plan(scale: Scale, rng: random.Random, *, district: Grid | None = None) -> Tree:
    """All grid rows of the district in memory, with exact per-level totals. `district`: its
    unsaved row with path and code (under a city); the configured district as root otherwise."""
    if district is None:
        district = Grid(
            path=Grid._get_path(None, 1, 1),
            depth=1,
            numchild=0,
            code=settings.DISTRICT_CODE,
            name=settings.DISTRICT_NAME,
            full_name="",
            level=Level.DISTRICT,
            is_synthetic=True,
        )
    root = Node(grid=district, rural=False)
    levels = [[root], []]
    for i, spec in enumerate(scale.level1, start=1):
        node = _child(root, i, spec.name, rural=spec.rural)
        node.spec = spec
        levels[1].append(node)
    for total in scale.grids:
        parents = levels[-1]
        floors = [_floor(p) for p in parents]
        counts = apportion(total, [_weight(rng, p) for p in parents], floors)
        level: list[Node] = []
        for parent, n in zip(parents, counts, strict=True):
            fixed = JINQUAN_COMPOUNDS if _holds_jinquan_compounds(parent) else ()
            for i, name in enumerate(_names_for(rng, parent, n, fixed=fixed), start=1):
                level.append(_child(parent, i, name, rural=parent.rural))
        levels.append(level)
    return Tree(root=root, levels=levels)


def _holds_jinquan_compounds(node: Node) -> bool:
    """The first level-2 grid of 金泉路社区 holds the courtyards named in the seed."""
    parent = node.parent
    return (
        node.grid.level == Level.VILLAGE
        and parent is not None
        and parent.grid.name == JINQUAN
        and parent.children[0] is node
    )


def _floor(node: Node) -> int:
    return len(JINQUAN_COMPOUNDS) if _holds_jinquan_compounds(node) else 1


def tree_create(tree: Tree, *, batch_size: int, log: Callable[[str], None]) -> None:
    for level, nodes in enumerate(tree.levels):
        Grid.objects.bulk_create([n.grid for n in nodes], batch_size=batch_size)
        log(f"  {names_level_label(level)}: {len(nodes):,}")


def names_level_label(level: int) -> str:
    return str(Level(level).label)


def centers_create(tree: Tree, rng: random.Random, phones) -> dict[int, Center]:
    """The district center and one center (hall, five rooms, departments) per level-1 grid."""
    centers = {
        tree.root.grid.pk: center_create(
            grid=tree.root.grid,
            name=f"{tree.root.grid.name}综治中心",
            level=CenterLevel.DISTRICT,
            synthetic=True,
            duty_phone=phones.landline(),
        )
    }
    for node in tree.levels[Level.TOWNSHIP]:
        spec = node.spec
        centers[node.grid.pk] = center_create(
            grid=node.grid,
            name=f"{node.grid.name}综治中心",
            level=CenterLevel.COMMUNITY if spec.kind == COMMUNITY else CenterLevel.TOWNSHIP,
            synthetic=True,
            duty_phone=phones.landline(),
        )
    return centers
