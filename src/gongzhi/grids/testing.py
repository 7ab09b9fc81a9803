"""Test helpers: nested rectangular boundaries for the small named test district."""

from __future__ import annotations

from dataclasses import dataclass, field

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


# --- a city above two districts (issue 18) ---------------------------------------------------


@dataclass
class City:
    """酒泉市 with 肃州区 and 玉门市 under it; each district has a township and a unit."""

    city: Grid
    districts: dict[str, Grid]  # district code → district
    townships: dict[str, Grid]
    units: dict[str, Grid]
    users: dict[str, object] = field(default_factory=dict)


CITY_DISTRICTS = {"620902": "肃州区", "620981": "玉门市"}


def build_city(password: str) -> City:
    """Built through the services: grids, centers and staff of a city and two districts.

    Users: city_leader (the city center's leader), city_center (its staff); for each district
    code c: leader_c, center_c (district center staff), worker_c (the unit's grid worker)."""
    from gongzhi.core.roles import Role
    from gongzhi.grids.models import Level
    from gongzhi.grids.services import grid_add_child, grid_create_root
    from gongzhi.org.models import CenterLevel
    from gongzhi.org.services import center_create, staff_create

    city = grid_create_root(name="酒泉市", code="620900", level=Level.CITY)
    c = City(city=city, districts={}, townships={}, units={})
    city_center = center_create(grid=city, name="酒泉市综治中心", level=CenterLevel.CITY)
    c.users["city_leader"] = staff_create(
        username="city_leader",
        name="市领导",
        role=Role.LEADER,
        center=city_center,
        password=password,
    ).user
    c.users["city_center"] = staff_create(
        username="city_center",
        name="市中心",
        role=Role.CENTER_STAFF,
        center=city_center,
        password=password,
    ).user
    for code, name in CITY_DISTRICTS.items():
        district = grid_add_child(parent=city, name=name, code=code)
        township = grid_add_child(parent=district, name="城关社区")
        unit = township
        for part in ("第一组", "1号院", "1号楼", "1单元"):
            unit = grid_add_child(parent=unit, name=part)
        c.districts[code], c.townships[code], c.units[code] = district, township, unit
        center = center_create(grid=district, name=f"{name}综治中心", level=CenterLevel.DISTRICT)
        center_create(grid=township, name="城关社区综治中心", level=CenterLevel.COMMUNITY)
        c.users[f"leader_{code}"] = staff_create(
            username=f"leader_{code}",
            name=f"{name}领导",
            role=Role.LEADER,
            center=center,
            password=password,
        ).user
        c.users[f"center_{code}"] = staff_create(
            username=f"center_{code}",
            name=f"{name}中心",
            role=Role.CENTER_STAFF,
            center=center,
            password=password,
        ).user
        c.users[f"worker_{code}"] = staff_create(
            username=f"worker_{code}",
            name=f"{name}网格员",
            role=Role.GRID_WORKER,
            grids=[unit],
            password=password,
        ).user
    return c
