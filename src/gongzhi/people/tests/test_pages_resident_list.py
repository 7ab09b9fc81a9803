import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongzhi.core.idcard import make_id_number
from gongzhi.people.services import household_create, resident_create, resident_tag_add
from gongzhi.people.tests.pages import list_url, shown_residents, shown_tags


def pks(district, *names):
    return {district.residents[n].pk for n in names}


@pytest.mark.parametrize(
    ("username", "visible"),
    [
        ("gridworker", ("a_head", "a_spouse")),
        ("center", ("a_head", "a_spouse", "b_head")),
        ("xifeng_center", ("x_head",)),
        ("leader", ("a_head", "a_spouse", "b_head", "x_head")),
    ],
)
def test_the_list_shows_exactly_the_residents_in_the_users_subtree(
    district, login, username, visible
):
    response = login(username).get(list_url())
    assert response.status_code == 200
    assert shown_residents(response) == pks(district, *visible)


def test_a_grid_worker_cannot_find_a_sibling_units_resident_by_id_suffix(district, login):
    b_head = district.residents["b_head"]
    response = login("gridworker").get(list_url(q=b_head.id_suffix))
    assert shown_residents(response) == set()


def test_a_grid_worker_cannot_find_a_sibling_units_resident_by_name(district, login):
    response = login("gridworker").get(list_url(q="周金玉"))
    assert shown_residents(response) == set()


def test_the_center_finds_a_resident_by_id_suffix(district, login):
    b_head = district.residents["b_head"]
    response = login("center").get(list_url(q=b_head.id_number[-4:]))
    assert shown_residents(response) == {b_head.pk}


@pytest.mark.parametrize("query", ["full_id", "full_phone", "phone_suffix", "name_prefix"])
def test_the_search_box_matches_each_kind_of_query(district, login, query):
    a_head = district.residents["a_head"]
    q = {
        "full_id": a_head.id_number,
        "full_phone": a_head.phone,
        "phone_suffix": a_head.phone[-4:],
        "name_prefix": a_head.name[:2],
    }[query]
    response = login("center").get(list_url(q=q))
    assert shown_residents(response) == {a_head.pk}


def test_address_text_matches_every_resident_of_the_courtyard(district, login):
    response = login("center").get(list_url(q="公园路46号"))
    assert shown_residents(response) == pks(district, "a_head", "a_spouse", "b_head")


def test_the_grid_filter_keeps_the_subtree_of_a_unit(district, login):
    response = login("center").get(list_url(grid=district.unit_b.pk))
    assert shown_residents(response) == pks(district, "b_head")


def test_a_grid_filter_outside_the_scope_shows_an_error_and_no_rows(district, login):
    response = login("center").get(list_url(grid=district.xifeng.pk))
    assert response.status_code == 200
    assert shown_residents(response) == set()
    assert "不在您的管辖范围内" in response.content.decode()


def test_junk_filters_never_fail(district, login):
    response = login("center").get(list_url(grid="abc", kind="nope", page="-3"))
    assert response.status_code == 200
    assert shown_residents(response) == set()


def test_the_kind_filter_keeps_only_that_population_type(district, login):
    assert shown_residents(login("center").get(list_url(kind="floating"))) == set()
    registered = login("center").get(list_url(kind="registered"))
    assert shown_residents(registered) == pks(district, "a_head", "a_spouse", "b_head")


@pytest.mark.parametrize("username", ["center", "police", "admin"])
def test_special_population_tags_are_shown_to_roles_that_may_see_them(district, login, username):
    response = login(username).get(list_url())
    assert "community_correction" in shown_tags(response)


@pytest.mark.parametrize("username", ["gridworker", "leader", "mediator", "counselor"])
def test_special_population_tags_are_hidden_from_other_roles(district, login, username):
    response = login(username).get(list_url())
    assert shown_residents(response) >= pks(district, "a_spouse")
    assert "community_correction" not in shown_tags(response)
    assert "released_prisoner" not in shown_tags(response)
    assert "elderly_alone" in shown_tags(response)  # care tags stay visible


@pytest.mark.parametrize("username", ["gridworker", "leader", "mediator", "counselor"])
def test_filtering_by_a_special_tag_finds_nothing_for_roles_without_access(
    district, login, username
):
    response = login(username).get(list_url(tag="community_correction"))
    assert shown_residents(response) == set()


def test_filtering_by_a_special_tag_works_for_the_center(district, login):
    response = login("center").get(list_url(tag="community_correction"))
    assert shown_residents(response) == pks(district, "a_spouse")


def test_the_list_never_contains_full_names_ids_or_phones(district, login):
    body = login("admin").get(list_url()).content.decode()
    for resident in district.residents.values():
        assert resident.name not in body
        assert resident.id_number not in body
        assert resident.phone not in body
        assert resident.masked_name in body
        assert resident.masked_id_number in body
        assert resident.masked_phone in body


