"""台账 exports shared by the rooms: one checked, audited, streamed .xlsx per filtered list.

Each room builds its own rows (masked, from its own restricted queryset); this module checks
the export capability, writes the titled sheet, leaves the audit row and streams the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext as _

from gongzhi.core import clock
from gongzhi.core.access import can
from gongzhi.core.audit import audit_record
from gongzhi.core.models import AuditLog
from gongzhi.core.roles import EXPORT
from gongzhi.core.xlsx import new_streaming_workbook, workbook_response, write_sheet

if TYPE_CHECKING:
    from django.http import HttpRequest, QueryDict, StreamingHttpResponse

    from gongzhi.core.types import Actor, AnyUser


def require_export(by: Actor) -> None:
    if not can(by, EXPORT):
        raise PermissionDenied(_("您没有导出权限"))


def export_url(user: AnyUser, name: str, params: QueryDict) -> str:
    """The export link for a filtered list page ("" when the user may not export)."""
    if not can(user, EXPORT):
        return ""
    query = params.urlencode()
    return reverse(name) + (f"?{query}" if query else "")


def ledger_response(
    *, by: Actor, title: str, headers: Sequence[str], rows: Iterable[Sequence],
    model: type[models.Model], filters: str = "", request: HttpRequest | None = None,
) -> StreamingHttpResponse:  # fmt: skip
    """The ledger as an .xlsx download; `rows` must already be restricted to `by` and masked."""
    require_export(by)
    wb = new_streaming_workbook()
    count = write_sheet(wb, title=title, headers=[str(h) for h in headers], rows=rows)
    audit_record(
        actor=by, action=AuditLog.Action.EXPORT, target=model, fields=f"导出{count}条",
        reason=filters or "全部", request=request,
    )  # fmt: skip
    return workbook_response(wb, f"{title}_{clock.today():%Y%m%d}.xlsx")
