"""Checking imported grid boundaries before anything is written.

`boundary_preview(features)` matches each feature to a grid by code and checks it: a valid
polygon with closed rings; inside its parent's boundary (the file's or the stored one)
within a tolerance; no overlap with a sibling (in the file or stored) deeper than the
tolerance. Any error blocks the import; warnings (a stored child boundary left sticking
out of a new one, a parent without a boundary to check against) do not. Distances are
measured in a local metric plane, so the tolerance is in metres.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from gongzhi.grids.boundary_files import SourceFeature
from gongzhi.grids.models import Grid

# numpy, shapely and grids.geometry are imported by the functions that check boundaries: the
# constants below are read by the upload page of every web process (issue 19, memory).

TOLERANCE_M = 10.0
MIN_TOLERANCE_M = 0.05  # an overlap thinner than this is rounding, not an overlap
MAX_TOLERANCE_M = 500.0
MESSAGES_SHOWN = 100


@dataclass
class PreviewRow:
    number: int
    code: str
    name: str
    full_name: str
    level: int
    replaces: bool
    area_km2: float
    warnings: list[str] = field(default_factory=list)


@dataclass
class BoundaryPreview:
    rows: list[PreviewRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    boundaries: dict[str, dict] = field(default_factory=dict)  # code -> GeoJSON geometry
    tolerance_m: float = TOLERANCE_M

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    def report(self) -> dict:
        """What the preview page shows (stored with an import that passed)."""
        return {
            "tolerance_m": self.tolerance_m,
            "warnings": self.warnings[:MESSAGES_SHOWN],
            "rows": [row.__dict__ for row in self.rows],
        }


def _where(feature: SourceFeature) -> str:
    if feature.code:
        return _("第%(n)d个要素(网格编码 %(code)s)") % {"n": feature.number, "code": feature.code}
    return _("第%(n)d个要素") % {"n": feature.number}


def _match(features: list[SourceFeature], out: BoundaryPreview) -> dict[str, Grid]:
    seen: dict[str, int] = {}
    for f in features:
        if not f.code:
            out.errors.append(
                _("%(where)s缺少网格编码:请在属性中填写 code 或 网格编码。") % {"where": _where(f)}
            )
        elif f.code in seen:
            out.errors.append(
                _("网格编码 %(code)s 在文件中出现了多次(第%(a)d和第%(b)d个要素)。")
                % {"code": f.code, "a": seen[f.code], "b": f.number}
            )
        else:
            seen[f.code] = f.number
    fields = ("pk", "code", "name", "full_name", "path", "depth", "level", "boundary")
    grids = {g.code: g for g in Grid.objects.filter(code__in=list(seen)).only(*fields)}
    for f in features:
        if f.code and f.code not in grids:
            out.errors.append(
                _("%(where)s:没有这个编码的网格,请核对网格编码。") % {"where": _where(f)}
            )
    return grids


def _shapes(features, grids, out: BoundaryPreview) -> dict[str, Any]:  # shapely geometries
    from gongzhi.grids.geometry import GeometryError, parse

    shapes = {}
    for f in features:
        if f.code not in grids:
            continue
        try:
            shapes[f.code] = parse(f.geometry, where=_where(f))
        except GeometryError as exc:
            out.errors.append(str(exc))
    return shapes


def _stored_shape(grid: Grid):
    from gongzhi.grids.geometry import GeometryError, parse

    if grid.boundary is None:
        return None
    try:
        return parse(grid.boundary)
    except GeometryError:
        return None


def _outside_by(shape_m, parent_m) -> float:
    """How far (metres) the shape reaches beyond the parent."""
    import shapely

    outside = shape_m.difference(parent_m)
    if outside.is_empty:
        return 0.0
    points = shapely.points(shapely.get_coordinates(outside))
    return float(shapely.distance(points, parent_m).max())


def boundary_preview(
    features: list[SourceFeature], *, tolerance_m: float = TOLERANCE_M
) -> BoundaryPreview:
    """Every check, nothing written. `ok` when the file can be imported as it is."""
    import numpy as np

    from gongzhi.grids.geometry import as_geojson, to_metres

    tolerance_m = min(max(float(tolerance_m), MIN_TOLERANCE_M), MAX_TOLERANCE_M)
    out = BoundaryPreview(tolerance_m=tolerance_m)
    grids = _match(features, out)
    shapes = _shapes(features, grids, out)
    if out.errors or not shapes:
        return out
    by_path = {grids[code].path: code for code in shapes}
    lat0 = float(np.mean([s.centroid.y for s in shapes.values()]))
    metric = dict(zip(shapes, to_metres(np.array(list(shapes.values())), lat0), strict=True))
    _check_parents(grids, metric, by_path, lat0, out)
    _check_siblings(grids, metric, lat0, out)
    if out.errors:
        return out
    _check_children(grids, metric, lat0, out)
    for f in features:
        grid, shape = grids[f.code], shapes[f.code]
        out.boundaries[f.code] = as_geojson(shape)
        out.rows.append(
            PreviewRow(
                number=f.number,
                code=f.code,
                name=grid.name,
                full_name=grid.full_name,
                level=grid.level,
                replaces=grid.boundary is not None,
                area_km2=round(metric[f.code].area / 1e6, 4),
            )
        )
    return out


def _check_parents(grids, metric, by_path, lat0, out: BoundaryPreview) -> None:
    from gongzhi.grids.geometry import to_metres

    step = Grid.steplen
    wanted = {grids[c].path[:-step] for c in metric if grids[c].depth > 1}
    stored = {g.path: g for g in Grid.objects.filter(path__in=wanted - set(by_path))}
    parent_m: dict[str, Any] = {}
    for path in wanted:
        if path in by_path:
            parent_m[path] = metric[by_path[path]]
        elif path in stored and (shape := _stored_shape(stored[path])) is not None:
            parent_m[path] = to_metres(shape, lat0)
    tol = out.tolerance_m
    grown: dict[str, Any] = {}
    missing = 0
    for code, shape in metric.items():
        grid = grids[code]
        if grid.depth == 1:
            continue
        key = grid.path[:-step]
        parent = parent_m.get(key)
        if parent is None:
            missing += 1
            continue
        if key not in grown:
            grown[key] = parent.buffer(tol, quad_segs=2)
        if not grown[key].contains(shape):
            out.errors.append(
                _("网格 %(name)s(%(code)s)超出上级网格的边界约 %(m).0f 米(容差 %(tol)s 米)。")
                % {"name": grid.name, "code": code, "m": _outside_by(shape, parent), "tol": tol}
            )
    if missing:
        out.warnings.append(
            _("%(n)d 个网格的上级网格还没有边界,未检查它们是否在上级网格之内。") % {"n": missing}
        )


def _check_siblings(grids, metric, lat0, out: BoundaryPreview) -> None:
    import numpy as np
    import shapely

    from gongzhi.grids.geometry import to_metres

    step = Grid.steplen
    groups: dict[str, list[tuple[str, object]]] = defaultdict(list)
    for code, shape in metric.items():
        groups[grids[code].path[:-step]].append((code, shape))
    depths = {grids[c].depth for c in metric}
    stored = Grid.objects.filter(depth__in=depths, boundary__isnull=False).exclude(code__in=metric)
    names = {c: g.name for c, g in grids.items()}
    for g in stored.only("pk", "code", "name", "path", "boundary").iterator(chunk_size=2000):
        key = g.path[:-step]
        if key in groups and (shape := _stored_shape(g)) is not None:
            groups[key].append((g.code, to_metres(shape, lat0)))
            names[g.code] = g.name
    tol = out.tolerance_m
    for members in groups.values():
        if len(members) < 2:
            continue
        codes = [c for c, _s in members]
        shrunk = shapely.buffer(np.array([s for _c, s in members]), -tol, quad_segs=2)
        tree = shapely.STRtree(shrunk)
        left, right = tree.query(shrunk, predicate="intersects")
        for i, j in zip(left, right, strict=True):
            if i >= j or (codes[i] not in metric and codes[j] not in metric):
                continue  # each pair once; two stored boundaries are not this file's business
            out.errors.append(
                _("网格 %(a)s 与 %(b)s 的边界重叠超过容差(%(tol)s 米)。")
                % {
                    "a": names.get(codes[i], codes[i]),
                    "b": names.get(codes[j], codes[j]),
                    "tol": tol,
                }
            )


def _check_children(grids, metric, lat0, out: BoundaryPreview) -> None:
    from gongzhi.grids.geometry import to_metres

    step = Grid.steplen
    parents = {grids[c].path: c for c in metric}
    depths = {grids[c].depth + 1 for c in metric}
    children = Grid.objects.filter(depth__in=depths, boundary__isnull=False).exclude(
        code__in=metric
    )
    outside: dict[str, int] = defaultdict(int)
    grown = {}
    for g in children.only("pk", "path", "boundary").iterator(chunk_size=2000):
        code = parents.get(g.path[:-step])
        if code is None or (shape := _stored_shape(g)) is None:
            continue
        if code not in grown:
            grown[code] = metric[code].buffer(out.tolerance_m, quad_segs=2)
        if not grown[code].contains(to_metres(shape, lat0)):
            outside[code] += 1
    for code, n in outside.items():
        out.warnings.append(
            _(
                "网格 %(name)s(%(code)s)有 %(n)d 个下级网格的现有边界超出新边界,"
                "请一并导入下级网格的边界。"
            )
            % {"name": grids[code].name, "code": code, "n": n}
        )
