"""Resident and household exports: masked, scoped, formula-safe, audited."""

import pytest
from django.urls import reverse

from gongzhi.core.masking import mask_name
from gongzhi.core.models import AuditLog
from gongzhi.core.xlsx import SYNTHETIC_MARK
from gongzhi.grids.services import grid_add_child
from gongzhi.people.services import household_create, resident_create
from gongzhi.people.tests.io_helpers import new_id, response_bytes, sheet_values

RESIDENTS = reverse("people_io:export_residents")
HOUSEHOLDS = reverse("people_io:export_households")


def export(client, url=RESIDENTS, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:300]
    return sheet_values(response_bytes(response))


def all_text(values) -> str:
    return "\n".join(str(v) for r in values for v in r if v is not None)


def names(values) -> set[str]:
    return {r[2] for r in values[2:]}


def test_the_export_holds_masked_values_only(district, login):
    values = export(login("admin"))
    text = all_text(values)
    a_head = district.residents["a_head"]
    for full in (a_head.name, a_head.id_number, a_head.phone, "13900005678", "欧阳明月"):
        assert full not in text
    assert a_head.masked_name in text and a_head.masked_id_number in text
    assert a_head.masked_phone in text and "欧阳**" in text
    # The full address: the unit's code and the house number locate the house anyway.
    assert "金泉路社区第一居民小组公园路46号楼院1号楼1单元101" in text


def test_the_export_starts_with_a_title_row_marking_demo_data(district, login):
    values = export(login("admin"))
    assert values[0][0].startswith("实有人口") and SYNTHETIC_MARK in values[0][0]
    # The import template's columns, in its order (an export re-imports), then more facts.
    assert values[1] == [
        "网格编码",
        "门牌号",
        "姓名",
        "身份证号",
        "手机号",
        "人口类型",
        "与户主关系",
        "标签",
        "地址",
        "性别",
        "出生年份",
    ]


def test_the_export_is_scoped_to_the_users_subtree(district, login):
    center = names(export(login("center")))
    assert {"茹**", "欧阳**", "周**"} == center  # 金泉路 only, not 西峰镇's 陈**
    assert names(export(login("xifeng_center"))) == {"陈**"}


def test_the_export_applies_the_registry_filters(district, login):
    client = login("admin")
    assert names(export(client, grid=district.unit_b.pk)) == {"周**"}
    assert names(export(client, q=district.residents["a_head"].id_number[-4:])) == {"茹**"}
    assert names(export(client, grid=999999)) == set()


def test_special_population_tags_appear_only_for_those_who_may_see_them(
    district, login, monkeypatch
):
    from gongzhi.core.roles import CAPABILITIES, VIEW_SPECIAL, Role

    assert "社区矫正" in all_text(export(login("center")))
    monkeypatch.setitem(
        CAPABILITIES, VIEW_SPECIAL, CAPABILITIES[VIEW_SPECIAL] - {Role.CENTER_STAFF}
    )
    text = all_text(export(login("center")))
    assert "社区矫正" not in text and "独居/空巢老人" in text


def test_cells_that_could_run_as_formulas_are_escaped(district, login):
    admin = district.users["admin"]
    evil_township = grid_add_child(parent=district.root, name="=HYPERLINK(1)小区")
    unit = evil_township
    for name in ("楼", "栋", "单元", "号"):
        unit = grid_add_child(parent=unit, name=name)
    household = household_create(by=admin, unit=unit, house_number="+1")
    resident_create(
        by=admin, household=household, name='=HYPERLINK("http://x","y")', id_number=new_id(61)
    )
    resident_create(by=admin, household=household, name="@SUM", id_number=new_id(62))
    for url in (RESIDENTS, HOUSEHOLDS):
        values = export(login("admin"), url=url, grid=evil_township.pk)
        cells = [v for r in values[2:] for v in r if isinstance(v, str)]
        assert cells, "the export has rows"
        risky = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
        assert risky == []
        assert "'=HYPERLINK(1)小区…" in cells or "'=HYPERLINK(1)小区楼栋单元号+1" in cells
    resident_cells = [r[2] for r in export(login("admin"), grid=evil_township.pk)[2:]]
    expected = ["'" + mask_name('=HYPERLINK("http://x","y")'), "'" + mask_name("@SUM")]
    assert sorted(resident_cells) == expected


def test_each_export_writes_an_audit_row_with_the_filters(district, login):
    client = login("center")
    export(client, q="13800001234", kind="registered")
    entry = AuditLog.objects.get(action=AuditLog.Action.EXPORT)
    assert entry.actor == district.users["center"]
    assert entry.target_type == "people.resident"
    assert entry.fields == "导出1条"
    assert entry.reason == "关键词=138****1234;类型=registered"
    export(client, url=HOUSEHOLDS)
    assert AuditLog.objects.filter(action=AuditLog.Action.EXPORT).count() == 2


def test_a_full_id_searched_for_is_masked_in_the_audit_row(district, login):
    a_spouse = district.residents["a_spouse"]  # ends with X
    export(login("center"), q=a_spouse.id_number)
    entry = AuditLog.objects.get(action=AuditLog.Action.EXPORT)
    assert a_spouse.id_number not in entry.reason
    assert entry.reason == f"关键词={a_spouse.masked_id_number}"
    assert entry.fields == "导出1条"


def test_the_file_name_is_chinese_with_the_date(district, login):
    response = login("admin").get(RESIDENTS)
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="')
    # 实有人口_YYYYMMDD.xlsx, percent-encoded per RFC 5987
    assert "filename*=UTF-8''%E5%AE%9E%E6%9C%89%E4%BA%BA%E5%8F%A3_20" in disposition


@pytest.mark.parametrize("username", ["gridworker", "mediator"])
def test_users_without_the_export_capability_get_403_and_no_audit_row(district, login, username):
    for url in (RESIDENTS, HOUSEHOLDS):
        response = login(username).get(url)
        assert response.status_code == 403
        assert "您没有导出权限" in response.content.decode()
    assert not AuditLog.objects.filter(action=AuditLog.Action.EXPORT).exists()


def test_the_household_export_lists_masked_heads_and_member_counts(district, login):
    values = export(login("center"), url=HOUSEHOLDS)
    assert values[1] == ["序号", "网格编码", "地址", "户主", "人数", "登记日期"]
    rows = {r[1]: r for r in values[2:]}
    assert set(rows) == {district.unit_a.code, district.unit_b.code}
    assert rows[district.unit_a.code][3:5] == ["茹**", 2]
    assert "茹玉芳" not in all_text(values)


def test_a_leader_may_export_the_whole_district(district, login):
    assert names(export(login("leader"))) == {"茹**", "欧阳**", "周**", "陈**"}


@pytest.mark.parametrize("url", [RESIDENTS, HOUSEHOLDS])
def test_the_export_query_count_does_not_grow_with_the_rows(
    district, login, url, django_assert_max_num_queries
):
    client = login("admin")
    with django_assert_max_num_queries(12) as baseline:
        export(client, url=url)
    admin = district.users["admin"]
    for i in range(20):
        household = household_create(by=admin, unit=district.unit_a, house_number=f"9{i}")
        resident_create(by=admin, household=household, name="钱多多", id_number=new_id(100 + i))
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        export(client, url=url)
