"""Synthetic boundaries for the seeded grid tree: every level tiles its parent exactly.

The district is a hand-drawn outline inside 肃州区's real extent (39.0–40.0 N, 98.2–99.4 E).
The urban level-1 grids (街道 and 社区) share a core of about 10 km around the seat at
酒泉 (39.7449 N, 98.5078 E); the 镇 and 乡 share the rest, each around a rough anchor
near the real town (approximate, for a plausible picture only). Each lower level splits
its parent into Voronoi cells of random points (Lloyd steps make them rounder),
clipped to the parent; a cell cut in two by a concave parent hands its smaller pieces
to the neighbour sharing the longest border. Coordinates are snapped to 1e-7 degrees
before a cell is split further, so every child lies inside the parent as stored and
siblings share their edges exactly: a point falls in exactly one grid per level.

Nothing here touches the database: `tree_geometry` fills the in-memory Grid rows that
tree_create then inserts in bulk.
"""

from __future__ import annotations

import math

import numpy as np
import shapely
import shapely.affinity
from shapely.geometry import MultiPolygon, Polygon

from gongzhi.grids.geometry import as_geojson, bbox_fields
from gongzhi.seeding.district import Node, Tree

SEAT = (98.5078, 39.7449)  # lng, lat of the district seat
# A simplified outline of the district (lng, lat), clockwise from the west.
DISTRICT_OUTLINE = (
    (98.21, 39.60), (98.22, 39.78), (98.30, 39.93), (98.52, 39.99), (98.78, 39.97),
    (99.02, 39.90), (99.25, 39.76), (99.38, 39.58), (99.33, 39.38), (99.12, 39.20),
    (98.92, 39.05), (98.70, 39.02), (98.55, 39.15), (98.42, 39.33), (98.30, 39.45),
    (98.21, 39.60),
)  # fmt: skip
CORE_RADII = (0.062, 0.047)  # degrees of lng and lat: about 5.3 km either way
# Rough positions of the towns (lng, lat) relative to the seat; synthetic, not surveyed.
TOWN_ANCHORS = {
    "西峰镇": (98.37, 39.72), "总寨镇": (98.55, 39.56), "银达镇": (98.56, 39.87),
    "上坝镇": (98.80, 39.89), "三墩镇": (98.70, 39.80), "果园镇": (98.40, 39.85),
    "泉湖镇": (98.64, 39.70), "东洞镇": (98.82, 39.66), "西洞镇": (98.29, 39.61),
    "清水镇": (99.00, 39.56), "下河清镇": (99.22, 39.55), "金佛寺镇": (98.90, 39.33),
    "丰乐镇": (98.68, 39.22), "铧尖镇": (98.45, 39.50), "黄泥堡裕固族乡": (99.05, 39.80),
}  # fmt: skip
GRID_SIZE = 1e-7  # degrees; GeoJSON keeps 7 decimals
LLOYD_STEPS = {1: 2, 2: 2, 3: 1, 4: 1, 5: 1}  # per level of the cells (deeper: cheaper)


def _polygonal(geom) -> Polygon | MultiPolygon:
    """The polygon parts of an overlay result (dropping touching lines and points)."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon" and not p.is_empty]
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def _snap(geom):
    snapped = shapely.set_precision(geom, GRID_SIZE)
    return _polygonal(snapped) if not snapped.is_empty else geom


def _sample(rng: np.random.Generator, shape, n: int) -> np.ndarray:
    """n random points inside shape (rejection sampling in its bounding box)."""
    minx, miny, maxx, maxy = shape.bounds
    found: list[np.ndarray] = []
    need = n
    while need > 0:
        k = max(32, need * 4)
        xs, ys = rng.uniform(minx, maxx, k), rng.uniform(miny, maxy, k)
        inside = shapely.contains_xy(shape, xs, ys)
        batch = np.column_stack([xs[inside], ys[inside]])[:need]
        found.append(batch)
        need -= len(batch)
    return np.vstack(found)


def _voronoi(shape, points: np.ndarray) -> list:
    """Cells of `points` clipped to shape, in the order of the points."""
    if len(points) == 1:
        return [shape]
    minx, miny, maxx, maxy = shape.bounds
    pad = max(maxx - minx, maxy - miny)
    frame = shapely.box(minx - pad, miny - pad, maxx + pad, maxy + pad)
    cells = shapely.voronoi_polygons(shapely.multipoints(points), extend_to=frame, ordered=True)
    return list(shapely.intersection(shapely.get_parts(cells), shape))


def _relax(shape, points: np.ndarray, steps: int) -> np.ndarray:
    """Lloyd steps: move each point to its cell's centroid (or a point on it when concave)."""
    for _step in range(steps):
        moved = []
        for cell, old in zip(_voronoi(shape, points), points, strict=True):
            if cell.is_empty:
                moved.append(tuple(old))
                continue
            c = cell.centroid
            if not shape.contains(c):
                c = cell.point_on_surface()
            moved.append((c.x, c.y))
        points = _dedupe(moved)
    return points


