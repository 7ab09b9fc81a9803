"""KPIs (REFERENCE §5): sealed days from daily aggregates, the rest from the cases.

Formulas, period rule and levels: docs/kpis.md.
"""

from .compute import (
    DEFAULT_KPI_WEIGHTS,
    RATE_LABELS,
    KpiSet,
    Rate,
    kpi_score,
    kpi_weights,
    kpis_compute_live,
    kpis_grouped_live,
)
from .periods import KIND_LABELS, KINDS, Period, period_custom, period_for
from .rollup import kpis_compute, kpis_grouped, kpis_per_child, kpis_per_level

__all__ = [
    "DEFAULT_KPI_WEIGHTS",
    "KINDS",
    "KIND_LABELS",
    "RATE_LABELS",
    "KpiSet",
    "Period",
    "Rate",
    "kpi_score",
    "kpi_weights",
    "kpis_compute",
    "kpis_compute_live",
    "kpis_grouped",
    "kpis_grouped_live",
    "kpis_per_child",
    "kpis_per_level",
    "period_custom",
    "period_for",
]
