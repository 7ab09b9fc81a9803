"""How big a district to build. Demo and full go through the same generator."""

from __future__ import annotations

from dataclasses import dataclass

from gongzhi.seeding.names import (
    COMMUNITY,
    JINQUAN,
    STREET,
    TOWN,
    XIBEIJIE,
    XIFENG,
    Level1,
    full_level1,
)


@dataclass(frozen=True)
class Scale:
    name: str
    level1: tuple[Level1, ...]
    # Exact totals of grids on levels 2, 3, 4 and 5.
    grids: tuple[int, int, int, int]
    workers: int
    residents: int
    # Rows per bulk insert; also the chunk that bounds memory while streaming residents.
    batch_size: int = 5000
    # Multiplies the special-population rates so a small demo still shows every kind.
    special_boost: float = 1.0

    @property
    def level_totals(self) -> tuple[int, ...]:
        return (len(self.level1), *self.grids)


# The seed's district: 36 / 224 / 1,275 / 2,689 / 8,093 grids, 14,038 workers, 455,611 people.
FULL = Scale(
    name="full",
    level1=tuple(full_level1()),
    grids=(224, 1275, 2689, 8093),
    workers=14038,
    residents=455611,
)

DEMO = Scale(
    name="demo",
    level1=(
        Level1(JINQUAN, COMMUNITY),
        Level1(XIBEIJIE, STREET),
        Level1(XIFENG, TOWN),
        Level1("总寨镇", TOWN),
    ),
    grids=(10, 24, 48, 96),
    workers=120,
    residents=1500,
    batch_size=1000,
    special_boost=6.0,
)

SCALES = {"demo": DEMO, "full": FULL}
