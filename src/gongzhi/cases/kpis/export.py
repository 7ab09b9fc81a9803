"""The .xlsx export of a KPI table: the grid, then each child; EXPORT capability, audited."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gongzhi.core.access import can
from gongzhi.core.audit import audit_record
from gongzhi.core.models import AuditLog
from gongzhi.core.roles import EXPORT
from gongzhi.core.xlsx import new_streaming_workbook, write_sheet

from .compute import RATE_LABELS, KpiSet
from .periods import Period

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.http import HttpRequest
    from openpyxl import Workbook

    from gongzhi.core.types import Actor
    from gongzhi.grids.models import Grid


def kpi_headers() -> list[str]:
    headers = [pgettext("kpi column", "网格"), _("编码"), _("层级")]
    for label in RATE_LABELS.values():
        values = {"rate": str(label)}
        headers += [
            _("%(rate)s(%%)") % values,
            _("%(rate)s分子") % values,
            _("%(rate)s分母") % values,
        ]
    return [*headers, _("平均办理时长(小时)"), _("办结件数"), _("综合得分")]


def kpi_row(grid: Grid, kpis: KpiSet) -> list:
    row = [grid.full_name or grid.name, grid.code, grid.get_level_display()]
    for _name, rate in kpis.rates():
        row += [rate.percent, rate.numerator, rate.denominator]
    hours = kpis.avg_handling_hours
    return [*row, None if hours is None else round(hours, 2), kpis.handled, kpis.score]


def kpi_export_workbook(
    *,
    by: Actor,
    grid: Grid,
    kpis: KpiSet,
    children: Iterable[tuple[Grid, KpiSet]],
    period: Period,
    request: HttpRequest | None = None,
) -> tuple[Workbook, str]:
    """`children` is [(child grid, KpiSet)]. Returns (workbook, filename)."""
    if not can(by, EXPORT):
        raise PermissionDenied(_("您无权导出考核指标"))
    wb = new_streaming_workbook()
    rows = [kpi_row(grid, kpis), *(kpi_row(c, k) for c, k in children)]
    title = _("考核指标-%(grid)s") % {"grid": grid.name}
    write_sheet(wb, title=title, headers=kpi_headers(), rows=rows, synthetic=grid.is_synthetic)
    audit_record(
        actor=by,
        action=AuditLog.Action.EXPORT,
        target=grid,
        fields=f"考核指标{len(rows)}行",
        # The audit trail stays Chinese whatever the exporter's language.
        reason=f"统计周期={period.first_day:%Y-%m-%d} 至 {period.last_day:%Y-%m-%d}",
        request=request,
    )
    return wb, f"{title}-{period.first_day:%Y%m%d}-{period.last_day:%Y%m%d}.xlsx"
