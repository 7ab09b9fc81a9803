"""Bad input to the people API: always a 400 with a Chinese message, never a 500, no write."""

import datetime as dt
import json
import re

import pytest

from gongzhi.core.idcard import make_id_number
from gongzhi.people.models import Household, Resident

JSON = "application/json"
NEW_ID = make_id_number("620902", dt.date(1980, 1, 1), 11)
_CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def admin_client(district, login):
    return login("admin")


def _valid_resident(district) -> dict:
    return {
        "household": district.households["a"].pk,
        "name": "新居民",
        "id_number": NEW_ID,
        "phone": "13811112222",
    }


def _assert_rejected(response, field: str) -> None:
    assert response.status_code == 400, response.content
    body = response.json()
    assert field in body, body
    assert _CJK.search(json.dumps(body[field], ensure_ascii=False)), body


def test_a_valid_resident_payload_is_accepted(admin_client, district):
    # The baseline the rejection cases below vary one field of.
    response = admin_client.post("/api/v1/residents/", _valid_resident(district), content_type=JSON)
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("name", ["茹玉芳"], id="name-is-a-list"),
        pytest.param("name", {"x": 1}, id="name-is-an-object"),
        pytest.param("name", True, id="name-is-a-boolean"),
        pytest.param("name", "张" * 51, id="name-too-long"),
        pytest.param("name", "张\x00三", id="name-with-nul"),
        pytest.param("name", "   ", id="name-blank"),
        pytest.param("id_number", "6" * 1000, id="id-too-long"),
        pytest.param("id_number", 620902199003071233, id="id-is-a-number"),
        pytest.param(
            "id_number", NEW_ID[:17] + ("0" if NEW_ID[17] != "0" else "1"), id="bad-checksum"
        ),
        pytest.param("id_number", "620902199013011234", id="impossible-birth-date"),
        pytest.param("phone", "12345", id="invalid-phone"),
        pytest.param("phone", "1" * 31, id="phone-too-long"),
        pytest.param("kind", "外星人", id="unknown-kind"),
        pytest.param("household", "abc", id="household-not-a-number"),
        pytest.param("household", True, id="household-is-a-boolean"),
        pytest.param("household", 987654321, id="unknown-household"),
        pytest.param("household", 10**20, id="household-out-of-range"),
        pytest.param("household", None, id="household-null"),
    ],
)
def test_it_rejects_a_bad_resident_field_and_writes_nothing(admin_client, district, field, value):
    before = Resident.objects.count()
    payload = _valid_resident(district) | {field: value}
    response = admin_client.post("/api/v1/residents/", payload, content_type=JSON)
    _assert_rejected(response, field)
    assert Resident.objects.count() == before


def test_it_rejects_a_duplicate_id_number(admin_client, district):
    payload = _valid_resident(district) | {"id_number": district.residents["b_head"].id_number}
    response = admin_client.post("/api/v1/residents/", payload, content_type=JSON)
    _assert_rejected(response, "id_number")
    assert "已登记" in response.json()["id_number"][0]


def test_it_rejects_garbage_json_with_a_chinese_message(admin_client):
    before = Resident.objects.count()
    response = admin_client.post("/api/v1/residents/", '{"name": "茹', content_type=JSON)
    _assert_rejected(response, "detail")
    assert Resident.objects.count() == before


def test_it_rejects_a_json_list_where_an_object_is_expected(admin_client, district):
    response = admin_client.post(
        "/api/v1/residents/", [_valid_resident(district)], content_type=JSON
    )
    _assert_rejected(response, "non_field_errors")


def test_it_rejects_an_update_with_a_bad_id_number_and_keeps_the_old_one(admin_client, district):
    resident = district.residents["a_head"]
    response = admin_client.patch(
        f"/api/v1/residents/{resident.pk}/", {"id_number": "620902199003071234"}, content_type=JSON
    )
    _assert_rejected(response, "id_number")
    assert Resident.objects.get(pk=resident.pk).id_number == resident.id_number


def test_it_rejects_a_reveal_without_a_reason_and_audits_nothing(admin_client, district):
    from gongzhi.core.models import AuditLog

    resident = district.residents["a_head"]
    response = admin_client.post(
        f"/api/v1/residents/{resident.pk}/reveal/", {"reason": " "}, content_type=JSON
    )
    _assert_rejected(response, "reason")
    assert not AuditLog.objects.exists()


@pytest.mark.parametrize(
    ("unit_key", "house_number", "field"),
    [
        pytest.param("building", "101", "unit", id="non-unit-grid"),
        pytest.param(None, "101", "unit", id="unknown-grid"),
        pytest.param("unit_a", "", "house_number", id="empty-house-number"),
        pytest.param("unit_a", "1" * 31, "house_number", id="house-number-too-long"),
        pytest.param("unit_a", "101", "house_number", id="duplicate-house-number"),
    ],
)
def test_it_rejects_a_bad_household_and_writes_nothing(
    admin_client, district, unit_key, house_number, field
):
    before = Household.objects.count()
    unit = getattr(district, unit_key).pk if unit_key else 987654321
    response = admin_client.post(
        "/api/v1/households/", {"unit": unit, "house_number": house_number}, content_type=JSON
    )
    _assert_rejected(response, field)
    assert Household.objects.count() == before


@pytest.mark.parametrize(
    ("params", "field"),
    [
        pytest.param({"grid": "abc"}, "grid", id="grid-not-a-number"),
        pytest.param({"grid": "987654321"}, "grid", id="unknown-grid"),
        pytest.param({"grid": "9" * 30}, "grid", id="grid-out-of-range"),
        pytest.param({"q": "茹\x00"}, "q", id="nul-in-search"),
        pytest.param({"q": "茹" * 101}, "q", id="search-too-long"),
        pytest.param({"tag": "vip"}, "tag", id="unknown-tag"),
        pytest.param({"kind": "alien"}, "kind", id="unknown-kind"),
    ],
)
def test_it_rejects_bad_resident_filters(admin_client, params, field):
    _assert_rejected(admin_client.get("/api/v1/residents/", params), field)


@pytest.mark.parametrize("pk", ["9" * 25, "abc", "-1"])
def test_an_unparseable_or_huge_id_in_the_url_is_a_404(admin_client, pk):
    response = admin_client.get(f"/api/v1/residents/{pk}/")
    assert response.status_code == 404


def test_a_not_found_answer_is_in_chinese(admin_client):
    response = admin_client.get("/api/v1/residents/987654321/")
    assert response.status_code == 404
    assert _CJK.search(response.json()["detail"])


def test_a_lost_write_race_is_a_409_not_a_500(admin_client, district, monkeypatch):
    from django.db import IntegrityError

    def racing_create(**kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr("gongzhi.people.api.household_create", racing_create)
    response = admin_client.post(
        "/api/v1/households/",
        {"unit": district.unit_a.pk, "house_number": "301"},
        content_type=JSON,
    )
    assert response.status_code == 409
    assert _CJK.search(response.json()["detail"])
