"""The .xlsx export of case lists: the page's own restricted, filtered rows, masked, audited."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.core import clock
from gongzhi.core.access import can
from gongzhi.core.audit import audit_record
from gongzhi.core.models import AuditLog
from gongzhi.core.roles import EXPORT
from gongzhi.core.xlsx import new_streaming_workbook, write_sheet

from .models import Case, OwningLevel, Rating
from .selectors import INBOX_LABELS, case_page_queryset

if TYPE_CHECKING:
    import datetime as dt

    from django.http import HttpRequest
    from openpyxl import Workbook

    from gongzhi.core.types import Actor


# Lazy: str() each header before it goes into a cell.
HEADERS = [
    _("编号"), _("上报时间"), _("标题"), _("类别"), _("来源"), _("紧急程度"), _("状态"),
    _("所在网格"), _("地址"), _("报告人"), _("联系电话"), _("主办层级"), _("督办"), _("超时"),
    _("化解层级"), _("满意度"),
]  # fmt: skip
CHUNK = 2000


def _local(value: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _rows(qs: QuerySet[Case]) -> Iterator[list]:
    for c in qs.select_related("reporter_resident").iterator(chunk_size=CHUNK):
        reporter = c.reporter_resident.masked_name if c.reporter_resident is not None else ""
        yield [
            c.number,
            _local(c.created_at),
            c.title,
            str(c.category),
            c.get_channel_display(),
            c.get_urgency_display(),
            c.get_state_display(),
            c.grid.full_name or c.grid.name,
            c.address,
            reporter or c.contact_name_masked,
            c.contact_phone_masked,
            OwningLevel(c.owning_level).label,
            c.get_supervision_display(),
            gettext("是") if c.overdue else gettext("否"),
            OwningLevel(c.resolved_level).label if c.resolved_level is not None else "",
            Rating(c.satisfaction).label if c.satisfaction in Rating.values else "",
        ]


def case_export_workbook(
    *, by: Actor, qs: QuerySet[Case], tab: str, request: HttpRequest | None = None
) -> tuple[Workbook, str]:
    """A write-only workbook of `qs` (already restricted to `by`), plus its audit row."""
    if not can(by, EXPORT):
        raise PermissionDenied(gettext("您无权导出事件"))
    wb = new_streaming_workbook()
    title = gettext("事件-%(inbox)s") % {"inbox": INBOX_LABELS[tab]}
    # Demo residents are synthetic: label the sheet so (settings.DEMO_MODE also labels it).
    synthetic = qs.filter(reporter_resident__is_synthetic=True).exists()
    rows = _rows(case_page_queryset(qs))
    count = write_sheet(
        wb, title=title, headers=[str(h) for h in HEADERS], rows=rows, synthetic=synthetic
    )
    audit_record(
        actor=by,
        action=AuditLog.Action.EXPORT,
        target=Case,
        fields=f"导出{count}条",
        reason=f"收件箱={INBOX_LABELS[tab]}",
        request=request,
    )
    return wb, f"{title}-{clock.now():%Y%m%d%H%M}.xlsx"