def _dedupe(points) -> np.ndarray:
    """Two points on one spot would share a cell: nudge repeats apart."""
    seen: set[tuple[float, float]] = set()
    out = []
    for x, y in points:
        while (round(x, 9), round(y, 9)) in seen:
            x += 1e-6
        seen.add((round(x, 9), round(y, 9)))
        out.append((x, y))
    return np.array(out)


def _contiguous(cells: list) -> list:
    """Give each cell's smaller pieces to the neighbour sharing the longest border."""
    cells = [_polygonal(c) for c in cells]
    for i, cell in enumerate(cells):
        if cell.geom_type != "MultiPolygon":
            continue
        pieces = sorted(shapely.get_parts(cell), key=lambda p: p.area, reverse=True)
        keep = [pieces[0]]
        for piece in pieces[1:]:
            shared = [
                (piece.boundary.intersection(other.boundary).length, j)
                for j, other in enumerate(cells)
                if j != i
            ]
            length, j = max(shared, default=(0.0, -1))
            if length > 0:
                cells[j] = _polygonal(shapely.union(cells[j], piece))
            else:
                keep.append(piece)
        cells[i] = keep[0] if len(keep) == 1 else MultiPolygon(keep)
    return cells


def split(shape, points: np.ndarray) -> list:
    """The shape split into one snapped, non-empty cell per point."""
    cells = _contiguous(_voronoi(shape, points))
    return [_snap(c) for c in cells]


def _ellipse(center: tuple[float, float], radii: tuple[float, float], n: int = 48) -> Polygon:
    angles = np.linspace(0, 2 * math.pi, n, endpoint=False)
    xs = center[0] + radii[0] * np.cos(angles)
    ys = center[1] + radii[1] * np.sin(angles)
    return Polygon(np.column_stack([xs, ys]))


def _level1(tree: Tree, district, rng: np.random.Generator) -> dict[int, object]:
    """Shapes of the level-1 grids: urban ones share the core, rural ones the rest."""
    nodes = tree.levels[1]
    urban = [n for n in nodes if not n.rural]
    rural = [n for n in nodes if n.rural]
    core = _snap(_ellipse(SEAT, CORE_RADII).intersection(district))
    regions = []
    if urban and rural:
        regions = [(urban, core), (rural, _snap(district.difference(core)))]
    elif nodes:
        regions = [(nodes, district)]
    shapes: dict[int, object] = {}
    for group, region in regions:
        fixed = [TOWN_ANCHORS.get(n.grid.name) for n in group]
        fixed = [p if p and region.contains(shapely.Point(p)) else None for p in fixed]
        points = _sample(rng, region, len(group))
        if any(fixed):
            points = np.array([f if f else tuple(p) for f, p in zip(fixed, points, strict=True)])
        else:
            points = _relax(region, points, LLOYD_STEPS[1])
        for node, cell in zip(group, split(region, points), strict=True):
            shapes[id(node)] = cell
    return shapes


def _children(node: Node, shape, rng: np.random.Generator) -> list:
    n = len(node.children)
    points = _sample(rng, shape, n)
    if n > 1:
        points = _relax(shape, points, LLOYD_STEPS[node.grid.level + 1])
    return split(shape, points)


def _assign(node: Node, shape, shift: tuple[float, float] = (0.0, 0.0)) -> None:
    if shift != (0.0, 0.0):  # another district of a province: the same outline, elsewhere
        shape = _snap(shapely.affinity.translate(shape, *shift))
    grid = node.grid
    grid.boundary = as_geojson(shape)
    for name, value in bbox_fields(shape).items():
        setattr(grid, name, value)
    inside = shape.point_on_surface()
    grid.center_lat, grid.center_lng = round(inside.y, 6), round(inside.x, 6)


def tree_geometry(tree: Tree, *, seed: int, shift: tuple[float, float] = (0.0, 0.0)) -> int:
    """Fill boundary, bounding box and center of every grid of the planned tree; `shift`
    (degrees of lng, lat) moves the whole district (the districts of a synthetic province)."""
    rng = np.random.default_rng(seed)  # its own stream: the rest of the seed is unchanged
    district = _snap(Polygon(DISTRICT_OUTLINE))
    _assign(tree.root, district, shift)
    shapes = _level1(tree, district, rng)
    for node in tree.levels[1]:
        _assign(node, shapes[id(node)], shift)
    for parents in tree.levels[1:-1]:
        for parent in parents:
            if not parent.children:
                continue
            for child, cell in zip(
                parent.children, _children(parent, shapes[id(parent)], rng), strict=True
            ):
                shapes[id(child)] = cell
                _assign(child, cell, shift)
    return len(shapes) + 1
