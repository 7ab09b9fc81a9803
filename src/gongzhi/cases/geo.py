"""Which grid a point falls in, from the grids' GeoJSON boundaries (deepest grid wins)."""

from __future__ import annotations

from gongzhi.grids.models import Grid


def _rings(geometry: dict) -> list[list[list[float]]]:
    """Outer rings of a Polygon or MultiPolygon (holes are ignored: grids have none)."""
    if not isinstance(geometry, dict):
        return []
    if geometry.get("type") == "Feature":
        return _rings(geometry.get("geometry") or {})
    coords = geometry.get("coordinates") or []
    if geometry.get("type") == "Polygon":
        return coords[:1]
    if geometry.get("type") == "MultiPolygon":
        return [poly[0] for poly in coords if poly]
    return []


def point_in_ring(lng: float, lat: float, ring: list[list[float]]) -> bool:
    inside = False
    n = len(ring)
    for i in range(n):
        x1, y1 = ring[i][0], ring[i][1]
        x2, y2 = ring[(i + 1) % n][0], ring[(i + 1) % n][1]
        if (y1 > lat) != (y2 > lat):
            x_cross = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lng < x_cross:
                inside = not inside
    return inside


def grid_for_point(lat: float, lng: float) -> Grid | None:
    best = None
    for grid in Grid.objects.filter(boundary__isnull=False).only("pk", "path", "level", "boundary"):
        deeper = best is None or grid.level > best.level
        if deeper and any(point_in_ring(lng, lat, ring) for ring in _rings(grid.boundary)):
            best = grid
    return Grid.objects.get(pk=best.pk) if best else None
