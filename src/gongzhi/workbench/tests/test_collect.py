import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from gongzhi.core.testing import IDS, fresh
from gongzhi.people.models import Resident
from gongzhi.workbench.models import ChangeRequest
from gongzhi.workbench.services import (
    change_request_approve,
    change_request_reject,
    resident_collect_update,
)

from .factories import valid_id

NEW_ID = "620902200001010011"


def test_it_refuses_a_resident_whose_id_is_already_registered(district, login):
    url = reverse("workbench:resident_new", args=[district.households["a"].pk])
    before = Resident.objects.count()
    taken = district.residents["b_head"].id_number
    response = login("gridworker").post(
        url, {"name": "张三", "id_number": taken, "relation": "child"}
    )
    assert response.status_code == 400
    assert "该身份证号已登记" in response.content.decode()
    assert Resident.objects.count() == before


def test_it_adds_a_resident_with_a_valid_new_id(district, login):
    url = reverse("workbench:resident_new", args=[district.households["a"].pk])
    response = login("gridworker").post(
        url, {"name": "茹小明", "id_number": valid_id(NEW_ID), "relation": "child"}
    )
    assert response.status_code == 302
    assert Resident.objects.filter(household=district.households["a"]).count() == 3


def test_a_sensitive_change_waits_for_review(district):
    resident = district.residents["a_head"]
    request = resident_collect_update(
        by=district.users["gridworker"], resident=resident, phone="13811112222"
    )
    assert request.status == ChangeRequest.Status.PENDING
    assert fresh(resident).phone == "13800001234"
    assert "13811112222" not in request.summary and "13811112222" not in request.payload_enc


def test_approval_applies_the_change(district):
    resident = district.residents["a_head"]
    request = resident_collect_update(
        by=district.users["gridworker"],
        resident=resident,
        phone="13811112222",
        special_tags=["drug_user"],
    )
    change_request_approve(by=district.users["center"], request=request)
    assert fresh(resident).phone == "13811112222"
    assert resident.tags.filter(tag="drug_user").exists()
    assert fresh(request).status == ChangeRequest.Status.APPROVED


def test_rejection_leaves_the_resident_unchanged(district):
    resident = district.residents["a_head"]
    request = resident_collect_update(
        by=district.users["gridworker"], resident=resident, name="茹玉兰"
    )
    change_request_reject(by=district.users["center"], request=request, note="与户籍不符")
    assert fresh(resident).name == "茹玉芳"
    assert fresh(request).status == ChangeRequest.Status.REJECTED


def test_a_request_cannot_be_reviewed_twice(district):
    request = resident_collect_update(
        by=district.users["gridworker"], resident=district.residents["a_head"], name="茹玉兰"
    )
    change_request_reject(by=district.users["center"], request=request, note="不符")
    with pytest.raises(ValidationError):
        change_request_approve(by=district.users["center"], request=request)
    assert fresh(district.residents["a_head"]).name == "茹玉芳"


def test_a_worker_cannot_approve_a_change(district):
    request = resident_collect_update(
        by=district.users["gridworker"], resident=district.residents["a_head"], name="茹玉兰"
    )
    with pytest.raises(PermissionDenied):
        change_request_approve(by=district.users["gridworker"], request=request)


def test_another_communitys_staff_cannot_approve(district):
    request = resident_collect_update(
        by=district.users["gridworker"], resident=district.residents["a_head"], name="茹玉兰"
    )
    with pytest.raises(PermissionDenied):
        change_request_approve(by=district.users["xifeng_center"], request=request)


def test_a_worker_cannot_touch_a_sibling_grid(district, login):
    client = login("gridworker_b")
    a_head = district.residents["a_head"]
    assert client.get(reverse("workbench:resident_edit", args=[a_head.pk])).status_code == 404
    response = client.post(
        reverse("workbench:resident_new", args=[district.households["a"].pk]),
        {"name": "张三", "id_number": valid_id(NEW_ID)},
    )
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        resident_collect_update(by=district.users["gridworker_b"], resident=a_head, name="某")
    assert not ChangeRequest.objects.exists()


def test_an_invalid_id_checksum_is_refused(district):
    bad = IDS["a_head"][:17] + ("0" if IDS["a_head"][17] != "0" else "1")
    with pytest.raises(ValidationError):
        resident_collect_update(
            by=district.users["gridworker"], resident=district.residents["a_head"], id_number=bad
        )
    assert not ChangeRequest.objects.exists()


def test_the_review_list_shows_masked_values_only(district, login):
    resident_collect_update(
        by=district.users["gridworker"],
        resident=district.residents["a_head"],
        phone="13811112222",
    )
    page = login("center").get(reverse("workbench:change_requests")).content.decode()
    assert "138****2222" in page
    assert "13811112222" not in page
