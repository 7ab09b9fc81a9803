"""Workbooks the people app hands out: registry exports, the import template, error reports.

Exports read through the same restricted selectors as the registry pages and hold masked
values only; every export leaves an audit row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gongzhi.core import clock
from gongzhi.core.access import can
from gongzhi.core.audit import audit_record
from gongzhi.core.idcard import make_id_number
from gongzhi.core.masking import mask_address, mask_id_number, mask_phone
from gongzhi.core.models import AuditLog
from gongzhi.core.paths import subtree_q
from gongzhi.core.roles import EXPORT
from gongzhi.core.text import choice_labels
from gongzhi.core.xlsx import new_streaming_workbook, write_sheet
from gongzhi.grids.models import Grid, Level
from gongzhi.people import import_files as cols
from gongzhi.people.models import (
    Gender,
    Household,
    ImportJob,
    Relation,
    Resident,
    ResidentKind,
    ResidentTag,
    Tag,
)
from gongzhi.people.selectors import household_list_for, resident_list_for, resident_search

CHUNK = 2_000

if TYPE_CHECKING:  # openpyxl (20 MB) is imported when a workbook is made, not at start-up
    from openpyxl import Workbook


@dataclass(frozen=True)
class ExportFilters:
    """The registry's filters, as given in the query string."""

    q: str = ""
    grid: Grid | None = None
    grid_invalid: bool = False  # a grid was asked for but is not visible: export nothing
    tag: str = ""
    kind: str = ""

    @classmethod
    def from_query(cls, user, params) -> ExportFilters:
        grid, invalid = None, False
        raw_grid = (params.get("grid") or "").strip()
        if raw_grid:
            grid = (
                Grid.objects.restrict(user).filter(pk=raw_grid).first()
                if raw_grid.isdigit()
                else None
            )
            invalid = grid is None
        return cls(
            q=(params.get("q") or "").strip()[:100],
            grid=grid,
            grid_invalid=invalid,
            tag=(params.get("tag") or "").strip(),
            kind=(params.get("kind") or "").strip(),
        )

    def summary(self) -> str:
        """For the audit row; digits in the search box are masked like any identifier."""
        parts = []
        if self.q:
            q = self.q
            if q.isdigit() and len(q) == 11:
                q = mask_phone(q)
            elif len(q) >= 15 and q[:-1].isdigit():
                q = mask_id_number(q)
            parts.append(f"关键词={q}")
        if self.grid is not None or self.grid_invalid:
            parts.append(f"网格={self.grid.code if self.grid else '无效'}")
        if self.tag:
            parts.append(f"标签={self.tag}")
        if self.kind:
            parts.append(f"类型={self.kind}")
        return ";".join(parts) or "全部"


def _require_export(by) -> None:
    if not can(by, EXPORT):
        raise PermissionDenied(_("您没有导出权限"))


def _filename(title: str) -> str:
    return f"{title}_{clock.today():%Y%m%d}.xlsx"


def _audit(by, model, filters: ExportFilters, count: int, request=None) -> None:
    audit_record(
        actor=by,
        action=AuditLog.Action.EXPORT,
        target=model,
        fields=f"导出{count}条",
        reason=filters.summary(),
        request=request,
    )


# Residents -----------------------------------------------------------------------------

# The import template's columns, in its order, so an export re-imports (its masked rows are
# recognised as the residents already registered); then the full address and two more facts.
RESIDENT_HEADERS = (*cols.ALL_HEADERS, "地址", "性别", "出生年份")


RESIDENT_COLUMNS = (
    "name",
    "gender",
    "birth_date",
    "id_prefix",
    "id_suffix",
    "phone_prefix",
    "phone_suffix",
    "kind",
    "relation",
    "is_synthetic",
    "grid__code",
    "grid__full_name",
    "grid__path",
    "household__house_number",
)


