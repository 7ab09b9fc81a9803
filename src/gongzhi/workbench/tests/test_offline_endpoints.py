"""The forms the offline queue sends: a replay of a key writes nothing new and answers with the
first result; garbage gets a Chinese message and writes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongzhi.cases.models import Case
from gongzhi.people.models import Household, Resident
from gongzhi.workbench import replay
from gongzhi.workbench.models import (
    ChangeRequest,
    Inspection,
    InspectionChecklist,
    InspectionResult,
    SubmissionKey,
)
from gongzhi.workbench.services import household_collect, resident_collect, resident_collect_update

from .factories import png, valid_id

INSPECT = reverse("workbench:inspection_new")
HOUSEHOLD = reverse("workbench:household_new")
NEW_ID = "620902200001010011"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _send(client, url, data, key="key-1"):
    """What the browser's queue does: JSON wanted, the key in a header."""
    return client.post(url, data, HTTP_ACCEPT="application/json", HTTP_IDEMPOTENCY_KEY=key)


def _inspection(place="便民超市", **overrides):
    checklist = InspectionChecklist.objects.get(place_type="沿街商铺")
    items = list(checklist.items.all())
    data = {"checklist": str(checklist.pk), "place": place}
    data |= {f"item_{item.pk}": "pass" for item in items}
    data |= {
        f"item_{items[0].pk}": "fail",
        f"note_{items[0].pk}": "通道堆放纸箱",
        f"photo_{items[0].pk}": png(),
    }
    return data | overrides, items


def _resident_url(district, key="a"):
    return reverse("workbench:resident_new", args=[district.households[key].pk])


def _nothing_written():
    assert not Inspection.objects.exists()
    assert not InspectionResult.objects.exists()
    assert not Case.objects.exists()
    assert not ChangeRequest.objects.exists()
    assert not SubmissionKey.objects.exists()


# --- inspections ------------------------------------------------------------------------------


def test_a_replayed_inspection_records_one_inspection_and_its_failed_item_case(district, login):
    client = login("gridworker")
    first = _send(client, INSPECT, _inspection()[0])
    again = _send(client, INSPECT, _inspection(place="重发的排查")[0])

    assert first.status_code == again.status_code == 200
    assert first.json()["ok"] and again.json()["id"] == first.json()["id"]
    assert list(Inspection.objects.values_list("place", flat=True)) == ["便民超市"]
    assert InspectionResult.objects.count() == 4
    case = Case.objects.get()
    assert "消防通道畅通" in case.title and case.attachments.count() == 1
    assert InspectionResult.objects.get(passed=False).case == case


def test_a_replayed_inspection_form_post_redirects_and_writes_once(district, login):
    client = login("gridworker")
    for _ in range(2):
        data, _items = _inspection(idempotency_key="form-key")
        assert client.post(INSPECT, data).status_code == 302
    assert Inspection.objects.count() == 1
    assert Case.objects.count() == 1


def test_the_same_inspection_key_from_two_workers_makes_two_inspections(district, login, client):
    _send(login("gridworker"), INSPECT, _inspection()[0], key="same")
    client.logout()
    _send(login("gridworker_b"), INSPECT, _inspection()[0], key="same")
    assert Inspection.objects.count() == 2
    assert {i.grid for i in Inspection.objects.all()} == {district.unit_a, district.unit_b}


def test_an_inspection_with_an_unmarked_item_is_refused_in_chinese(district, login):
    data, items = _inspection()
    data[f"item_{items[1].pk}"] = "maybe"
    response = _send(login("gridworker"), INSPECT, data)
    assert response.status_code == 400
    assert "请逐项填写检查结果" in response.json()["errors"]["results"]
    _nothing_written()


