"""Point to grid, and grid outlines for maps, from one per-process index of the boundaries.

The index holds every grid's boundary as a shapely shape in an STRtree. It is built on the
first use in a process and rebuilt when the token in BoundaryVersion differs from the one
it was built from (one primary-key read per look-up); every boundary write calls
`boundaries_changed()` in its transaction. A point lands in the deepest grid whose boundary
covers it and whose ancestors with boundaries cover it too, so a sloppy child boundary
never wins outside its parent. Ties (a point exactly on a shared edge) go to the first
grid in tree order: every point is in exactly one grid per level.
"""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import QuerySet

from gongzhi.grids.models import BoundaryVersion, Grid

if TYPE_CHECKING:
    import numpy as np
    import shapely

# numpy and shapely (through grids.geometry too) are imported by the functions that build or
# query the index: a process that never looks a point up or draws an outline does not carry
# them (~18 MB; issue 19, memory).

VERSION_PK = 1


@dataclass
class PointIndex:
    token: str | None
    tree: shapely.STRtree
    shapes: np.ndarray  # shapely geometries, in the order of pks
    pks: np.ndarray
    levels: np.ndarray
    paths: list[str]
    at: dict[int, int] = field(default_factory=dict)  # pk -> position
    bounded_paths: frozenset[str] = frozenset()  # paths of grids that have a boundary

    def __len__(self) -> int:
        return len(self.paths)


_lock = threading.Lock()
_current: dict[str, PointIndex | None] = {"index": None}


def boundary_token() -> str | None:
    return BoundaryVersion.objects.filter(pk=VERSION_PK).values_list("token", flat=True).first()


def boundaries_changed() -> str:
    """Record that boundaries changed; call inside the writing transaction."""
    token = uuid.uuid4().hex
    BoundaryVersion.objects.update_or_create(pk=VERSION_PK, defaults={"token": token})
    _current["index"] = None  # this process rebuilds at once; others on their next look-up
    return token


def _shape_or_none(raw, pk: int):
    from gongzhi.grids.geometry import GeometryError, parse

    try:
        return parse(raw, where=str(pk))
    except GeometryError:
        return None  # a broken stored boundary is left out, never a 500


def build_index(token: str | None) -> PointIndex:
    import numpy as np
    import shapely

    rows = Grid.objects.filter(boundary__isnull=False).order_by("path")
    rows = rows.values_list("pk", "level", "path", "boundary")
    pks, levels, paths, shapes = [], [], [], []
    for pk, level, path, raw in rows.iterator(chunk_size=2000):
        shape = _shape_or_none(raw, pk)
        if shape is not None:
            pks.append(pk)
            levels.append(level)
            paths.append(path)
            shapes.append(shape)
    geoms = np.array(shapes, dtype=object)
    shapely.prepare(geoms)
    return PointIndex(
        token=token,
        tree=shapely.STRtree(geoms),
        shapes=geoms,
        pks=np.array(pks, dtype=np.int64),
        levels=np.array(levels, dtype=np.int16),
        paths=paths,
        at={pk: i for i, pk in enumerate(pks)},
        bounded_paths=frozenset(paths),
    )


def point_index(*, force: bool = False) -> PointIndex:
    """This process's index, rebuilt when the stored token changed (or when forced)."""
    token = boundary_token()
    index = _current["index"]
    if force or index is None or index.token != token:
        with _lock:
            index = _current["index"]
            if force or index is None or index.token != token:
                index = build_index(token)
                _current["index"] = index
    return index


def _pick(index: PointIndex, hits) -> int | None:
    """The position of the deepest hit whose bounded ancestors are hits too."""
    if len(hits) == 0:
        return None
    hit_paths = {index.paths[i]: i for i in hits}
    step = Grid.steplen
    ranked = sorted(hits, key=lambda i: (-int(index.levels[i]), index.paths[i]))
    for i in ranked:
        path = index.paths[i]
        ancestors = (path[:n] for n in range(step, len(path), step))
        if all(a in hit_paths or a not in index.bounded_paths for a in ancestors):
            return i
    return None


def grid_pk_for_point(lat: float, lng: float, *, index: PointIndex | None = None) -> int | None:
    index = index or point_index()
    if not len(index):
        return None
    import shapely

    hits = index.tree.query(shapely.Point(float(lng), float(lat)), predicate="intersects")
    position = _pick(index, hits)
    return None if position is None else int(index.pks[position])


def grid_for_point(lat: float, lng: float) -> Grid | None:
    """The unit (or deepest bounded) grid containing the point; None outside every grid.

    One query when the index is current: the Grid row, with the stored token beside it
    (the boundary itself is deferred). A token that differs rebuilds the index and asks
    again; so does a row that is gone (rows changed without a token change: a rolled-back
    test, a shell).
    """
    index = _current["index"]
    if index is None:
        index = point_index()
    pk = grid_pk_for_point(lat, lng, index=index)
    if pk is None:
        if boundary_token() == index.token:
            return None
        index = point_index()
        pk = grid_pk_for_point(lat, lng, index=index)
        return _grid_row(pk)
    grid, token = _grid_and_token(pk)
    if grid is not None and token == index.token:
        return grid
    index = point_index(force=grid is None)
    return _grid_row(grid_pk_for_point(lat, lng, index=index))


