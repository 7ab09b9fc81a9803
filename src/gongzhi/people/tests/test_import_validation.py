"""The importer checks every row before writing; any problem means nothing is written."""

import pytest
from django.core.exceptions import PermissionDenied

from gongzhi.core.roles import CAPABILITIES, IMPORT, VIEW_SPECIAL, Role
from gongzhi.people import import_files
from gongzhi.people.imports import residents_import_file
from gongzhi.people.models import Household, Resident, ResidentTag
from gongzhi.people.tests.io_helpers import csv_bytes, new_id, row, write_file, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def counts():
    """Snapshot of what exists, to prove a failed import wrote nothing."""

    def snapshot():
        return (Resident.objects.count(), Household.objects.count(), ResidentTag.objects.count())

    return snapshot


def run(tmp_path, user, rows, *, name="people.xlsx", data=None):
    path = write_file(tmp_path, name, data if data is not None else xlsx_bytes(rows))
    return residents_import_file(by=user, path=path, filename=name)


def only_error(report):
    assert not report.file_error, report.file_error
    assert len(report.errors) == 1, report.errors
    return report.errors[0]


def test_it_rejects_a_wrong_id_checksum_and_writes_nothing(district, tmp_path, counts):
    before = counts()
    good, bad = new_id(1), new_id(2)
    wrong = bad[:17] + ("0" if bad[17] != "0" else "1")
    rows = [row(district.unit_a, 身份证号=good), row(district.unit_a, 身份证号=wrong, 门牌号="202")]
    report = run(tmp_path, district.users["admin"], rows)
    error = only_error(report)
    assert (error.row, error.column) == (3, "身份证号")
    assert error.message == "身份证号校验位错误,请核对号码"
    assert counts() == before


def test_it_rejects_an_id_repeated_within_the_file(district, tmp_path, counts):
    before = counts()
    rows = [row(district.unit_a, 身份证号=new_id(5)), row(district.unit_a, 身份证号=new_id(5))]
    error = only_error(run(tmp_path, district.users["admin"], rows))
    assert (error.row, error.column, error.message) == (3, "身份证号", "身份证号与第2行重复")
    assert counts() == before


def test_it_rejects_an_id_already_registered(district, tmp_path, counts):
    before = counts()
    registered = district.residents["a_head"].id_number
    rows = [row(district.unit_a, 身份证号=new_id(6)), row(district.unit_a, 身份证号=registered)]
    error = only_error(run(tmp_path, district.users["admin"], rows))
    assert (error.row, error.column) == (3, "身份证号")
    # The row differs from what is registered (another house): an import only adds people.
    assert error.message.startswith("该身份证号已登记,且本行与登记信息不一致")
    assert counts() == before


def test_it_checks_registered_ids_with_one_query_per_chunk_not_per_row(
    district, tmp_path, django_assert_max_num_queries
):
    rows = [row(district.unit_a, 身份证号=new_id(i), 门牌号=str(i)) for i in range(1, 301)]
    rows[-1]["身份证号"] = district.residents["b_head"].id_number
    path = write_file(tmp_path, "p.xlsx", xlsx_bytes(rows))
    admin = district.users["admin"]
    with django_assert_max_num_queries(6):
        report = residents_import_file(by=admin, path=path, filename="p.xlsx")
    assert [e.row for e in report.errors] == [301]


def test_it_rejects_an_unknown_grid_code(district, tmp_path, counts):
    before = counts()
    error = only_error(
        run(tmp_path, district.users["admin"], [row(district.unit_a, 网格编码="999")])
    )
    assert (error.row, error.column) == (2, "网格编码")
    assert error.message == "网格编码不存在,请核对五级网格(单元楼)编码"
    assert counts() == before


def test_it_rejects_a_grid_that_is_not_a_level_5_unit(district, tmp_path, counts):
    before = counts()
    report = run(tmp_path, district.users["admin"], [row(district.building)])
    error = only_error(report)
    assert error.column == "网格编码"
    assert "居民只能登记在五级网格(单元楼)下" in error.message
    assert counts() == before


def test_it_rejects_a_unit_outside_the_importers_subtree(district, tmp_path, counts):
    before = counts()
    report = run(tmp_path, district.users["xifeng_center"], [row(district.unit_a)])
    error = only_error(report)
    assert (error.column, error.message) == ("网格编码", "该网格不在您的管辖范围内")
    assert counts() == before


def test_a_grid_worker_allowed_to_import_cannot_import_into_the_sibling_unit(
    district, tmp_path, counts, monkeypatch
):
    monkeypatch.setitem(CAPABILITIES, IMPORT, CAPABILITIES[IMPORT] | {Role.GRID_WORKER})
    before = counts()
    rows = [row(district.unit_a, 身份证号=new_id(1)), row(district.unit_b, 身份证号=new_id(2))]
    error = only_error(run(tmp_path, district.users["gridworker"], rows))
    assert (error.row, error.column, error.message) == (3, "网格编码", "该网格不在您的管辖范围内")
    assert counts() == before


def test_it_rejects_an_invalid_phone_number(district, tmp_path, counts):
    before = counts()
    error = only_error(
        run(tmp_path, district.users["admin"], [row(district.unit_a, 手机号="12345")])
    )
    assert (error.row, error.column) == (2, "手机号")
    assert error.message.startswith("电话号码格式不正确")
    assert counts() == before


