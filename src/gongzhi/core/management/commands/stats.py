"""`gongzhi stats`: how big the district is (grids per level, workers, households, people)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gongzhi.seeding.stats import district_stats


class Command(BaseCommand):
    help = "显示辖区规模:各级网格、网格员、户数和实有人口 (Show district figures)"

    def handle(self, *args: Any, **opts: Any) -> None:
        stats = district_stats()
        self.stdout.write("网格 (grids per level):")
        for level, label, n in stats.levels:
            self.stdout.write(f"  {level}  {label}: {n:,}")
        self.stdout.write(f"网格员 (grid workers): {stats.workers:,}")
        self.stdout.write(f"户 (households): {stats.households:,}")
        self.stdout.write(
            f"实有人口 (residents): {stats.residents:,}"
            f"  其中演示数据 (synthetic): {stats.synthetic:,} ({stats.synthetic_share:.1%})"
        )
