"""Residents' records keep who changed what, and a stale edit is refused instead of
overwriting a colleague's (issue 12, finding 14)."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from gongzhi.core.models import AuditLog
from gongzhi.core.testing import fresh
from gongzhi.people.services import StaleResident, resident_update

FIELDS = {"name": "茹玉芳", "id_number": "", "phone": "", "kind": "", "relation": ""}


def current(resident) -> dict:
    return {
        "name": resident.name,
        "id_number": resident.id_number,
        "phone": resident.phone,
        "kind": resident.kind,
        "relation": resident.relation,
    }


def test_an_edit_is_recorded_with_who_and_which_fields(district):
    resident = district.residents["a_head"]
    version = resident.version

    resident_update(
        by=district.users["center"],
        resident=resident,
        expected_version=version,
        **(current(resident) | {"phone": "13900001111"}),
    )

    entry = AuditLog.objects.get(action="change")
    assert (entry.actor, entry.target_id, entry.fields) == (
        district.users["center"],
        str(resident.pk),
        "phone",
    )
    assert "13900001111" not in entry.fields + entry.reason
    assert fresh(resident).version == version + 1


def test_a_stale_edit_is_refused_and_keeps_the_first_one(district):
    resident = district.residents["a_head"]
    version = resident.version
    resident_update(
        by=district.users["center"],
        resident=resident,
        expected_version=version,
        **(current(resident) | {"phone": "13900001111"}),
    )

    with pytest.raises(StaleResident):
        resident_update(
            by=district.users["gridworker"],
            resident=fresh(resident),
            expected_version=version,
            **(current(fresh(resident)) | {"phone": "13900002222"}),
        )

    assert fresh(resident).phone == "13900001111"


def test_the_edit_page_answers_409_and_keeps_the_input_on_a_stale_version(district, login):
    resident = district.residents["a_head"]
    url = reverse("people:resident_edit", args=[resident.pk])
    post = {
        "name": "",
        "id_number": "",
        "phone": "13900003333",
        "kind": resident.kind,
        "relation": resident.relation,
    }
    client = login("center")
    assert client.post(url, post | {"version": resident.version}).status_code == 302

    response = client.post(url, post | {"version": resident.version, "phone": "13900004444"})

    body = response.content.decode()
    assert response.status_code == 409 and "已被其他人修改" in body and "13900004444" in body
    assert fresh(resident).phone == "13900003333"


@pytest.mark.parametrize("version", ["abc", "-1", "0", "9" * 30, "\x00"])
def test_the_edit_page_refuses_a_garbage_version(district, login, version):
    resident = district.residents["a_head"]
    response = login("center").post(
        reverse("people:resident_edit", args=[resident.pk]),
        {
            "phone": "13900005555",
            "kind": resident.kind,
            "relation": resident.relation,
            "version": version,
        },
    )

    assert response.status_code in (200, 400, 409)
    assert fresh(resident).phone != "13900005555"


def test_the_api_answers_409_on_a_stale_version(district):
    resident = district.residents["a_head"]
    api = APIClient()
    api.credentials(
        HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=district.users['center']).key}"
    )
    url = f"/api/v1/residents/{resident.pk}/"
    version = api.get(url).json()["version"]

    first = api.patch(url, {"phone": "13900006666", "version": version}, format="json")
    second = api.patch(url, {"phone": "13900007777", "version": version}, format="json")

    assert (first.status_code, second.status_code) == (200, 409)
    assert "已被其他人修改" in second.json()["version"][0]
    assert fresh(resident).phone == "13900006666"
