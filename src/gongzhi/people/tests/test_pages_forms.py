import pytest
from django.urls import reverse

from gongzhi.core.testing import fresh
from gongzhi.people.models import Household, Resident

VALID_ID = "620902200105050017"  # checksum-valid, not in the district


def create_url(district, key="a"):
    return reverse("people:resident_create", args=[district.households[key].pk])


def form(**overrides):
    data = {
        "name": "张三丰",
        "id_number": VALID_ID,
        "phone": "13512345678",
        "kind": "registered",
        "relation": "child",
    }
    return data | overrides


def test_a_valid_form_registers_the_resident_in_the_household(district, login):
    response = login("gridworker").post(create_url(district), form())
    resident = Resident.objects.get(name="张三丰")
    assert response.status_code == 302
    assert response["Location"] == reverse("people:resident_detail", args=[resident.pk])
    assert resident.household == district.households["a"]
    assert (resident.id_number, resident.phone, resident.gender) == (VALID_ID, "13512345678", "M")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("id_number", "620902200105050016", "校验位错误"),
        ("id_number", "12345", "身份证号应为18位"),
        ("phone", "12345", "电话号码格式不正确"),
        ("name", "", "请填写姓名"),
    ],
)
def test_an_invalid_field_shows_a_chinese_message_keeps_input_and_writes_nothing(
    district, login, field, value, message
):
    before = Resident.objects.count()
    response = login("gridworker").post(create_url(district), form(**{field: value}))
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body
    assert f'data-error-for="{field}"' in body
    kept = {k: v for k, v in form(**{field: value}).items() if k not in ("kind", "relation") and v}
    for typed in kept.values():
        assert f'value="{typed}"' in body
    assert Resident.objects.count() == before


def test_a_duplicate_id_number_is_refused_with_a_chinese_message(district, login):
    existing = district.residents["b_head"].id_number
    before = Resident.objects.count()
    response = login("center").post(create_url(district), form(id_number=existing))
    body = response.content.decode()
    assert "该身份证号已登记" in body
    assert 'data-error-for="id_number"' in body
    assert 'value="张三丰"' in body
    assert Resident.objects.count() == before


def test_a_legacy_fifteen_digit_number_is_stored_upgraded(district, login):
    login("center").post(create_url(district), form(id_number="620902010505001"))
    assert Resident.objects.get(name="张三丰").id_number == "620902190105050010"


def test_the_leader_is_read_only_and_a_forged_create_is_forbidden(district, login):
    before = Resident.objects.count()
    client = login("leader")
    assert client.get(create_url(district)).status_code == 403
    assert client.post(create_url(district), form()).status_code == 403
    assert Resident.objects.count() == before


def test_the_leader_sees_no_create_or_edit_buttons(district, login):
    client = login("leader")
    detail = client.get(reverse("people:resident_detail", args=[district.residents["a_head"].pk]))
    assert (
        reverse("people:resident_edit", args=[district.residents["a_head"].pk])
        not in detail.content.decode()
    )
    tree = client.get(reverse("grids:detail", args=[district.unit_a.pk])).content.decode()
    assert reverse("people:household_create") not in tree


def test_a_grid_worker_cannot_add_to_a_sibling_units_household(district, login):
    before = Resident.objects.count()
    response = login("gridworker").post(create_url(district, "b"), form())
    assert response.status_code == 404
    assert Resident.objects.count() == before


def edit_url(district, name="a_head"):
    return reverse("people:resident_edit", args=[district.residents[name].pk])


def test_the_edit_form_never_shows_full_identifiers(district, login):
    a_head = district.residents["a_head"]
    body = login("gridworker").get(edit_url(district)).content.decode()
    assert a_head.id_number not in body and a_head.phone not in body and a_head.name not in body
    assert a_head.masked_id_number in body


def test_blank_identifiers_on_edit_keep_the_stored_values(district, login):
    a_head = district.residents["a_head"]
    data = {"name": "", "id_number": "", "phone": "", "kind": "floating", "relation": "head"}
    response = login("gridworker").post(edit_url(district), data)
    assert response.status_code == 302
    saved = fresh(a_head)
    assert (saved.name, saved.id_number, saved.phone) == (
        a_head.name,
        a_head.id_number,
        a_head.phone,
    )
    assert saved.kind == "floating"


def test_editing_the_phone_stores_the_new_number(district, login):
    data = {"phone": "13611112222", "kind": "registered", "relation": "head"}
    login("gridworker").post(edit_url(district), data)
    assert fresh(district.residents["a_head"]).phone == "13611112222"


def test_clearing_the_phone_on_edit_removes_it(district, login):
    data = {"clear_phone": "on", "kind": "registered", "relation": "head"}
    login("gridworker").post(edit_url(district), data)
    assert fresh(district.residents["a_head"]).phone == ""


def test_editing_to_another_residents_id_is_refused_and_changes_nothing(district, login):
    a_head = district.residents["a_head"]
    data = {
        "id_number": district.residents["a_spouse"].id_number,
        "kind": "floating",
        "relation": "head",
    }
    body = login("gridworker").post(edit_url(district), data).content.decode()
    assert "该身份证号已登记" in body
    saved = fresh(a_head)
    assert (saved.id_number, saved.kind) == (a_head.id_number, "registered")


def test_a_grid_worker_cannot_edit_a_sibling_units_resident(district, login):
    assert login("gridworker").get(edit_url(district, "b_head")).status_code == 404


def test_a_new_household_is_registered_in_a_unit_in_scope(district, login):
    url = reverse("people:household_create")
    response = login("gridworker").post(url, {"unit": district.unit_a.code, "house_number": "202"})
    household = Household.objects.get(unit=district.unit_a, house_number="202")
    assert response["Location"] == reverse("people:household_detail", args=[household.pk])


def test_the_unit_picker_offers_only_units_in_scope(district, login):
    body = login("center").get(reverse("people:household_create")).content.decode()
    assert f'value="{district.unit_a.code}"' in body and f'value="{district.unit_b.code}"' in body
    assert f'value="{district.unit_x.code}"' not in body
    assert f'value="{district.building.code}"' not in body  # level 4 is not a unit


def test_the_unit_is_preselected_from_the_tree_link(district, login):
    url = reverse("people:household_create") + f"?unit={district.unit_b.pk}"
    body = login("center").get(url).content.decode()
    assert f'value="{district.unit_b.code}" selected' in body


def test_a_household_in_a_foreign_unit_is_refused(district, login):
    before = Household.objects.count()
    url = reverse("people:household_create")
    body = (
        login("gridworker")
        .post(url, {"unit": district.unit_b.code, "house_number": "9"})
        .content.decode()
    )
    assert "请选择您管辖范围内的五级网格" in body
    assert Household.objects.count() == before


def test_a_duplicate_house_number_is_refused_with_the_typed_values_kept(district, login):
    before = Household.objects.count()
    url = reverse("people:household_create")
    body = (
        login("center")
        .post(url, {"unit": district.unit_a.code, "house_number": "101"})
        .content.decode()
    )
    assert "该单元已有这个门牌号的户" in body
    assert 'value="101"' in body
    assert Household.objects.count() == before


def test_the_leader_cannot_register_a_household(district, login):
    before = Household.objects.count()
    url = reverse("people:household_create")
    assert (
        login("leader").post(url, {"unit": district.unit_a.code, "house_number": "5"}).status_code
        == 403
    )
    assert Household.objects.count() == before
