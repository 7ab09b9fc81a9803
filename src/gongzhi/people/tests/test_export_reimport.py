"""Issue 14.6: a resident export re-imports unchanged. Its columns are the import template's,
so the file goes back through the importer: rows repeating the registry (masked identifiers
matched on what the mask keeps) are skipped, a new row is added, and a changed row is refused
with nothing written."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from gongzhi.people.import_files import ALL_HEADERS
from gongzhi.people.imports import residents_import_file
from gongzhi.people.models import Household, Resident, ResidentTag
from gongzhi.people.tests.io_helpers import new_id, response_bytes, write_file


def _export(client) -> bytes:
    response = client.get(reverse("people_io:export_residents"))
    assert response.status_code == 200
    return response_bytes(response)


def _registry() -> list[tuple]:
    residents = Resident.objects.order_by("pk")
    return [
        (
            r.pk,
            r.name,
            r.id_hash,
            r.phone_hash,
            r.grid_id,
            r.household_id,
            r.kind,
            r.relation,
            r.version,
            sorted(ResidentTag.objects.filter(resident=r).values_list("tag", flat=True)),
        )
        for r in residents
    ] + [("households", Household.objects.count())]


def _edit(data: bytes, change) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    ws = wb["实有人口"]
    change(ws)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _import(tmp_path, by, data: bytes):
    path = write_file(tmp_path, "实有人口.xlsx", data)
    return residents_import_file(by=by, path=path, filename="实有人口.xlsx")


@pytest.mark.parametrize("username", ["center", "admin"])
def test_an_export_imported_again_changes_nothing(district, login, tmp_path, username):
    data = _export(login(username))
    header = [c.value for c in load_workbook(io.BytesIO(data))["实有人口"][2]]
    assert header[: len(ALL_HEADERS)] == list(ALL_HEADERS)
    before = _registry()
    report = _import(tmp_path, district.users[username], data)
    assert report.ok, report.lines()
    assert (report.created_count, report.households_created) == (0, 0)
    assert report.unchanged_count == Resident.objects.restrict(district.users[username]).count()
    assert _registry() == before


def test_a_row_added_to_an_export_is_imported_and_the_rest_left_alone(district, login, tmp_path):
    data = _export(login("center"))

    def add_neighbour(ws):
        ws.append(
            [
                district.unit_a.code,
                "102",
                "王小明",
                new_id(7),
                "13511112222",
                "户籍人口",
                "户主",
                "",
            ]
        )

    report = _import(tmp_path, district.users["center"], _edit(data, add_neighbour))
    assert report.ok, report.lines()
    assert (report.created_count, report.unchanged_count) == (1, 3)
    assert Resident.objects.filter(name="王小明", household__house_number="102").exists()


@pytest.mark.parametrize(
    ("column", "value"),
    [("与户主关系", "子女"), ("门牌号", "909"), ("姓名", "李*"), ("标签", "")],
)
def test_a_changed_export_row_is_refused_and_nothing_is_written(
    district, login, tmp_path, column, value
):
    data = _export(login("center"))
    col = list(ALL_HEADERS).index(column) + 1

    def change_first_row(ws):
        ws.cell(row=3, column=col).value = value

    before = _registry()
    report = _import(tmp_path, district.users["center"], _edit(data, change_first_row))
    assert not report.ok
    (error,) = report.errors
    assert (error.row, error.column) == (3, "身份证号")
    assert "脱敏的身份证号只能原样导回已登记的居民" in error.message
    assert _registry() == before


def test_another_centers_export_cannot_be_matched_or_written(district, login, tmp_path):
    data = _export(login("xifeng_center"))  # 陈** of 西峰镇
    before = _registry()
    report = _import(tmp_path, district.users["center"], data)
    assert not report.ok
    assert {e.column for e in report.errors} == {"网格编码"}
    assert _registry() == before


def test_a_full_row_repeating_a_registered_resident_is_skipped(district, tmp_path):
    from gongzhi.people.tests.io_helpers import row, xlsx_bytes

    a = district.residents["a_head"]
    same = row(
        district.unit_a,
        门牌号="101",
        姓名=a.name,
        身份证号=a.id_number,
        手机号=a.phone,
        标签="独居/空巢老人",
    )
    before = _registry()
    report = _import(tmp_path, district.users["admin"], xlsx_bytes([same]))
    assert report.ok and report.unchanged_count == 1 and report.created_count == 0
    assert _registry() == before
