"""`gongzhi kpi_rebuild`: recompute the daily KPI aggregates from the cases.

For back-fill (an existing database after the upgrade that added them; the sweep also seals
old days by itself, SEAL_BATCH_DAYS per minute) and repair (after rows were changed outside
the services, e.g. a bulk import or a hand edit in the database).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from gongzhi.cases.kpis.daily import kpi_rebuild
from gongzhi.cases.models import KpiDay


class Command(BaseCommand):
    help = "重建考核指标日汇总 (Rebuild the daily KPI aggregates from the cases)"

    def handle(self, *args: Any, **opts: Any) -> None:
        started = time.perf_counter()
        through = kpi_rebuild()
        self.stdout.write(
            f"已重建考核指标日汇总:截至 {through or '—'},{KpiDay.objects.count()} 行,"
            f"用时 {time.perf_counter() - started:.1f} 秒"
        )
