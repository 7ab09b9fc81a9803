"""Build a synthetic district: the one entry point behind `gongzhi seed`."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction

from gongzhi.core.memo import forget_all
from gongzhi.grids.geo import boundaries_changed
from gongzhi.grids.models import Grid
from gongzhi.seeding.district import Tree, centers_create, tree_create, tree_plan
from gongzhi.seeding.geometry import tree_geometry
from gongzhi.seeding.halls import halls_create
from gongzhi.seeding.history import Volume, history_seed
from gongzhi.seeding.identity import IdAllocator, NamePool, PhonePool
from gongzhi.seeding.people import residents_create
from gongzhi.seeding.scale import Scale
from gongzhi.seeding.staff import (
    StaffWriter,
    police_create,
    rooms_staff_create,
    workers_create,
)


class SeedError(RuntimeError):
    pass


@dataclass
class SeedResult:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    history_seconds: float = 0.0
    history_errors: list[str] = field(default_factory=list)  # service refusals (none expected)


def district_is_empty() -> bool:
    return not Grid.objects.exists()


@contextmanager
def fast_sqlite() -> Iterator[None]:
    """Skip fsyncs while seeding (a crash leaves an empty DB to reseed, nothing to lose)."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:  # can't switch mid-transaction
        yield
        return
    with connection.cursor() as cur:
        cur.execute("PRAGMA synchronous=OFF")
        cur.execute("PRAGMA cache_size=-131072")  # 128 MiB: index inserts stay in memory
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA cache_size=-2000")


def district_fill(
    tree: Tree,
    scale: Scale,
    rng: random.Random,
    *,
    seed: int,
    log: Callable[[str], None],
    prefix: str = "",
    ids: IdAllocator | None = None,
    defer_indexes: bool = True,
) -> tuple[dict[str, int], float]:
    """A district's centers, staff, halls and residents on its created grid tree: (counts,
    seconds spent on the residents). A province's districts share `ids` and give their staff
    usernames a `prefix`."""
    names, phones = NamePool(rng), PhonePool(rng)
    centers = centers_create(tree, rng, phones)
    log(f"  综治中心(一厅五室、公检法司入驻): {len(centers):,}")
    counts = {f"level{k}": len(nodes) for k, nodes in enumerate(tree.levels)}
    counts["centers"] = len(centers)
    staff = StaffWriter(scale.batch_size, prefix=prefix)
    shared = {"names": names, "phones": phones, "writer": staff, "log": log}
    counts |= workers_create(tree, scale, rng, **shared)
    counts["police"] = police_create(tree, centers, rng, **shared)
    # Its own random stream: the rooms' people do not shift the residents the seed draws.
    rooms_rng = random.Random(f"{seed}-rooms")
    counts |= rooms_staff_create(
        centers,
        rooms_rng,
        writer=staff,
        names=NamePool(rooms_rng),
        phones=PhonePool(rooms_rng),
        log=log,
    )
    staff.finish()
    counts |= halls_create(centers.values())
    log(f"  大厅服务事项: {counts['hall_services']:,}  窗口: {counts['hall_windows']:,}")
    log("居民:")
    people_started = time.perf_counter()
    counts |= residents_create(tree, scale, rng, log=log, ids=ids, defer_indexes=defer_indexes)
    return counts, time.perf_counter() - people_started


def district_seed(
    *,
    scale: Scale,
    seed: int = 2020,
    log: Callable[[str], None] = lambda _: None,
    history: bool = True,
    history_volume: Volume | None = None,
) -> SeedResult:
    """Create the whole district in one transaction; refuses when any grid exists.

    With `history` (the default) the district then lives a synthetic year through the real
    services (seeding/history.py): cases, rooms, diaries, the live room and the KPI days."""
    started = time.perf_counter()
    rng = random.Random(seed)
    with fast_sqlite(), transaction.atomic():
        if not district_is_empty():
            raise SeedError("数据库中已有网格数据,不能重复生成演示区")
        tree = tree_plan(scale, rng)
        geometry_started = time.perf_counter()
        tree_geometry(tree, seed=seed)
        geometry_seconds = time.perf_counter() - geometry_started
        log(f"网格 ({scale.name}):")
        tree_create(tree, batch_size=scale.batch_size, log=log)
        boundaries_changed()
        # Bulk inserts send no save signals: what this process remembered of grids, categories
        # or API keys (core/memo.py) may name rows an earlier, rolled-back seed wrote.
        forget_all()
        log(f"  网格边界: {sum(map(len, tree.levels)):,} 个 (用时 {geometry_seconds:.1f} 秒)")
        counts, people_seconds = district_fill(tree, scale, rng, seed=seed, log=log)
        history_seconds, errors = 0.0, []
        if history:
            history_started = time.perf_counter()
            lived = history_seed(scale_name=scale.name, seed=seed, log=log, volume=history_volume)
            counts["history_cases"], errors = lived.counts["cases"], lived.errors
            history_seconds = time.perf_counter() - history_started
    seconds = time.perf_counter() - started
    log(
        f"完成: {counts['residents']:,} 名居民, {counts['households']:,} 户, "
        f"用时 {seconds:.1f} 秒 (其中户和居民 {people_seconds:.1f} 秒,历史 {history_seconds:.1f} 秒)"
    )
    return SeedResult(
        counts=counts, seconds=seconds, history_seconds=history_seconds, history_errors=errors
    )
