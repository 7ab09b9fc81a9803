"""Bulk import of residents (批量导入): validate every row first, then write all in one go.

`residents_import` is the one door: the background job, the management command, the tests
and the benchmark all call it. If any row is wrong nothing is written and the report lists
each problem by the row number and column header the user sees in Excel.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from gongzhi.core import crypto
from gongzhi.core.access import can, grid_in_scope
from gongzhi.core.audit import audit_record
from gongzhi.core.models import AuditLog
from gongzhi.core.roles import IMPORT, VIEW_SPECIAL
from gongzhi.grids.models import Grid, Level
from gongzhi.people import import_files as cols
from gongzhi.people.import_files import ImportFileError, SourceRow, read_rows
from gongzhi.people.models import (
    SPECIAL_TAGS,
    Household,
    Relation,
    Resident,
    ResidentKind,
    ResidentTag,
    Tag,
    tag_kind,
)
from gongzhi.people.services import CleanResident, build_resident, clean_resident_fields

BATCH_SIZE = 2_000
PROGRESS_EVERY = 1_000
IN_CHUNK = 900  # values per IN (...) query; stays under old SQLite's 999-parameter limit
MAX_STORED_ERRORS = 50_000

# clean_resident_fields reports per model field; the user thinks in column headers.
FIELD_COLUMNS = {
    "name": cols.NAME,
    "id_number": cols.ID_NUMBER,
    "phone": cols.PHONE,
    "kind": cols.KIND,
    "relation": cols.RELATION,
}
COLUMN_ORDER = {name: i for i, name in enumerate(cols.ALL_HEADERS)}
_TAG_SPLIT = re.compile(r"[,,、;;\s]+")

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass(frozen=True)
class RowError:
    row: int | None  # None for a problem with the file as a whole
    column: str
    message: str


@dataclass
class ImportReport:
    total_rows: int = 0
    created_count: int = 0
    households_created: int = 0
    # Rows that repeat a registered resident exactly (an export brought back): skipped.
    unchanged_count: int = 0
    file_error: str = ""
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.file_error and not self.errors

    def lines(self) -> list[str]:
        """The report as plain text lines (management command, logs)."""
        if self.file_error:
            return [f"文件错误:{self.file_error}"]
        if self.errors:
            out = [f"共{len(self.errors)}处错误,未写入任何数据:"]
            out += [f"第{e.row}行 [{e.column}] {e.message}" for e in self.errors]
            return out
        return [
            f"导入成功:新增居民{self.created_count}人,新增户{self.households_created}户"
            f"(共{self.total_rows}行,其中{self.unchanged_count}行与已登记信息相同,未作改动)。"
        ]


@dataclass(frozen=True)
class _Planned:
    number: int
    unit: Grid
    house_number: str
    clean: CleanResident
    id_hash: str
    tags: tuple[str, ...]


def residents_import_file(
    *, by, path: Path | str, filename: str = "", progress: Progress | None = None
) -> ImportReport:
    """Read a stored upload and import it; file-level problems come back in the report."""
    _require_import(by)
    _notify(progress, "reading", 0, 0)
    filename = filename or Path(path).name
    try:
        rows = read_rows(path, filename=filename)
    except ImportFileError as exc:
        return ImportReport(file_error=str(exc))
    return residents_import(by=by, rows=rows, progress=progress, source=filename)


def residents_import(
    *,
    by,
    rows: Sequence[SourceRow],
    progress: Progress | None = None,
    source: str = "",
) -> ImportReport:
    """Validate every row, then (only if all are valid) create households and residents."""
    _require_import(by)
    report = ImportReport(total_rows=len(rows))
    # Choice labels (人口类型, 与户主关系, 标签) are matched in Chinese whatever the UI language.
    with translation.override(settings.LANGUAGE_CODE):
        plan = _validate(by, rows, report, progress)
    if report.errors:
        report.errors.sort(key=lambda e: (e.row or 0, COLUMN_ORDER.get(e.column, 99)))
        return report
    try:
        _write(by, plan, report, progress, source)
    except IntegrityError:
        # Someone registered one of these IDs (or houses) while we were validating.
        report.created_count = report.households_created = 0
        report.file_error = _(
            "导入期间有相同身份证号或门牌被他人同时登记,本次未写入任何数据,请重新导入。"
        )
    return report


def _require_import(by) -> None:
    if not can(by, IMPORT):
        raise PermissionDenied(_("您没有批量导入权限"))


def _notify(progress: Progress | None, stage: str, done: int, total: int) -> None:
    if progress is not None:
        progress(stage, done, total)


# Validation ----------------------------------------------------------------------------


def _validate(by, rows: Sequence[SourceRow], report: ImportReport, progress) -> list[_Planned]:
    total = len(rows)
    errors = report.errors
    units = _grids_by_code({r.values[cols.GRID_CODE] for r in rows})
    unit_problem: dict[str, str] = {}
    may_tag_special = can(by, VIEW_SPECIAL)
    tag_lookup = _tag_lookup()
    choices = _choice_lookup()
    first_seen: dict[str, int] = {}  # id_hash -> row number
    plan: list[_Planned] = []

    masked_rows: list[_MaskedRow] = []
    for i, row in enumerate(rows, start=1):
        problems = _row_problems(row.values, unit_problem, units, by)
        tags, tag_error = _parse_tags(row.values.get(cols.TAGS, ""), tag_lookup, may_tag_special)
        if _MASKED_ID.match(row.values[cols.ID_NUMBER].upper()):
            # A row of an export: it can only repeat a resident already registered.
            problems += [(cols.TAGS, tag_error)] if tag_error else []
            if problems:
                errors.extend(RowError(row.number, c, m) for c, m in problems)
            else:
                masked_rows.append(_MaskedRow(row, units[row.values[cols.GRID_CODE]], tags))
            continue
        clean, problems_from_fields = _clean(row.values, choices)
        problems += problems_from_fields
        id_hash = ""
        if clean is not None:
            id_hash = crypto.blind_index("id", clean.id_number)
            if id_hash in first_seen:
                problems.append(
                    (cols.ID_NUMBER, _("身份证号与第%(row)d行重复") % {"row": first_seen[id_hash]})
                )
            else:
                first_seen[id_hash] = row.number
        if tag_error:
            problems.append((cols.TAGS, tag_error))

        if problems:
            errors.extend(RowError(row.number, column, message) for column, message in problems)
        else:  # planned even after an error elsewhere: a repeat of a registered row is told apart
            unit = units[row.values[cols.GRID_CODE]]
            house = row.values[cols.HOUSE_NUMBER]
            plan.append(_Planned(row.number, unit, house, clean, id_hash, tags))  # type: ignore[arg-type]
        if i % PROGRESS_EVERY == 0:
            _notify(progress, "validating", i, total)
        if len(errors) >= MAX_STORED_ERRORS:
            break

    same = _repeats(by, plan, _already_registered(first_seen), errors, choices)
    same |= _masked_repeats(by, masked_rows, errors, choices)
    report.unchanged_count = len(same)
    _notify(progress, "validating", total, total)
    return [p for p in plan if p.number not in same]


def _row_problems(values, unit_problem, units, by) -> list[tuple[str, str]]:
    """Problems with the row's place: the unit (cached per code) and the house number."""
    problems: list[tuple[str, str]] = []
    code = values[cols.GRID_CODE]
    if code not in unit_problem:
        unit_problem[code] = _unit_problem(by, code, units.get(code))
    if unit_problem[code]:
        problems.append((cols.GRID_CODE, unit_problem[code]))
    house = values[cols.HOUSE_NUMBER]
    if not house:
        problems.append((cols.HOUSE_NUMBER, _("门牌号不能为空")))
    elif len(house) > 30:
        problems.append((cols.HOUSE_NUMBER, _("门牌号不能超过30个字符")))
    return problems