def test_it_rejects_a_special_population_tag_from_a_user_without_view_special(
    district, tmp_path, counts, monkeypatch
):
    monkeypatch.setitem(
        CAPABILITIES, VIEW_SPECIAL, CAPABILITIES[VIEW_SPECIAL] - {Role.CENTER_STAFF}
    )
    before = counts()
    report = run(
        tmp_path, district.users["center"], [row(district.unit_a, 标签="独居/空巢老人,社区矫正")]
    )
    error = only_error(report)
    assert (error.column, error.message) == ("标签", "您无权登记重点人员标签“社区矫正”")
    assert counts() == before


def test_it_rejects_an_unknown_tag(district, tmp_path, counts):
    before = counts()
    error = only_error(run(tmp_path, district.users["admin"], [row(district.unit_a, 标签="好人")]))
    assert error.column == "标签"
    assert error.message.startswith("未知标签“好人”")
    assert counts() == before


def test_it_reports_every_bad_row_with_excel_row_numbers_and_headers(district, tmp_path, counts):
    before = counts()
    rows = [
        row(district.unit_a, 身份证号=new_id(1)),
        row(district.unit_a, 身份证号="123", 姓名=""),
        row(district.unit_a, 身份证号=new_id(3), 门牌号="", 人口类型="外星人"),
    ]
    report = run(tmp_path, district.users["admin"], rows)
    assert [(e.row, e.column) for e in report.errors] == [
        (3, "姓名"),
        (3, "身份证号"),
        (4, "门牌号"),
        (4, "人口类型"),
    ]
    assert report.errors[0].message == "姓名不能为空"
    assert counts() == before


def test_it_explains_an_id_that_excel_turned_into_a_number(district, tmp_path, counts):
    before = counts()
    rows = [row(district.unit_a, 身份证号=6.20902199003071e17)]
    error = only_error(run(tmp_path, district.users["admin"], rows))
    assert error.column == "身份证号"
    assert "科学计数法" in error.message
    assert counts() == before


def test_it_rejects_random_bytes_named_xlsx(district, tmp_path, counts):
    before = counts()
    report = run(tmp_path, district.users["admin"], [], data=b"\x00\x01garbage" * 100)
    assert report.file_error.startswith("无法读取该Excel文件:文件已损坏或不是 .xlsx 格式")
    assert not report.errors
    assert counts() == before


def test_it_rejects_wrong_column_headers_with_one_file_level_error(district, tmp_path, counts):
    before = counts()
    headers = ["网格", "门牌号", "名字", "身份证号"]
    data = xlsx_bytes([{"网格": district.unit_a.code, "门牌号": "1"}], headers=headers)
    report = run(tmp_path, district.users["admin"], [], data=data)
    assert report.file_error.startswith("表头不正确:缺少“网格编码”、“姓名”、“手机号”")
    assert (
        "第一行应为:网格编码、门牌号、姓名、身份证号、手机号、人口类型、与户主关系"
        in report.file_error
    )
    assert not report.errors
    assert counts() == before


def test_it_rejects_a_file_over_the_upload_cap_before_parsing(district, tmp_path, counts, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    before = counts()
    rows = [row(district.unit_a, 身份证号=new_id(i), 门牌号=str(i)) for i in range(1, 200)]
    report = run(tmp_path, district.users["admin"], rows)
    assert report.file_error.startswith("文件过大")
    assert "上限为1 KB" in report.file_error
    assert counts() == before


def test_it_rejects_a_file_with_headers_but_no_rows(district, tmp_path, counts):
    before = counts()
    report = run(tmp_path, district.users["admin"], [])
    assert report.file_error == "文件中没有数据:请从第2行起(表头下方)填写居民信息。"
    assert counts() == before


def test_it_rejects_an_empty_csv(district, tmp_path, counts):
    before = counts()
    report = run(tmp_path, district.users["admin"], [], name="empty.csv", data=b"")
    assert report.file_error == "文件是空的:第一行应为表头。请下载导入模板对照填写。"
    assert counts() == before


def test_it_rejects_more_rows_than_the_cap(district, tmp_path, counts, monkeypatch):
    monkeypatch.setattr(import_files, "MAX_ROWS", 3)
    before = counts()
    rows = [row(district.unit_a, 身份证号=new_id(i), 门牌号=str(i)) for i in range(1, 5)]
    report = run(tmp_path, district.users["admin"], rows, name="many.csv", data=csv_bytes(rows))
    assert report.file_error == "数据行数超过上限3行:请拆分成多个文件后分批导入。"
    assert counts() == before


def test_it_rejects_an_old_xls_file(district, tmp_path):
    report = run(tmp_path, district.users["admin"], [], name="old.xls", data=b"whatever")
    assert report.file_error.startswith("不支持旧版 .xls 格式")


def test_a_read_only_leader_cannot_import(district, tmp_path, counts):
    before = counts()
    path = write_file(tmp_path, "p.xlsx", xlsx_bytes([row(district.unit_a)]))
    with pytest.raises(PermissionDenied, match="您没有批量导入权限"):
        residents_import_file(by=district.users["leader"], path=path)
    assert counts() == before


def test_an_id_registered_by_someone_else_during_the_import_rolls_everything_back(
    district, tmp_path, counts, monkeypatch
):
    from gongzhi.people import imports

    # Simulate the race: the ID is free while validating, taken by the time we write.
    monkeypatch.setattr(imports, "_already_registered", lambda first_seen: {})
    before = counts()
    taken = district.residents["x_head"].id_number
    rows = [
        row(district.unit_a, 门牌号="888", 身份证号=new_id(1)),
        row(district.unit_a, 身份证号=taken),
    ]
    report = run(tmp_path, district.users["admin"], rows)
    assert report.file_error.startswith(
        "导入期间有相同身份证号或门牌被他人同时登记,本次未写入任何数据"
    )
    assert (report.created_count, report.households_created) == (0, 0)
    assert counts() == before
