"""Builders for import/export tests: spreadsheets in memory, rows, uploads."""

import csv
import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from gongzhi.core.idcard import make_id_number
from gongzhi.people.import_files import ALL_HEADERS

HEADERS = list(ALL_HEADERS)


def new_id(seq: int) -> str:
    """A checksum-valid synthetic ID not used by the test district."""
    return make_id_number("620902", dt.date(1980, 1, 1) + dt.timedelta(days=seq // 500), seq)


def row(unit, **overrides) -> dict:
    values = {
        "网格编码": unit.code,
        "门牌号": "201",
        "姓名": "王小明",
        "身份证号": new_id(1),
        "手机号": "13511112222",
        "人口类型": "户籍人口",
        "与户主关系": "户主",
        "标签": "",
    }
    values.update(overrides)
    return values


def xlsx_bytes(rows: list[dict], headers: list[str] = HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "实有人口"
    ws.append(headers)
    for r in rows:
        ws.append([r.get(h, "") for h in headers])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(rows: list[dict], encoding: str = "utf-8-sig", headers=HEADERS) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for r in rows:
        writer.writerow([r.get(h, "") for h in headers])
    return out.getvalue().encode(encoding)


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def write_file(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def sheet_values(data: bytes, sheet: int = 0) -> list[list]:
    ws = load_workbook(io.BytesIO(data), read_only=True).worksheets[sheet]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def response_bytes(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content