def _clean(values, choices) -> tuple[CleanResident | None, list[tuple[str, str]]]:
    """The person's own fields, checked by the same function the forms use."""
    problems: list[tuple[str, str]] = []
    # Excel turns a long number typed without text format into 6.20902199003071E+17.
    lost_digits = "E+" in values[cols.ID_NUMBER].upper()
    if lost_digits:
        problems.append((cols.ID_NUMBER, _lost_digits()))
    try:
        clean = clean_resident_fields(
            name=values[cols.NAME],
            id_number=values[cols.ID_NUMBER],
            phone=values[cols.PHONE],
            kind=choices.get(values[cols.KIND], values[cols.KIND]),
            relation=choices.get(values[cols.RELATION], values[cols.RELATION]),
        )
    except ValidationError as exc:
        for field_name, messages in exc.message_dict.items():
            column = FIELD_COLUMNS.get(field_name, field_name)
            if not (column == cols.ID_NUMBER and lost_digits):  # explained above already
                problems.append((column, messages[0]))
        return None, problems
    return clean, problems


def _lost_digits() -> str:
    return _("身份证号被Excel存成了数字(科学计数法),末几位已丢失:请把该列设为“文本”格式后重新输入")


def _choice_lookup() -> dict[str, str]:
    """Chinese labels of 人口类型 and 与户主关系 -> stored values, resolved once per import.

    clean_resident_fields accepts labels too, but looks each one up through the lazy
    translations; at 50,000 rows that alone takes seconds. Unknown text passes through
    unchanged, so clean_resident_fields still gives the error message.
    """
    lookup: dict[str, str] = {}
    for choices in (ResidentKind, Relation):
        lookup.update({str(label): value for value, label in choices.choices})
    return lookup