def _grid_row(pk: int | None) -> Grid | None:
    return _grid_and_token(pk)[0] if pk is not None else None


def _row_reader():
    """(SQL, reader) for one Grid row without its boundary, plus the stored token.

    Plain SQL rather than a queryset: building and compiling a queryset costs ten times
    the look-up itself (0.7 ms against 0.05 ms on SQLite). The row becomes a Grid through
    the backend's own converters and Grid.from_db, exactly as the ORM would make it.
    """
    fields = [f for f in Grid._meta.concrete_fields if f.attname != "boundary"]
    table = Grid._meta.db_table
    quote = connection.ops.quote_name
    columns = ", ".join(f"{quote(table)}.{quote(f.column)}" for f in fields)
    # Only model metadata is formatted in; the two values are parameters.
    version = quote(BoundaryVersion._meta.db_table)
    token = f"(SELECT {quote('token')} FROM {version} WHERE id = %s)"  # noqa: S608
    sql = f"SELECT {columns}, {token} FROM {quote(table)} WHERE {quote(table)}.id = %s"  # noqa: S608
    converters = []
    for f in fields:
        col = f.get_col(table)
        found = connection.ops.get_db_converters(col) + f.get_db_converters(connection)
        converters.append((col, found))
    names = [f.attname for f in fields]

    def read(row) -> tuple[Grid, str | None]:
        values = []
        for value, (col, found) in zip(row, converters, strict=False):
            for convert in found:
                value = convert(value, col, connection)
            values.append(value)
        return Grid.from_db(connection.alias, names, values), row[-1]

    return sql, read


_readers: dict[str, tuple] = {}


def _grid_and_token(pk: int) -> tuple[Grid | None, str | None]:
    key = connection.vendor
    if key not in _readers:
        _readers[key] = _row_reader()
    sql, read = _readers[key]
    with connection.cursor() as cursor:
        cursor.execute(sql, [VERSION_PK, pk])
        row = cursor.fetchone()
    return read(row) if row is not None else (None, None)


# --- outlines ------------------------------------------------------------------------------

MAX_OUTLINES = 3000  # features per answer; a map view never needs more


def _rounded(coords, digits: int):
    if coords and isinstance(coords[0], float | int):
        return [round(coords[0], digits), round(coords[1], digits)]
    return [_rounded(c, digits) for c in coords]


def outline_features(grids, *, zoom: int | None = None, properties=None) -> list[dict]:
    """GeoJSON Features for grids (any iterable of Grid rows), simplified for `zoom`.

    Properties: id, code, name, level, plus whatever `properties(grid)` returns. Grids
    without a boundary are left out.
    """
    import shapely

    from gongzhi.grids.geometry import zoom_tolerance

    index = point_index()
    tolerance = zoom_tolerance(zoom)
    digits = 7 if zoom is None else max(4, min(7, 2 + int(zoom) // 3))
    chosen = [(g, index.at[g.pk]) for g in grids if g.pk in index.at]
    if not chosen:
        return []
    shapes = index.shapes[[p for _g, p in chosen]]
    if tolerance:
        shapes = shapely.simplify(shapes, tolerance, preserve_topology=True)
    features = []
    for (grid, _pos), shape in zip(chosen, shapes, strict=True):
        geometry = json.loads(shapely.to_geojson(shape))
        geometry["coordinates"] = _rounded(geometry["coordinates"], digits)
        props = {"id": grid.pk, "code": grid.code, "name": grid.name, "level": grid.level}
        if properties is not None:
            props |= properties(grid)
        features.append(
            {"type": "Feature", "id": grid.pk, "properties": props, "geometry": geometry}
        )
    return features


def feature_collection(features: list[dict], **extra) -> dict:
    return {"type": "FeatureCollection", "features": features, **extra}


def child_outlines(parent: Grid, *, zoom: int | None = None, properties=None) -> dict:
    """The outlines of a grid's children as a GeoJSON FeatureCollection.

    For dashboards and drill-down maps: `properties(grid) -> dict` adds per-grid figures
    (open cases, overdue rate...) to each feature. The caller checks the user's scope on
    `parent` (children of a grid in scope are in scope).
    """
    from gongzhi.grids.selectors import grid_children

    children = grid_children(parent).only("pk", "code", "name", "level", "path")
    return feature_collection(outline_features(children, zoom=zoom, properties=properties))


def in_bbox(qs: QuerySet[Grid], west: float, south: float, east: float, north: float):
    """Grids whose bounding box meets the given one (bounding boxes only)."""
    return qs.filter(min_lng__lte=east, max_lng__gte=west, min_lat__lte=north, max_lat__gte=south)
