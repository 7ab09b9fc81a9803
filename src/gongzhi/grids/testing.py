"""Test helpers: nested rectangular boundaries for the small named test district."""

from __future__ import annotations

from gongzhi.grids.models import Grid
from gongzhi.grids.selectors import grid_ancestors
from gongzhi.grids.services import grid_boundary_set


def box(west: float, south: float, east: float, north: float) -> dict:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


# (west, south, east, north) per grid of core.testing.build_district: each inside its parent.
DISTRICT = (98.2, 39.0, 99.4, 40.0)
JINQUAN_CHAIN = (
    (98.45, 39.70, 98.55, 39.78),  # 金泉路社区
    (98.47, 39.72, 98.53, 39.76),  # 第一居民小组
    (98.49, 39.73, 98.53, 39.755),  # 公园路46号楼院
    (98.50, 39.74, 98.52, 39.75),  # 1号楼
)
UNIT_A = (98.50, 39.74, 98.51, 39.75)
UNIT_B = (98.51, 39.74, 98.52, 39.75)
XIFENG_CHAIN = (
    (98.30, 39.65, 98.42, 39.78),  # 西峰镇
    (98.32, 39.68, 98.40, 39.76),  # 西峰村
    (98.34, 39.70, 98.38, 39.74),  # 一组
    (98.35, 39.71, 98.37, 39.73),  # 3号院
    (98.35, 39.71, 98.37, 39.73),  # 1单元 (the whole yard)
)
IN_UNIT_A = (39.745, 98.505)  # lat, lng
IN_UNIT_B = (39.745, 98.515)
IN_UNIT_X = (39.72, 98.36)


def bound_district(district) -> None:
    """Give every grid of the test district a boundary (through the service)."""
    root = Grid.objects.get(pk=district.root.pk)
    grid_boundary_set(grid=root, boundary=box(*DISTRICT))
    chain = [*grid_ancestors(district.unit_a)[1:], district.unit_a]
    for grid, coords in zip(chain[:-1], JINQUAN_CHAIN, strict=True):
        grid_boundary_set(grid=grid, boundary=box(*coords))
    grid_boundary_set(grid=district.unit_a, boundary=box(*UNIT_A))
    grid_boundary_set(grid=district.unit_b, boundary=box(*UNIT_B))
    chain = [*grid_ancestors(district.unit_x)[1:], district.unit_x]
    for grid, coords in zip(chain, XIFENG_CHAIN, strict=True):
        grid_boundary_set(grid=grid, boundary=box(*coords))