def _grids_by_code(codes: Iterable[str]) -> dict[str, Grid]:
    codes = sorted(c for c in codes if c)
    found: dict[str, Grid] = {}
    for start in range(0, len(codes), IN_CHUNK):
        for grid in Grid.objects.filter(code__in=codes[start : start + IN_CHUNK]):
            found[grid.code] = grid
    return found


def _unit_problem(by, code: str, grid: Grid | None) -> str:
    if not code:
        return _("网格编码不能为空")
    if grid is None:
        return _("网格编码不存在,请核对五级网格(单元楼)编码")
    if grid.level != Level.UNIT:
        return _("该编码是%(level)s网格“%(name)s”,居民只能登记在五级网格(单元楼)下") % {
            "level": grid.level_label,
            "name": grid.name,
        }
    if not grid_in_scope(by, grid):
        return _("该网格不在您的管辖范围内")
    return ""


def _tag_lookup() -> dict[str, str]:
    lookup = {value: value for value in Tag.values}
    lookup.update({str(label): value for value, label in Tag.choices})
    return lookup


def _parse_tags(
    text: str, lookup: dict[str, str], may_tag_special: bool
) -> tuple[tuple[str, ...], str]:
    if not text:
        return (), ""
    tags: list[str] = []
    for part in _TAG_SPLIT.split(text):
        if not part:
            continue
        tag = lookup.get(part)
        if tag is None:
            known = "、".join(str(label) for label in Tag.labels)
            return (), _("未知标签“%(tag)s”,可用标签:%(known)s") % {"tag": part, "known": known}
        if tag in SPECIAL_TAGS and not may_tag_special:
            return (), _("您无权登记重点人员标签“%(tag)s”") % {"tag": part}
        if tag not in tags:
            tags.append(tag)
    return tuple(tags), ""


def _already_registered(first_seen: dict[str, int]) -> dict[int, Resident]:
    """Row number → the registered resident with its ID: one query per chunk, not per row."""
    hashes = list(first_seen)
    taken: dict[int, Resident] = {}
    for start in range(0, len(hashes), IN_CHUNK):
        chunk = hashes[start : start + IN_CHUNK]
        for resident in _with_place(Resident.objects.filter(id_hash__in=chunk)):
            taken[first_seen[resident.id_hash]] = resident
    return taken


def _with_place(qs):
    return qs.select_related("household", "grid").prefetch_related("tags")


# Rows that repeat what is registered --------------------------------------------------------
# An export of this system re-imports unchanged: a row identical to a registered resident is
# skipped, while one that differs is an error (import only adds people; edits go through the
# resident's page, with its version check and audit). Export rows carry masked identifiers,
# matched on what the mask keeps: the household, the ID's first six and last four characters,
# the masked name and phone.

_MASKED_ID = re.compile(r"^\d{6}\*{8}[\dX]{4}$")


@dataclass(frozen=True)
class _MaskedRow:
    row: SourceRow
    unit: Grid
    tags: tuple[str, ...]


def _visible_tags(by, resident: Resident) -> set[str]:
    special = can(by, VIEW_SPECIAL)
    return {t.tag for t in resident.tags.all() if special or t.tag not in SPECIAL_TAGS}


def _same(by, resident: Resident, *, unit, house, values, tags, choices) -> bool:
    """The row says what is registered: place, type, relation and (visible) tags; the caller
    compares the identifiers, in full or masked."""
    kind = choices.get(values[cols.KIND], values[cols.KIND]) or ResidentKind.REGISTERED
    relation = choices.get(values[cols.RELATION], values[cols.RELATION]) or Relation.HEAD
    return (
        resident.grid_id == unit.pk
        and resident.household.house_number == house
        and resident.kind == kind
        and resident.relation == relation
        and set(tags) == _visible_tags(by, resident)
    )


