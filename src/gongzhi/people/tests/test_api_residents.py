"""/api/v1/residents/ and /api/v1/households/: masking, writes through services, reveal."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongzhi.core.idcard import make_id_number
from gongzhi.core.models import AuditLog
from gongzhi.core.testing import fresh
from gongzhi.people.models import Resident
from gongzhi.people.services import resident_create

JSON = "application/json"


def _full_values(district) -> list[str]:
    return [v for r in district.residents.values() for v in (r.name, r.id_number, r.phone)]


def _leaks(text: str, district) -> list[str]:
    return [value for value in _full_values(district) if value in text]


def test_the_resident_list_shows_only_masked_identifiers(district, login):
    response = login("admin").get("/api/v1/residents/")
    assert response.status_code == 200
    assert _leaks(response.content.decode(), district) == []
    rows = {row["id"]: row for row in response.json()["results"]}
    for r in district.residents.values():
        assert (rows[r.pk]["name"], rows[r.pk]["id_number"], rows[r.pk]["phone"]) == (
            r.masked_name,
            r.masked_id_number,
            r.masked_phone,
        )


def test_a_resident_detail_shows_only_masked_identifiers(district, login):
    resident = district.residents["a_spouse"]
    response = login("center").get(f"/api/v1/residents/{resident.pk}/")
    assert response.status_code == 200
    assert _leaks(response.content.decode(), district) == []
    assert response.json()["name"] == "欧阳**"


def test_household_members_show_only_masked_identifiers(district, login):
    response = login("admin").get(f"/api/v1/households/{district.households['a'].pk}/")
    assert response.status_code == 200
    assert _leaks(response.content.decode(), district) == []
    members = {m["id"] for m in response.json()["members"]}
    assert members == {district.residents["a_head"].pk, district.residents["a_spouse"].pk}


def test_creating_a_resident_stores_full_values_and_answers_masked(district, login):
    number = make_id_number("620902", dt.date(1975, 6, 1), 21)
    payload = {
        "household": district.households["a"].pk,
        "name": "李四",
        "id_number": number,
        "phone": "139 0000 1111",
        "kind": "floating",
        "relation": "child",
    }
    response = login("gridworker").post("/api/v1/residents/", payload, content_type=JSON)
    assert response.status_code == 201, response.content
    body = response.json()
    stored = Resident.objects.get(pk=body["id"])
    assert (stored.name, stored.id_number, stored.phone) == ("李四", number, "13900001111")
    assert (stored.kind, stored.relation, stored.grid_id) == (
        "floating",
        "child",
        district.unit_a.pk,
    )
    assert (body["name"], body["id_number"], body["phone"]) == (
        "李*",
        stored.masked_id_number,
        "139****1111",
    )
    assert number not in response.content.decode()


def test_patch_changes_only_the_fields_sent(district, login):
    resident = district.residents["a_head"]
    response = login("gridworker").patch(
        f"/api/v1/residents/{resident.pk}/", {"relation": "other"}, content_type=JSON
    )
    assert response.status_code == 200, response.content
    after = fresh(resident)
    assert after.relation == "other"
    assert (after.name, after.id_number, after.phone) == (
        resident.name,
        resident.id_number,
        resident.phone,
    )


def test_put_replaces_every_field_so_an_omitted_phone_is_cleared(district, login):
    resident = district.residents["a_head"]
    payload = {"name": "茹玉芬", "id_number": resident.id_number}
    response = login("gridworker").put(
        f"/api/v1/residents/{resident.pk}/", payload, content_type=JSON
    )
    assert response.status_code == 200, response.content
    after = fresh(resident)
    assert (after.name, after.phone) == ("茹玉芬", "")


def test_reveal_returns_full_values_and_audits_who_why_and_from_where(district, login):
    resident = district.residents["a_spouse"]
    response = login("police").post(
        f"/api/v1/residents/{resident.pk}/reveal/",
        {"reason": "核实矫正人员身份"},
        content_type=JSON,
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 200, response.content
    assert response.json() == {
        "name": resident.name,
        "id_number": resident.id_number,
        "phone": resident.phone,
    }
    row = AuditLog.objects.get()
    assert (row.actor.username, row.action, row.target_type, row.target_id) == (
        "police",
        "reveal",
        "people.resident",
        str(resident.pk),
    )
    assert (row.reason, row.ip) == ("核实矫正人员身份", "10.1.2.3")


def test_filtering_by_grid_includes_the_whole_subtree(district, login):
    response = login("admin").get("/api/v1/residents/", {"grid": district.building.pk})
    ids = {row["id"] for row in response.json()["results"]}
    assert ids == {district.residents[k].pk for k in ("a_head", "a_spouse", "b_head")}


def test_filtering_by_kind_keeps_only_that_kind(district, login):
    admin = district.users["admin"]
    floating = resident_create(
        by=admin,
        household=district.households["x"],
        name="流动甲",
        id_number=make_id_number("622102", dt.date(1990, 1, 1), 33),
        kind="floating",
    )
    response = login("admin").get("/api/v1/residents/", {"kind": "floating"})
    assert [row["id"] for row in response.json()["results"]] == [floating.pk]


def test_the_resident_list_costs_the_same_queries_for_more_rows(district, login):
    client = login("admin")
    client.get("/api/v1/residents/")  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/residents/")
    admin = district.users["admin"]
    for seq in range(3):
        resident_create(
            by=admin,
            household=district.households["b"],
            name=f"新{seq}",
            id_number=make_id_number("620902", dt.date(1970, 1, 1), 41 + seq),
        )
    with CaptureQueriesContext(connection) as more:
        response = client.get("/api/v1/residents/")
    assert response.json()["count"] == len(district.residents) + 3
    assert len(more.captured_queries) == len(few.captured_queries)


def test_the_household_list_costs_the_same_queries_for_more_rows(district, login):
    from gongzhi.people.services import household_create

    client = login("admin")
    client.get("/api/v1/households/")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/households/")
    for number in ("201", "202", "203"):
        household_create(by=district.users["admin"], unit=district.unit_b, house_number=number)
    with CaptureQueriesContext(connection) as more:
        client.get("/api/v1/households/")
    assert len(more.captured_queries) == len(few.captured_queries)
