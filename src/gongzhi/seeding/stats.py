"""District-wide figures for `gongzhi stats` (and the benchmarks)."""

from __future__ import annotations

from dataclasses import dataclass

from gongzhi.core.roles import Role
from gongzhi.grids.models import Level
from gongzhi.grids.selectors import grid_level_counts
from gongzhi.org.models import Staff
from gongzhi.people.models import Household, Resident


@dataclass(frozen=True)
class DistrictStats:
    levels: list[tuple[int, str, int]]  # (level, label, grids)
    workers: int
    households: int
    residents: int
    synthetic: int

    @property
    def synthetic_share(self) -> float:
        return self.synthetic / self.residents if self.residents else 0.0


def district_stats() -> DistrictStats:
    counts = grid_level_counts()
    return DistrictStats(
        # The province and city levels only where the tree has them.
        levels=[
            (lv.value, str(lv.label), counts.get(lv.value, 0))
            for lv in Level
            if lv >= Level.DISTRICT or counts.get(lv.value)
        ],
        workers=Staff.objects.filter(role=Role.GRID_WORKER).count(),
        households=Household.objects.count(),
        residents=Resident.objects.count(),
        synthetic=Resident.objects.filter(is_synthetic=True).count(),
    )