def _repeats(by, plan, taken: dict[int, Resident], errors, choices) -> set[int]:
    planned = {p.number: p for p in plan}
    same: set[int] = set()
    for number, resident in sorted(taken.items()):
        p = planned.get(number)
        if p is not None and (
            resident.name == p.clean.name
            and resident.phone == p.clean.phone
            and _same(
                by,
                resident,
                unit=p.unit,
                house=p.house_number,
                tags=p.tags,
                values=_values_of(p),
                choices=choices,
            )
        ):
            same.add(number)
        elif p is not None:  # a row with problems of its own has them reported already
            errors.append(RowError(number, cols.ID_NUMBER, _differs()))
    return same


def _values_of(p: _Planned) -> dict[str, str]:
    return {cols.KIND: p.clean.kind, cols.RELATION: p.clean.relation}


def _differs() -> str:
    return _(
        "该身份证号已登记,且本行与登记信息不一致:批量导入只新增居民,修改已登记居民请到居民页面办理"
    )


def _masked_repeats(by, rows: list[_MaskedRow], errors, choices) -> set[int]:
    if not rows:
        return set()
    units = sorted({r.unit.pk for r in rows})
    registered: dict[tuple[int, str], list[Resident]] = {}
    for start in range(0, len(units), IN_CHUNK):
        qs = Resident.objects.restrict(by).filter(grid_id__in=units[start : start + IN_CHUNK])
        for resident in _with_place(qs):
            registered.setdefault((resident.grid_id, resident.household.house_number), []).append(
                resident
            )
    same: set[int] = set()
    for m in rows:
        values = m.row.values
        house, masked_id = values[cols.HOUSE_NUMBER], values[cols.ID_NUMBER].upper()
        matches = [
            r
            for r in registered.get((m.unit.pk, house), [])
            if (r.id_prefix, r.id_suffix) == (masked_id[:6], masked_id[-4:])
            and r.masked_name == values[cols.NAME]
            and r.masked_phone == values[cols.PHONE]
            and _same(by, r, unit=m.unit, house=house, values=values, tags=m.tags, choices=choices)
        ]
        if len(matches) == 1:
            same.add(m.row.number)
        else:
            errors.append(
                RowError(
                    m.row.number,
                    cols.ID_NUMBER,
                    _(
                        "本行是导出的脱敏数据,但与登记信息不一致:脱敏的身份证号只能原样导回"
                        "已登记的居民,新增居民请填写完整的18位身份证号"
                    ),
                )
            )
    return same


# Writing -------------------------------------------------------------------------------


def _write(by, plan: list[_Planned], report: ImportReport, progress, source: str) -> None:
    total = len(plan)
    _notify(progress, "writing", 0, total)
    with transaction.atomic():
        households = _households(plan, report)
        residents = [build_resident(p.clean, household=households[_key(p)]) for p in plan]
        for start in range(0, total, BATCH_SIZE):
            Resident.objects.bulk_create(residents[start : start + BATCH_SIZE])
            _notify(progress, "writing", min(start + BATCH_SIZE, total), total)
        tags = [
            ResidentTag(resident=resident, tag=tag, kind=tag_kind(tag))
            for p, resident in zip(plan, residents, strict=True)
            for tag in p.tags
        ]
        ResidentTag.objects.bulk_create(tags, batch_size=BATCH_SIZE)
        report.created_count = total
        # One audit row per import: who loaded how many identities, from which file.
        audit_record(
            actor=by,
            action=AuditLog.Action.IMPORT,
            target=Resident,
            fields=f"新增居民{total}人,新增户{report.households_created}户",
            reason=source,
        )


def _key(p: _Planned) -> tuple[int, str]:
    return (p.unit.pk, p.house_number)


def _households(plan: list[_Planned], report: ImportReport) -> dict[tuple[int, str], Household]:
    """Existing households by (unit, 门牌号); the missing ones are created in bulk."""
    wanted = {_key(p) for p in plan}
    unit_ids = sorted({unit_id for unit_id, _ in wanted})
    found: dict[tuple[int, str], Household] = {}
    for start in range(0, len(unit_ids), IN_CHUNK):
        for hh in Household.objects.filter(unit_id__in=unit_ids[start : start + IN_CHUNK]):
            if (hh.unit_id, hh.house_number) in wanted:
                found[(hh.unit_id, hh.house_number)] = hh
    new = [Household(unit_id=u, house_number=h) for u, h in sorted(wanted - found.keys())]
    # Both SQLite and PostgreSQL return the new primary keys from bulk_create.
    for hh in Household.objects.bulk_create(new, batch_size=BATCH_SIZE):
        found[(hh.unit_id, hh.house_number)] = hh
    report.households_created = len(new)
    return found