def test_an_inspection_photo_that_is_not_an_image_is_refused(district, login):
    data, items = _inspection()
    pdf = SimpleUploadedFile("证据.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    data[f"photo_{items[0].pk}"] = pdf
    response = _send(login("gridworker"), INSPECT, data)
    assert response.status_code == 400
    assert response.json()["errors"]["photos"] == "检查照片只能是图片"
    _nothing_written()


def test_an_inspection_of_an_unknown_checklist_is_refused(district, login):
    data, _items = _inspection(checklist="abc")
    response = _send(login("gridworker"), INSPECT, data)
    assert response.status_code == 400
    assert response.json()["errors"]["checklist"] == "请选择场所类型"
    _nothing_written()


# --- households -------------------------------------------------------------------------------


def test_a_replayed_household_is_registered_once(district, login):
    client = login("gridworker")
    before = Household.objects.count()
    first = _send(client, HOUSEHOLD, {"house_number": "102"})
    again = _send(client, HOUSEHOLD, {"house_number": "102"})
    assert first.status_code == again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Household.objects.count() == before + 1
    assert Household.objects.get(pk=first.json()["id"]).unit == district.unit_a


def test_a_household_without_a_house_number_is_refused(district, login):
    before = Household.objects.count()
    response = _send(login("gridworker"), HOUSEHOLD, {"house_number": "  "})
    assert response.status_code == 400
    assert response.json()["errors"]["house_number"] == "门牌号不能为空"
    assert Household.objects.count() == before
    _nothing_written()


# --- residents --------------------------------------------------------------------------------


def test_a_replayed_resident_is_registered_once(district, login):
    client = login("gridworker")
    data = {"name": "茹小明", "id_number": valid_id(NEW_ID), "relation": "child"}
    before = Resident.objects.count()
    first = _send(client, _resident_url(district), data)
    # Without the key this would be refused as an ID already registered.
    again = _send(client, _resident_url(district), data)
    assert first.status_code == again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Resident.objects.count() == before + 1


def test_a_resident_with_a_registered_id_is_refused_in_json(district, login):
    taken = district.residents["b_head"].id_number
    before = Resident.objects.count()
    response = _send(
        login("gridworker"),
        _resident_url(district),
        {"name": "张三", "id_number": taken, "relation": "child"},
    )
    assert response.status_code == 400
    assert response.json()["errors"]["id_number"] == "该身份证号已登记,不能重复登记"
    assert Resident.objects.count() == before
    _nothing_written()


def test_a_resident_with_a_bad_checksum_is_refused_and_the_key_stays_usable(district, login):
    client = login("gridworker")
    bad = valid_id(NEW_ID)[:17] + ("0" if valid_id(NEW_ID)[17] != "0" else "1")
    refused = _send(client, _resident_url(district), {"name": "茹小明", "id_number": bad})
    assert refused.status_code == 400
    assert refused.json()["errors"]["id_number"] == "身份证号校验位错误,请核对号码"
    _nothing_written()
    fixed = _send(
        client, _resident_url(district), {"name": "茹小明", "id_number": valid_id(NEW_ID)}
    )
    assert fixed.status_code == 200
    assert Resident.objects.filter(pk=fixed.json()["id"]).exists()


def test_a_resident_for_a_household_out_of_scope_is_refused_in_json(district, login):
    response = _send(
        login("gridworker_b"),
        _resident_url(district, "a"),
        {"name": "张三", "id_number": valid_id(NEW_ID)},
    )
    assert response.status_code == 404
    assert "不在您负责的网格内" in response.json()["errors"]["__all__"]
    assert not Resident.objects.filter(name="张三").exists()


# --- resident edits (change requests) ---------------------------------------------------------


def test_a_replayed_sensitive_edit_makes_one_change_request(district, login):
    client = login("gridworker")
    url = reverse("workbench:resident_edit", args=[district.residents["a_head"].pk])
    first = _send(client, url, {"phone": "13811112222"})
    again = _send(client, url, {"phone": "13811112222"})
    assert first.status_code == again.status_code == 200
    assert again.json()["change_request"] == first.json()["change_request"]
    assert ChangeRequest.objects.count() == 1


def test_an_edit_with_a_bad_phone_is_refused_and_writes_nothing(district, login):
    url = reverse("workbench:resident_edit", args=[district.residents["a_head"].pk])
    response = _send(login("gridworker"), url, {"phone": "12345", "relation": "spouse"})
    assert response.status_code == 400
    assert "电话号码格式不正确" in response.json()["errors"]["phone"]
    assert Resident.objects.get(pk=district.residents["a_head"].pk).relation == "head"
    _nothing_written()


# --- a concurrent twin that lost the race -----------------------------------------------------


@pytest.fixture
def first_lookup_misses(monkeypatch):
    """The twin looked the key up before the winner committed."""
    real, calls = replay.submission_find, []

    def miss_once(*args):
        calls.append(args)
        return None if len(calls) == 1 else real(*args)

    def arm():
        monkeypatch.setattr(replay, "submission_find", miss_once)

    return arm


def test_a_change_request_that_loses_the_race_returns_the_winner(district, first_lookup_misses):
    worker, resident = district.users["gridworker"], district.residents["a_head"]
    winner = resident_collect_update(
        by=worker, resident=resident, name="茹玉兰", idempotency_key="race"
    )
    first_lookup_misses()
    loser = resident_collect_update(
        by=worker, resident=resident, name="茹玉兰", idempotency_key="race"
    )
    assert loser == winner
    assert ChangeRequest.objects.count() == 1


def test_a_resident_that_loses_the_race_returns_the_winner(district, first_lookup_misses):
    worker, household = district.users["gridworker"], district.households["a"]
    fields = {"name": "茹小明", "id_number": valid_id(NEW_ID)}
    winner = resident_collect(by=worker, household=household, idempotency_key="race", **fields)
    first_lookup_misses()
    loser = resident_collect(by=worker, household=household, idempotency_key="race", **fields)
    assert loser == winner
    assert Resident.objects.filter(name="茹小明").count() == 1


def test_a_household_that_loses_the_race_returns_the_winner(district, first_lookup_misses):
    worker = district.users["gridworker"]
    winner = household_collect(by=worker, house_number="301", idempotency_key="race")
    first_lookup_misses()
    assert household_collect(by=worker, house_number="301", idempotency_key="race") == winner