def residents_queryset(by, filters: ExportFilters):
    qs = resident_list_for(by)
    if filters.grid_invalid:
        return qs.none()
    qs = resident_search(
        qs, q=filters.q, grid=filters.grid, tag=filters.tag, kind=filters.kind, user=by
    )
    # Special-population tags only for those allowed to see them: the restricted tag set.
    visible_tags = Prefetch("tags", queryset=ResidentTag.objects.restrict(by), to_attr="shown")
    # Only what the sheet shows: the encrypted identifiers are never even read.
    return (
        qs.only(*RESIDENT_COLUMNS)
        .prefetch_related(visible_tags)
        .order_by("grid__path", "household_id", "id")
    )


def _resident_rows(qs) -> Iterator[tuple]:
    gender, kind, relation, tag = (choice_labels(c) for c in (Gender, ResidentKind, Relation, Tag))
    for r in qs.iterator(chunk_size=CHUNK):
        yield (
            r.grid.code,
            r.household.house_number,
            r.masked_name,
            r.masked_id_number,
            r.masked_phone,
            kind.get(r.kind, r.kind),
            relation.get(r.relation, r.relation),
            "、".join(tag.get(t.tag, t.tag) for t in r.shown),
            # The resident's grid is the household's unit: no extra query per row.
            f"{r.grid.full_name}{r.household.house_number}",
            gender.get(r.gender, r.gender),
            r.birth_date.year,
        )


def residents_export(*, by, filters: ExportFilters, request=None) -> tuple[Workbook, str]:
    """A write-only workbook of the residents `by` may see, masked; audited."""
    _require_export(by)
    qs = residents_queryset(by, filters)
    wb = new_streaming_workbook()
    synthetic = qs.filter(is_synthetic=True).exists()
    count = write_sheet(
        wb, title="实有人口", headers=RESIDENT_HEADERS, rows=_resident_rows(qs), synthetic=synthetic
    )
    _audit(by, Resident, filters, count, request)
    return wb, _filename("实有人口")


# Households ----------------------------------------------------------------------------

HOUSEHOLD_HEADERS = ("序号", "网格编码", "地址", "户主", "人数", "登记日期")


def households_queryset(by, filters: ExportFilters):
    qs = household_list_for(by)
    if filters.grid_invalid:
        return qs.none()
    if filters.grid is not None:
        qs = qs.filter(subtree_q("unit__path", filters.grid.path))
    if filters.q:
        qs = qs.filter(house_number=filters.q) | qs.filter(unit__full_name__contains=filters.q)
    heads = Prefetch(
        "members",
        queryset=Resident.objects.filter(relation=Relation.HEAD).order_by("id"),
        to_attr="heads",
    )
    return (
        qs.annotate(member_count=Count("members"))
        .prefetch_related(heads)
        .order_by("unit__path", "house_number", "id")
    )


def _household_rows(qs) -> Iterator[tuple]:
    for n, hh in enumerate(qs.iterator(chunk_size=CHUNK), start=1):
        yield (
            n,
            hh.unit.code,
            mask_address(hh.address),
            hh.heads[0].masked_name if hh.heads else "",
            hh.member_count,
            timezone.localdate(hh.created_at),
        )


def households_export(*, by, filters: ExportFilters, request=None) -> tuple[Workbook, str]:
    _require_export(by)
    qs = households_queryset(by, filters)
    wb = new_streaming_workbook()
    synthetic = qs.filter(is_synthetic=True).exists()
    count = write_sheet(
        wb, title="户", headers=HOUSEHOLD_HEADERS, rows=_household_rows(qs), synthetic=synthetic
    )
    _audit(by, Household, filters, count, request)
    return wb, _filename("户信息")


# Import template and error report ------------------------------------------------------