def test_addresses_are_cut_after_the_community_on_the_list(district, login):
    body = login("center").get(list_url()).content.decode()
    assert "1号楼1单元101" not in body
    assert "金泉路社区…" in body


def test_synthetic_rows_carry_the_demo_badge(district, login):
    from gongzhi.people.models import Resident

    Resident.objects.filter(pk=district.residents["a_head"].pk).update(is_synthetic=True)
    body = login("center").get(list_url(q="茹")).content.decode()
    assert "演示数据(合成)" in body
    assert "演示数据(合成)" not in login("center").get(list_url(q="周")).content.decode()


def test_an_htmx_request_gets_only_the_results_fragment(district, login):
    response = login("center").get(list_url(q="茹"), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body
    assert 'id="resident-table"' in body
    assert shown_residents(response) == pks(district, "a_head")


def test_the_export_link_carries_the_same_filters(district, login):
    body = login("center").get(list_url(q="茹", kind="registered")).content.decode()
    assert "/people/io/export/residents.xlsx?q=%E8%8C%B9&amp;kind=registered" in body


def test_export_and_import_links_follow_capabilities(district, login):
    center = login("center").get(list_url()).content.decode()
    assert "导出Excel" in center and "批量导入" in center
    gridworker = login("gridworker").get(list_url()).content.decode()
    assert "导出Excel" not in gridworker and "批量导入" not in gridworker


def test_the_list_is_paginated_fifty_a_page(district, login):
    admin = district.users["admin"]
    household = district.households["a"]
    for seq in range(51):
        resident_create(
            by=admin,
            household=household,
            name=f"测试{seq}",
            relation="child",
            id_number=make_id_number("620902", dt.date(2001, 1, 1), 100 + seq),
        )
    client = login("admin")
    first = client.get(list_url())
    second = client.get(list_url(page=2))
    assert len(shown_residents(first)) == 50
    assert len(shown_residents(second)) == 55 - 50
    assert shown_residents(first).isdisjoint(shown_residents(second))


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(list_url()).status_code == 200
    return len(ctx.captured_queries)


def test_the_list_query_count_does_not_grow_with_rows(district, login):
    client = login("center")
    before = _list_queries(client)
    admin = district.users["admin"]
    household = household_create(by=admin, unit=district.unit_b, house_number="202")
    for seq in range(5):
        resident = resident_create(
            by=admin,
            household=household,
            name=f"新户{seq}",
            relation="child",
            id_number=make_id_number("620902", dt.date(2002, 2, 2), 300 + seq),
        )
        resident_tag_add(by=admin, resident=resident, tag="disabled")
    assert _list_queries(client) == before


def _cells(body: str, pk: int) -> list[tuple[str, str]]:
    """(data-label, text) of each cell of the resident's row."""
    import re

    row = re.search(rf'<tr data-resident="{pk}">(.*?)</tr>', body, re.S)
    assert row, f"no row for resident {pk}"
    return [
        (label, re.sub(r"<[^>]+>", "", text))
        for label, text in re.findall(r'<td data-label="([^"]*)"[^>]*>(.*?)</td>', row.group(1))
    ]


def test_each_row_names_its_columns_and_shows_the_residents_values(district, login):
    """The rows are built in Python (people_rows): every cell carries its column's label for
    the stacked phone layout, the values are the masked ones, the labels are translated."""
    a_spouse = district.residents["a_spouse"]
    body = login("center").get(list_url()).content.decode()
    cells = _cells(body, a_spouse.pk)
    labels = ["姓名", "性别", "年龄", "身份证号", "联系电话", "人口类型", "住址", "标签"]
    assert [label for label, _text in cells] == labels
    values = dict(cells)
    assert values["姓名"] == a_spouse.masked_name
    assert values["性别"] == a_spouse.get_gender_display()
    assert values["身份证号"] == a_spouse.masked_id_number
    assert values["人口类型"] == a_spouse.get_kind_display()
    assert values["年龄"].isdigit()
    assert f'href="/people/residents/{a_spouse.pk}/"' in body
    # The special-population tag is red and titled; the care tag blue.
    assert 'class="badge text-bg-danger" data-tag="community_correction" title="重点人员"' in body
    assert 'class="badge text-bg-info" data-tag="elderly_alone"' in body

    from django.conf import settings

    client = login("center")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    en_body = client.get(list_url()).content.decode()
    en_labels = [label for label, _text in _cells(en_body, a_spouse.pk)]
    assert en_labels != labels and "Name" in en_labels, en_labels


def test_a_resident_without_tags_shows_a_dash(district, login):
    b_head = district.residents["b_head"]
    b_head.tags.all().delete()
    cells = dict(_cells(login("center").get(list_url()).content.decode(), b_head.pk))
    assert cells["标签"] == "—"
