"""Spreadsheet helpers shared by every export: formula-injection escaping and titled sheets."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse

if TYPE_CHECKING:  # openpyxl (20 MB) is imported when a workbook is made, not by every process
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

from .text import xml_safe

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

# A cell starting with one of these is read as a formula (or DDE) by Excel/WPS/LibreOffice.
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

SYNTHETIC_MARK = "演示数据(合成)"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value: Any) -> Any:
    """A value safe to put in a cell: text that could run as a formula gets a leading ',
    characters a sheet cannot hold are dropped."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | dt.date | dt.datetime):
        return value
    if isinstance(value, Decimal) and value.is_finite():
        return value  # a number the clerk can sum (amounts of money), not text
    text = xml_safe(str(value))  # one control character must not break the whole file
    if text.startswith(_FORMULA_TRIGGERS):
        return "'" + text
    return text


def write_sheet(
    wb: Workbook,
    *,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    synthetic: bool = False,
) -> int:
    """Append a sheet: a title row (marked synthetic when needed), a header row, then rows.

    `wb` is a write_only workbook, so rows stream to disk. Returns the number of data rows.
    """
    ws = wb.create_sheet(title=title[:31])
    ws.freeze_panes = "A3"
    heading = title
    if synthetic or settings.DEMO_MODE:
        heading = f"{title} · {SYNTHETIC_MARK}:不对应真实个人"
    ws.append([_bold(ws, heading)])
    ws.append([_bold(ws, h) for h in headers])
    count = 0
    for row in rows:
        ws.append([safe_cell(v) for v in row])
        count += 1
    return count


def _bold(ws: Worksheet, text: str) -> WriteOnlyCell:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    cell = WriteOnlyCell(ws, value=safe_cell(text))
    cell.font = Font(bold=True)
    return cell


def new_streaming_workbook() -> Workbook:
    from openpyxl import Workbook

    return Workbook(write_only=True)


def workbook_response(wb: Workbook, filename: str) -> FileResponse:
    """Save to a temporary file (rows never sit in memory) and stream it back."""
    tmp = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    wb.save(tmp)
    tmp.seek(0)
    response = FileResponse(tmp, content_type=XLSX_MIME)
    response["Content-Disposition"] = content_disposition(filename)
    return response


def content_disposition(filename: str) -> str:
    """An attachment header with an ASCII fallback and the real name per RFC 5987."""
    fallback = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
