"""Several synthetic districts under a city and a province: `gongzhi seed --scale province`.

甘肃省 → 酒泉市 → N districts, each built by the same generator as the single district (its
five levels, centers, staff and residents at the scale asked), one district after another:
each district's grid rows and staff are in memory only while it is built, and residents
stream in batches, so memory stays that of one district whatever N is. The districts take
酒泉市's real county-level names and codes in order (肃州区 620902 first); beyond those, the
names say they are synthetic. Each district gets the same outline as 肃州区, moved aside so
that no two districts overlap on a map. The synthetic year of history (cases, rooms, …) is
a single-district feature and is not generated here.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from shapely.geometry import shape as as_shape
from shapely.ops import unary_union

from gongzhi.core.roles import Role
from gongzhi.grids.geo import boundaries_changed
from gongzhi.grids.geometry import as_geojson
from gongzhi.grids.models import Grid, Level
from gongzhi.grids.services import grid_add_child, grid_boundary_set, grid_create_root
from gongzhi.org.models import Center, CenterLevel
from gongzhi.org.services import center_create
from gongzhi.people.models import Household, Resident
from gongzhi.seeding.bulk import indexes_deferred
from gongzhi.seeding.district import tree_create, tree_plan
from gongzhi.seeding.geometry import tree_geometry
from gongzhi.seeding.identity import IdAllocator
from gongzhi.seeding.scale import Scale
from gongzhi.seeding.services import SeedError, district_fill, district_is_empty, fast_sqlite
from gongzhi.seeding.staff import StaffWriter

PROVINCE = ("620000", "甘肃省")
CITY = ("620900", "酒泉市")
# 酒泉市's county-level divisions (GB/T 2260), 肃州区 first.
REAL_DISTRICTS = (
    ("620902", "肃州区"),
    ("620981", "玉门市"),
    ("620982", "敦煌市"),
    ("620921", "金塔县"),
    ("620922", "瓜州县"),
    ("620923", "肃北蒙古族自治县"),
    ("620924", "阿克塞哈萨克族自治县"),
)
SYNTHETIC_FIRST = 60  # synthetic districts take codes 620960, 620961, … (unused by GB/T 2260)
MAX_DISTRICTS = len(REAL_DISTRICTS) + 100 - SYNTHETIC_FIRST
COLUMNS = 4  # districts laid out on the map in rows of four
SPACING = (1.3, 1.1)  # degrees of lng and lat between neighbouring districts' outlines


def district_names(n: int) -> list[tuple[str, str, bool]]:
    """(code, name, synthetic name) of the first n districts."""
    if not 1 <= n <= MAX_DISTRICTS:
        raise SeedError(f"区县数量应在 1 到 {MAX_DISTRICTS} 之间")
    out = [(code, name, False) for code, name in REAL_DISTRICTS[:n]]
    for i in range(n - len(out)):
        number = SYNTHETIC_FIRST + i
        out.append((f"6209{number}", f"合成区{number}(演示)", True))
    return out


@dataclass
class ProvinceSeedResult:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    district_seconds: list[float] = field(default_factory=list)  # one per district, in order


def province_seed(
    *, districts: int, scale: Scale, seed: int = 2020, log: Callable[[str], None] = lambda _: None
) -> ProvinceSeedResult:
    """甘肃省 → 酒泉市 → `districts` districts of `scale`, in one transaction; refuses when any
    grid exists. Leaders of every center: leader-<code> (unusable passwords, as every seeded
    account; `gongzhi demo_accounts` gives the first district's personas passwords)."""
    started = time.perf_counter()
    names = district_names(districts)
    result = ProvinceSeedResult()
    counts = result.counts
    with fast_sqlite(), transaction.atomic():
        if not district_is_empty():
            raise SeedError("数据库中已有网格数据,不能重复生成演示数据")
        province = grid_create_root(
            code=PROVINCE[0], name=PROVINCE[1], level=Level.PROVINCE, is_synthetic=True
        )
        city = grid_add_child(parent=province, code=CITY[0], name=CITY[1], is_synthetic=True)
        tops = [
            center_create(grid=g, name=f"{g.name}综治中心", level=level, synthetic=True)
            for g, level in ((province, CenterLevel.PROVINCE), (city, CenterLevel.CITY))
        ]
        rng = random.Random(seed)
        ids = IdAllocator(rng)  # one for all districts: ID numbers unique across them
        shapes = []
        with indexes_deferred(Household, Resident):
            for index, (code, name, synthetic) in enumerate(names):
                district_started = time.perf_counter()
                log(f"{name} ({code}{',合成' if synthetic else ''}):")
                district = Grid(
                    path=Grid._get_path(city.path, city.depth + 1, index + 1),
                    depth=city.depth + 1,
                    numchild=0,
                    code=code,
                    name=name,
                    full_name=name,
                    level=Level.DISTRICT,
                    is_synthetic=True,
                )
                ids.home_area = code
                part = _district_seed(
                    district, scale, index, seed=seed + index, ids=ids, tops=tops, log=log
                )
                for key, value in part.items():
                    counts[key] = counts.get(key, 0) + value
                shapes.append(as_shape(district.boundary))
                result.district_seconds.append(time.perf_counter() - district_started)
            log("  重建索引 (rebuilding indexes) …")
        Grid.objects.filter(pk=city.pk).update(numchild=len(names))
        whole = as_geojson(unary_union(shapes))
        for grid in (city, province):
            grid_boundary_set(grid=Grid.objects.get(pk=grid.pk), boundary=whole)
        boundaries_changed()
        counts["districts"] = len(names)
    result.seconds = time.perf_counter() - started
    log(
        f"完成: {len(names)} 个区县, {counts['residents']:,} 名居民, {counts['households']:,} 户, "
        f"用时 {result.seconds:.1f} 秒"
    )
    return result


def _district_seed(
    district: Grid,
    scale: Scale,
    index: int,
    *,
    seed: int,
    ids: IdAllocator,
    tops: list[Center],
    log: Callable[[str], None],
) -> dict[str, int]:
    """One district of the province, as seeding.services.district_seed builds the single one
    (without its history). Usernames after the first district's carry its code."""
    rng = random.Random(seed)
    tree = tree_plan(scale, rng, district=district)
    shift = ((index % COLUMNS) * SPACING[0], -(index // COLUMNS) * SPACING[1])
    tree_geometry(tree, seed=seed, shift=shift)
    tree_create(tree, batch_size=scale.batch_size, log=log)
    prefix = f"{district.code}-" if index else ""
    counts, _seconds = district_fill(
        tree, scale, rng, seed=seed, log=log, prefix=prefix, ids=ids, defer_indexes=False
    )
    # Leaders by their center's code; the province's and the city's with the first district.
    leaders = StaffWriter(scale.batch_size)
    own = Center.objects.select_related("grid").get(grid_id=tree.root.grid.pk)
    for center in [own, *(tops if index == 0 else [])]:
        leaders.add_staff(
            f"leader-{center.grid.code}",
            name=f"{center.grid.name}领导",
            role=str(Role.LEADER),
            center_id=center.pk,
            full_time=True,
        )
    leaders.finish()
    return counts
