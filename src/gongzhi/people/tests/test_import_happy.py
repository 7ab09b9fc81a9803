"""Valid files (xlsx, CSV in UTF-8 with/without BOM and in GBK) create what they describe."""

import pytest

from gongzhi.core.models import AuditLog
from gongzhi.core.testing import fresh
from gongzhi.people.imports import residents_import_file
from gongzhi.people.models import Household, Resident, ResidentTag
from gongzhi.people.services import id_number_taken
from gongzhi.people.tests.io_helpers import csv_bytes, new_id, row, write_file, xlsx_bytes

pytestmark = pytest.mark.django_db


def family(unit):
    return [
        row(unit, 门牌号="301", 姓名="王大山", 身份证号=new_id(11), 与户主关系="户主"),
        row(
            unit,
            门牌号="301",
            姓名="李秀兰",
            身份证号=new_id(12),
            与户主关系="配偶",
            标签="残疾人、困难家庭",
        ),
        row(unit, 门牌号="302", 姓名="赵六", 身份证号=new_id(13), 手机号="", 人口类型="流动人口"),
    ]


def check_family_created(unit, report):
    assert report.ok, report.lines()
    assert (report.created_count, report.households_created) == (3, 2)
    members = Resident.objects.filter(grid=unit, name__in=["王大山", "李秀兰", "赵六"])
    assert members.count() == 3
    li = members.get(name="李秀兰")
    assert li.household.house_number == "301"
    assert li.relation == "spouse"
    assert li.id_number == new_id(12)
    assert li.phone == "13511112222"
    assert sorted(li.tags.values_list("tag", flat=True)) == ["disabled", "hardship"]
    zhao = members.get(name="赵六")
    assert (zhao.kind, zhao.phone, zhao.household.house_number) == ("floating", "", "302")


def test_an_xlsx_file_creates_households_residents_and_tags(district, tmp_path):
    path = write_file(tmp_path, "p.xlsx", xlsx_bytes(family(district.unit_a)))
    report = residents_import_file(by=district.users["center"], path=path)
    check_family_created(district.unit_a, report)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk"])
def test_a_csv_file_in_any_common_encoding_imports_the_same(district, tmp_path, encoding):
    path = write_file(tmp_path, "p.csv", csv_bytes(family(district.unit_a), encoding=encoding))
    report = residents_import_file(by=district.users["center"], path=path)
    check_family_created(district.unit_a, report)


def test_an_existing_household_is_reused_not_duplicated(district, tmp_path):
    household = district.households["a"]  # unit_a, 101
    rows = [
        row(district.unit_a, 门牌号="101", 姓名="新成员", 身份证号=new_id(21), 与户主关系="子女")
    ]
    path = write_file(tmp_path, "p.xlsx", xlsx_bytes(rows))
    before = Household.objects.count()
    report = residents_import_file(by=district.users["admin"], path=path)
    assert report.ok and report.households_created == 0
    assert Household.objects.count() == before
    assert fresh(household).members.filter(name="新成员").exists()


def test_blank_rows_are_skipped_and_row_numbers_still_match_excel(district, tmp_path):
    rows = [row(district.unit_a, 身份证号=new_id(31)), {}, row(district.unit_a, 身份证号="bad")]
    path = write_file(tmp_path, "p.xlsx", xlsx_bytes(rows))
    report = residents_import_file(by=district.users["admin"], path=path)
    assert [(e.row, e.column) for e in report.errors] == [(4, "身份证号")]


def test_an_import_leaves_one_audit_row(district, tmp_path):
    path = write_file(tmp_path, "p.xlsx", xlsx_bytes(family(district.unit_a)))
    residents_import_file(by=district.users["center"], path=path, filename="家庭.xlsx")
    entry = AuditLog.objects.get(action=AuditLog.Action.IMPORT)
    assert entry.actor == district.users["center"]
    assert entry.reason == "家庭.xlsx"
    assert entry.fields == "新增居民3人,新增户2户"


def test_imported_ids_count_as_registered_for_later_checks(district, tmp_path):
    path = write_file(tmp_path, "p.xlsx", xlsx_bytes(family(district.unit_a)))
    residents_import_file(by=district.users["admin"], path=path)
    assert id_number_taken(new_id(12))
    assert ResidentTag.objects.filter(resident__name="李秀兰", kind="care").count() == 2


def test_blank_rows_above_the_header_are_forgiven_and_row_numbers_still_match(district, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active  # rows 1-2 stay empty; the header is on row 3, data on row 5
    headers = ["网格编码", "门牌号", "姓名", "身份证号", "手机号", "人口类型", "与户主关系"]
    for col, header in enumerate(headers, start=1):
        ws.cell(row=3, column=col, value=header)
    for col, value in enumerate([district.unit_a.code, "1", "某某", "bad", "", "", ""], start=1):
        ws.cell(row=5, column=col, value=value)
    path = tmp_path / "p.xlsx"
    wb.save(path)
    report = residents_import_file(by=district.users["admin"], path=path)
    assert [(e.row, e.column) for e in report.errors] == [(5, "身份证号")]
