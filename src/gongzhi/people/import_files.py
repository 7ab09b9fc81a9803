"""Reading an uploaded resident sheet (.xlsx or CSV) into rows keyed by Chinese header.

Every problem with the file as a whole (size, format, encoding, headers, row count) is an
ImportFileError whose message a clerk can act on; nothing here touches the database.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Generator
from contextlib import closing
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.utils.translation import gettext as _

GRID_CODE = "网格编码"
HOUSE_NUMBER = "门牌号"
NAME = "姓名"
ID_NUMBER = "身份证号"
PHONE = "手机号"
KIND = "人口类型"
RELATION = "与户主关系"
TAGS = "标签"
REQUIRED_HEADERS = (GRID_CODE, HOUSE_NUMBER, NAME, ID_NUMBER, PHONE, KIND, RELATION)
OPTIONAL_HEADERS = (TAGS,)
ALL_HEADERS = REQUIRED_HEADERS + OPTIONAL_HEADERS

DATA_SHEET = "实有人口"
MAX_ROWS = 200_000
# Formatting can make a sheet report a million empty rows; stop after this many in a row.
BLANK_RUN_LIMIT = 1_000
EXTENSIONS = (".xlsx", ".csv")


class ImportFileError(ValueError):
    """The file as a whole cannot be imported; the message is for the user."""


@dataclass(frozen=True)
class SourceRow:
    number: int  # the row number Excel shows (the header is row 1)
    values: dict[str, str]


def check_size(size: int) -> None:
    limit = settings.UPLOAD_MAX_BYTES
    if size > limit:
        raise ImportFileError(
            _("文件过大(%(size)s),上限为%(limit)s。请删去多余内容或拆分成多个文件后分批导入。")
            % {"size": _mb(size), "limit": _mb(limit)}
        )


def check_extension(filename: str) -> str:
    ext = os.path.splitext(filename or "")[1].lower()
    if ext == ".xls":
        raise ImportFileError(_("不支持旧版 .xls 格式:请在Excel中“另存为”.xlsx 或 CSV 后再导入。"))
    if ext not in EXTENSIONS:
        raise ImportFileError(_("只能导入 .xlsx 或 .csv 文件。"))
    return ext


def read_rows(source: Path | str | BinaryIO, *, filename: str) -> list[SourceRow]:
    """All data rows of the file, after the file-level checks. Blank rows are skipped."""
    rows: list[SourceRow] = []
    with closing(_iter_rows(source, filename)) as it:
        for row in it:
            rows.append(row)
            if len(rows) > MAX_ROWS:
                raise ImportFileError(
                    _("数据行数超过上限%(n)s行:请拆分成多个文件后分批导入。")
                    % {"n": f"{MAX_ROWS:,}"}
                )
    if not rows:
        raise ImportFileError(_("文件中没有数据:请从第2行起(表头下方)填写居民信息。"))
    return rows


def sniff(source: BinaryIO, *, filename: str) -> None:
    """Cheap pre-check for the upload form: the file opens, the headers fit, a row exists."""
    with closing(_iter_rows(source, filename)) as it:
        for _row in it:
            return
    raise ImportFileError(_("文件中没有数据:请从第2行起(表头下方)填写居民信息。"))


def _iter_rows(source, filename: str) -> Generator[SourceRow, None, None]:
    ext = check_extension(filename)
    if isinstance(source, str | Path):
        check_size(os.path.getsize(source))
    raw_rows = _xlsx_rows(source) if ext == ".xlsx" else _csv_rows(source)
    with closing(raw_rows):
        numbered = enumerate(raw_rows, start=1)  # row numbers as Excel shows them
        header = _header(numbered)
        if header is None:
            raise ImportFileError(_("文件是空的:第一行应为表头。请下载导入模板对照填写。"))
        columns = _columns(header)
        blank_run = 0
        for number, raw in numbered:
            values = {name: _text(raw[i]) if i < len(raw) else "" for name, i in columns.items()}
            if not any(values.values()):
                blank_run += 1
                if blank_run >= BLANK_RUN_LIMIT:
                    return
                continue
            blank_run = 0
            yield SourceRow(number=number, values=values)


TITLE_ROWS = 3  # non-blank rows allowed above the header (an export's title row)


def _header(numbered) -> list | None:
    """The header row: the first non-blank row that names the required columns, within the
    first few (an export of this system has a title row above its header), else the first
    non-blank row (whose missing columns _columns() then names). Empty rows are forgiven."""
    first = None
    seen = 0
    for _number, raw in islice(numbered, BLANK_RUN_LIMIT):
        if not any(_text(c) for c in raw):
            continue
        first = raw if first is None else first
        names = {_normalize_header(c) for c in raw}
        if all(h in names for h in REQUIRED_HEADERS):
            return raw
        seen += 1
        if seen > TITLE_ROWS:
            break
    return first


def _columns(header) -> dict[str, int]:
    """Map each known header to its column index; a missing required one fails the file."""
    names = [_normalize_header(h) for h in header]
    columns: dict[str, int] = {}
    for i, name in enumerate(names):
        if name in ALL_HEADERS:
            if name in columns:
                raise ImportFileError(
                    _("表头中“%(name)s”出现了两次,请删去重复的列。") % {"name": name}
                )
            columns[name] = i
    missing = [h for h in REQUIRED_HEADERS if h not in columns]
    if missing:
        raise ImportFileError(
            _(
                "表头不正确:缺少%(missing)s。第一行应为:%(required)s(可选:%(optional)s)。"
                "请下载导入模板对照填写。"
            )
            % {
                "missing": "、".join(f"“{h}”" for h in missing),
                "required": "、".join(REQUIRED_HEADERS),
                "optional": "、".join(OPTIONAL_HEADERS),
            }
        )
    return columns


def _normalize_header(value) -> str:
    text = _text(value).replace("\ufeff", "").replace("\u3000", "").replace(" ", "")
    return text.strip("*").replace("(必填)", "").replace("(必填)", "")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        # Excel keeps 15 significant digits: a long number has already lost its tail,
        # so show it the way Excel does instead of inventing digits.
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.15G}"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    text = str(value).strip()
    # Exports put ' before text that a spreadsheet would run as a formula (core.xlsx): an
    # export brought back reads as what was exported.
    if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@"):
        return text[1:]
    return text


def _xlsx_rows(source) -> Generator[tuple, None, None]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(source, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many types for a broken file
        raise ImportFileError(
            _(
                "无法读取该Excel文件:文件已损坏或不是 .xlsx 格式。"
                "请用Excel打开后“另存为”.xlsx 再导入。"
            )
        ) from None
    try:
        ws = wb[DATA_SHEET] if DATA_SHEET in wb.sheetnames else wb.worksheets[0]
        try:
            yield from ws.iter_rows(values_only=True)
        except Exception:  # noqa: BLE001 - a damaged sheet fails part-way through
            raise ImportFileError(
                _("Excel文件内容已损坏,无法读完:请用Excel打开后“另存为”.xlsx 再导入。")
            ) from None
    finally:
        wb.close()


def _csv_rows(source) -> Generator[list[str], None, None]:
    data = Path(source).read_bytes() if isinstance(source, str | Path) else source.read()
    try:
        yield from csv.reader(io.StringIO(_decode(data), newline=""))
    except csv.Error:
        raise ImportFileError(
            _("CSV文件格式不正确:请在Excel中“另存为”CSV(逗号分隔)后再导入。")
        ) from None


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GBK: what Excel in China saves a CSV as."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")  # a superset of GBK
    except UnicodeDecodeError:
        raise ImportFileError(
            _("无法识别CSV文件的编码:请另存为“CSV UTF-8”或GBK编码的CSV后再导入。")
        ) from None


def _mb(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(size, 1) / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"
