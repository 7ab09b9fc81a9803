"""Control characters (issue 12, finding 2).

Input: every free-text value is cleaned once where it enters (core.middleware): NUL is a
clear 400 and nothing is written; other C0 controls are dropped. Writers: whatever is
stored (rows from before the boundary existed, imports, the shell), the XLSX export and the
Open311 XML feed stay valid on their own.
"""

import io
import json
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from gongzhi.cases.models import Case
from gongzhi.cases.tests.conftest import report
from gongzhi.core.text import clean_input, clean_text, xml_safe
from gongzhi.open311.keys import apikey_create
from gongzhi.portal.tests.conftest import resident, sign_in

pytestmark = pytest.mark.django_db
CONTROLS = "".join(chr(c) for c in range(1, 32) if chr(c) not in "\t\n\r") + "\x7f"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_with_controls(d) -> Case:
    """A case whose text holds control characters, written past the input boundary."""
    case = report(d, is_public=True)
    Case.objects.filter(pk=case.pk).update(title="楼道\x0b漏水", description="三楼\x0c漏水\x1b严重")
    return case


# Units -------------------------------------------------------------------------------------


def test_clean_input_drops_controls_and_keeps_tab_newline_and_cjk():
    assert clean_input(f"第一行{CONTROLS}\n第二行\t完") == "第一行\n第二行\t完"
    assert clean_input("\ud800孤立代理项\uffff") == "孤立代理项"


def test_clean_input_and_clean_text_refuse_nul():
    with pytest.raises(ValueError):
        clean_input("a\x00b")
    with pytest.raises(ValidationError) as err:
        clean_text("a\x00b", field="note", label="备注", max_length=10)
    assert "空字符" in err.value.message_dict["note"][0]


def test_xml_safe_leaves_only_what_xml_can_carry():
    text = xml_safe("a\x00b\x0bc\x1fd\te\nf\ud800")
    assert text == "abcd\te\nf"
    ET.fromstring(f"<x>{text}</x>")  # noqa: S314 - our own text


# Writers -----------------------------------------------------------------------------------


def test_the_case_export_survives_a_stored_control_character(district, login):
    stored_with_controls(district)

    response = login("center").get("/cases/export.xlsx?inbox=todo")

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [str(c.value) for row in sheet.iter_rows() for c in row]
    assert "楼道漏水" in values


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_the_open311_feed_stays_well_formed_with_a_stored_control_character(district, client, fmt):
    case = stored_with_controls(district)

    for path in ("requests", f"requests/{case.number}"):
        response = client.get(f"/open311/v2/{path}.{fmt}")
        assert response.status_code == 200
        if fmt == "xml":
            root = ET.fromstring(response.content)  # noqa: S314 - our own output
            assert root.find("request/description").text == "三楼漏水严重"
        else:
            assert json.loads(response.content)[0]["description"] == "三楼\x0c漏水\x1b严重"


# The input boundary -------------------------------------------------------------------------


def test_a_board_post_loses_its_control_characters(district, client, media):
    sign_in(client, resident(district)).post(
        reverse("portal_post_new"), {"text": "路灯\x0b坏了\x07", "key": "k1", "is_public": "on"}
    )

    assert Case.objects.get().description == "路灯坏了"


def test_a_board_post_with_nul_is_refused_and_nothing_is_written(district, client, media):
    response = sign_in(client, resident(district)).post(
        reverse("portal_post_new"), {"text": "路灯\x00坏了", "key": "k2", "is_public": "on"}
    )

    assert response.status_code == 400 and "空字符" in response.content.decode()
    assert not Case.objects.exists()


def test_the_api_cleans_json_strings_and_refuses_nul(district, center_api):
    body = {
        "category": "0102",
        "title": "噪\u000b音",
        "description": "夜间\u001f噪音",
        "grid": district.unit_a.pk,
    }

    created = center_api.post("/api/v1/cases/", body, format="json")
    refused = center_api.post("/api/v1/cases/", body | {"title": "噪\u0000音"}, format="json")

    assert created.status_code == 201, created.content
    case = Case.objects.get()
    assert (case.title, case.description) == ("噪音", "夜间噪音")
    assert refused.status_code == 400 and "空字符" in refused.json()["title"][0]
    assert Case.objects.count() == 1


def test_open311_post_with_nul_is_a_400_and_writes_nothing(district, client):
    key = apikey_create(name="市民App")[1]
    response = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": key,
            "service_code": "0102",
            "description": "噪音\x00",
            "lat": "39.7",
            "long": "98.5",
        },
    )

    assert response.status_code == 400 and not Case.objects.exists()


@pytest.mark.parametrize("path", ["/cases/", "/open311/v2/requests.json", "/api/v1/cases/"])
def test_a_query_string_with_nul_is_a_400_not_a_500(district, login, path):
    response = login("center").get(path, {"q": "x\x00y"})

    assert response.status_code == 400