COLUMN_NOTES = (
    (cols.GRID_CODE, "必填", "五级网格(单元楼)的编码,见“网格编码”工作表;只能填您管辖范围内的单元"),
    (cols.HOUSE_NUMBER, "必填", "门牌号,如 101;同一单元同一门牌号视为同一户,不存在时自动建户"),
    (cols.NAME, "必填", "姓名,不超过50个字"),
    (cols.ID_NUMBER, "必填", "18位身份证号(末位可为X)或15位旧号;请保持本列为“文本”格式"),
    (cols.PHONE, "选填", "11位手机号,或带区号的座机号"),
    (cols.KIND, "选填", "户籍人口、流动人口或境外人员;不填为户籍人口"),
    (cols.RELATION, "选填", "、".join(str(lb) for lb in Relation.labels) + ";不填为户主"),
    (cols.TAGS, "选填", "多个标签用逗号分隔,可用:" + "、".join(str(lb) for lb in Tag.labels)),
)


def import_template(by) -> tuple[Workbook, str]:
    """The .xlsx template: a data sheet with headers, notes with an example, unit codes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    with translation.override("zh-hans"):
        wb = Workbook()
        data = wb.active
        data.title = cols.DATA_SHEET
        data.append(list(cols.ALL_HEADERS))
        for i, header in enumerate(cols.ALL_HEADERS, start=1):
            letter = data.cell(row=1, column=i).column_letter
            data.cell(row=1, column=i).font = Font(bold=True)
            data.column_dimensions[letter].width = 22 if header == cols.ID_NUMBER else 14
            data.column_dimensions[letter].number_format = "@"  # keep IDs and codes as text
        data.freeze_panes = "A2"
        _choice_list(data, cols.KIND, [str(lb) for lb in ResidentKind.labels])
        _choice_list(data, cols.RELATION, [str(lb) for lb in Relation.labels])
        _notes_sheet(wb)
        _units_sheet(wb, by)
    return wb, "实有人口导入模板.xlsx"


def _choice_list(ws, header: str, labels: list[str]) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    letter = ws.cell(row=1, column=cols.ALL_HEADERS.index(header) + 1).column_letter
    dv = DataValidation(type="list", formula1='"' + ",".join(labels) + '"', allow_blank=True)
    dv.error = "请从下拉列表中选择"
    ws.add_data_validation(dv)
    dv.add(f"{letter}2:{letter}200001")


def _notes_sheet(wb: Workbook) -> None:
    from openpyxl.styles import Font

    ws = wb.create_sheet("说明")
    ws.append(["填写说明:每行一名居民,从“实有人口”工作表第2行起填写;任何一行有误时整批不导入。"])
    ws.append(["列名", "是否必填", "说明"])
    for note in COLUMN_NOTES:
        ws.append(list(note))
    ws.append([])
    ws.append(["示例(仅作参考,请勿复制到“实有人口”工作表;身份证号为合成号码)"])
    ws.append(list(cols.ALL_HEADERS))
    example_id = make_id_number("620902", dt.date(1990, 1, 1), 11)
    ws.append(
        ["示例", "101", "张三", example_id, "13800000000", "户籍人口", "户主", "独居/空巢老人"]
    )
    for row in (ws[1], ws[2], ws[len(COLUMN_NOTES) + 4]):
        for cell in row:
            cell.font = Font(bold=True)
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["C"].width = 70


def _units_sheet(wb: Workbook, by) -> None:
    ws = wb.create_sheet("网格编码")
    ws.append(["网格编码", "单元全称"])
    units = Grid.objects.restrict(by).filter(level=Level.UNIT).values_list("code", "full_name")
    for code, full_name in units.iterator(chunk_size=CHUNK):
        ws.append([code, full_name])
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 60


def error_report(job: ImportJob) -> tuple[Workbook, str]:
    wb = new_streaming_workbook()
    report = job.report or {}
    rows: list[tuple] = []
    if report.get("file_error"):
        rows.append(("", "整个文件", report["file_error"]))
    rows += [(row or "", column, message) for row, column, message in report.get("errors", [])]
    write_sheet(wb, title="导入错误报告", headers=("行号", "列", "错误原因"), rows=rows)
    return wb, f"导入错误报告_{job.filename.rsplit('.', 1)[0]}.xlsx"
