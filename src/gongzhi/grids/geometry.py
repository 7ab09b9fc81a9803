"""Grid boundaries as shapes: reading and checking GeoJSON, writing it back, bounding boxes.

Boundaries are stored as GeoJSON geometries (Polygon or MultiPolygon, WGS84 longitude/
latitude) in Grid.boundary, with the bounding box in min_lng/min_lat/max_lng/max_lat.
Nothing here touches the database.
"""

from __future__ import annotations

import math

import numpy as np
import shapely
from django.utils.translation import gettext as _
from shapely.geometry import MultiPolygon, Polygon

# Stored coordinates keep 7 decimals: about 1 cm, far below any survey's accuracy.
DIGITS = 7
METRES_PER_DEGREE_LAT = 110_574.0
METRES_PER_DEGREE_LNG_EQUATOR = 111_320.0
MAX_VERTICES = 100_000  # per grid; a real community boundary has hundreds


class GeometryError(ValueError):
    """A boundary that cannot be used; the message is for the user (Chinese)."""


def _position(raw, where: str) -> tuple[float, float]:
    if not isinstance(raw, list | tuple) or len(raw) < 2:
        raise GeometryError(_("%(where)s:坐标点格式不正确,应为 [经度, 纬度]") % {"where": where})
    try:
        lng, lat = float(raw[0]), float(raw[1])
    except (TypeError, ValueError):
        raise GeometryError(_("%(where)s:坐标不是数字") % {"where": where}) from None
    if not (math.isfinite(lng) and math.isfinite(lat)):
        raise GeometryError(_("%(where)s:坐标不是有效数字") % {"where": where})
    if not (-180 <= lng <= 180 and -90 <= lat <= 90):
        raise GeometryError(
            _("%(where)s:坐标超出经纬度范围(经度在前、纬度在后,单位为度)") % {"where": where}
        )
    return lng, lat


def _ring(raw, where: str) -> list[tuple[float, float]]:
    if not isinstance(raw, list):
        raise GeometryError(_("%(where)s:边界环格式不正确") % {"where": where})
    points = [_position(p, where) for p in raw]
    if len(points) < 4:
        raise GeometryError(_("%(where)s:边界环至少需要4个坐标点(首尾相同)") % {"where": where})
    if points[0] != points[-1]:
        raise GeometryError(_("%(where)s:边界环未闭合(首尾坐标必须相同)") % {"where": where})
    return points


def _polygon(raw, where: str) -> Polygon:
    if not isinstance(raw, list) or not raw:
        raise GeometryError(_("%(where)s:多边形没有坐标") % {"where": where})
    rings = [_ring(r, where) for r in raw]
    return Polygon(rings[0], rings[1:])


def parse(geometry, *, where: str = "") -> Polygon | MultiPolygon:
    """A checked shape from a GeoJSON geometry (or a Feature holding one).

    Refused: other geometry types, malformed or out-of-range coordinates, open rings,
    self-intersecting or otherwise invalid polygons, empty or huge ones.
    """
    where = where or _("边界")
    if isinstance(geometry, dict) and geometry.get("type") == "Feature":
        geometry = geometry.get("geometry")
    if not isinstance(geometry, dict):
        raise GeometryError(_("%(where)s:缺少几何图形(geometry)") % {"where": where})
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        shape = _polygon(coords, where)
    elif kind == "MultiPolygon":
        if not isinstance(coords, list) or not coords:
            raise GeometryError(_("%(where)s:多边形没有坐标") % {"where": where})
        shape = MultiPolygon([_polygon(p, where) for p in coords])
    else:
        raise GeometryError(
            _("%(where)s:只支持面(Polygon 或 MultiPolygon),收到的是 %(kind)s")
            % {"where": where, "kind": str(kind)[:30]}
        )
    if shapely.get_num_coordinates(shape) > MAX_VERTICES:
        raise GeometryError(
            _("%(where)s:坐标点超过%(n)s个,请先简化边界") % {"where": where, "n": MAX_VERTICES}
        )
    if not shape.is_valid:
        reason = shapely.is_valid_reason(shape)
        raise GeometryError(
            _("%(where)s:边界无效(自相交或环有重叠):%(reason)s")
            % {"where": where, "reason": reason[:80]}
        )
    if shape.is_empty or shape.area == 0:
        raise GeometryError(_("%(where)s:边界面积为零") % {"where": where})
    return shape


def _ring_coords(ring) -> list:
    return np.round(shapely.get_coordinates(ring), DIGITS).tolist()


def _polygon_coords(polygon: Polygon) -> list:
    return [_ring_coords(polygon.exterior), *(_ring_coords(r) for r in polygon.interiors)]


def as_geojson(shape: Polygon | MultiPolygon) -> dict:
    """A GeoJSON geometry with coordinates rounded to DIGITS decimals."""
    if shape.geom_type == "Polygon":
        return {"type": "Polygon", "coordinates": _polygon_coords(shape)}
    if shape.geom_type == "MultiPolygon":
        return {"type": "MultiPolygon", "coordinates": [_polygon_coords(p) for p in shape.geoms]}
    raise GeometryError(_("边界只能是面(Polygon 或 MultiPolygon)"))


def bbox_fields(shape) -> dict[str, float | None]:
    """Grid's bounding-box fields for a shape (all None for no shape)."""
    if shape is None:
        return {"min_lng": None, "min_lat": None, "max_lng": None, "max_lat": None}
    min_lng, min_lat, max_lng, max_lat = shape.bounds
    return {"min_lng": min_lng, "min_lat": min_lat, "max_lng": max_lng, "max_lat": max_lat}


def to_metres(shapes, lat0: float):
    """Shapes in a local plane (metres east/north of 0°E at lat0): good for a district."""
    kx = METRES_PER_DEGREE_LNG_EQUATOR * math.cos(math.radians(lat0))
    return shapely.transform(shapes, lambda xy: xy * (kx, METRES_PER_DEGREE_LAT))


def metres_to_degrees(metres: float) -> float:
    """A distance in degrees of latitude (conservative for longitude near the district)."""
    return metres / METRES_PER_DEGREE_LAT


def zoom_tolerance(zoom: int | None, lat: float = 39.7) -> float:
    """Simplification tolerance in degrees for a web-map zoom level: half a screen pixel."""
    if zoom is None:
        return 0.0
    zoom = max(0, min(int(zoom), 22))
    return 0.5 * 360.0 / (256 * 2**zoom) * math.cos(math.radians(lat))
