"""/api/v1/cases/suggest/ and /api/v1/alerts/ (scoped by restrict(), in the schema)."""

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from ..services import alerts_evaluate
from .conftest import report


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_suggest_answers_the_category_alternatives_and_duplicates(trained, district, center_api):
    d = district
    old = report(
        d,
        text="3号楼门口路灯不亮,晚上黑乎乎的",
        code="0401",
        grid=d.unit_b,
        extra={"facility": "streetlight"},
    )
    body = {"text": "3号楼前面的路灯坏了好几天了,晚上很黑", "grid": d.unit_a.code}
    response = center_api.post("/api/v1/cases/suggest/", body, format="json")
    assert response.status_code == 200
    data = response.json()
    assert data["category"] == {"code": "04", "name": "公共设施"}
    assert data["subcategory"]["code"] == "0401" and 0 < data["confidence"] <= 1
    assert len(data["alternatives"]) <= 3
    assert all(set(a) == {"code", "name", "confidence"} for a in data["alternatives"])
    assert [x["number"] for x in data["duplicates"]] == [old.number]
    assert set(data["duplicates"][0]) == {"number", "title", "score"}
    assert (data["source"], data["model_version"]) == ("model", trained.number)


def test_suggest_keeps_duplicates_to_the_callers_scope(trained, district):
    d = district
    report(
        d,
        text="3号楼门口路灯不亮,晚上黑乎乎的",
        code="0401",
        grid=d.unit_b,
        extra={"facility": "streetlight"},
    )
    body = {"text": "3号楼前面的路灯坏了好几天了,晚上很黑", "lat": None, "lng": None}
    data = api(d.users["gridworker"]).post("/api/v1/cases/suggest/", body, format="json").json()
    assert data["duplicates"] == []  # no grid or point given, and unit b is not theirs anyway


def test_suggest_before_any_model_uses_the_keywords(district, center_api):
    data = center_api.post("/api/v1/cases/suggest/", {"text": "楼上邻居吵架"}, format="json").json()
    assert data["category"]["code"] == "01" and data["source"] == "keywords"


def test_a_resident_or_anonymous_caller_is_refused(district):
    from django.contrib.auth import get_user_model

    plain = get_user_model().objects.create_user(username="resident-x")
    assert (
        api(plain).post("/api/v1/cases/suggest/", {"text": "路灯"}, format="json").status_code
        == 403
    )
    assert (
        APIClient().post("/api/v1/cases/suggest/", {"text": "路灯"}, format="json").status_code
        == 401
    )


def surge(d):
    for i in range(5):
        report(d, text=f"楼院垃圾没人清运{i}", code="0301")
    (alert,) = alerts_evaluate()
    return alert


def test_alerts_are_listed_paginated_with_their_cases(district, center_api):
    alert = surge(district)
    data = center_api.get("/api/v1/alerts/?state=open&kind=surge").json()
    assert data["count"] == 1 and "next" in data
    row = data["results"][0]
    assert set(row) >= {"id", "kind", "severity", "grid", "reason", "cases", "created_at", "state"}
    assert (row["id"], row["kind"], row["grid"]) == (alert.pk, "surge", district.courtyard.code)
    assert sorted(row["cases"]) == sorted(alert.cases.values_list("number", flat=True))
    assert center_api.get("/api/v1/alerts/?kind=care_call").json()["count"] == 0


def test_alerts_outside_the_scope_are_not_listed(district):
    alert = surge(district)
    client = api(district.users["xifeng_center"])
    assert client.get("/api/v1/alerts/").json()["count"] == 0
    assert client.get(f"/api/v1/alerts/{alert.pk}/").status_code == 404


def test_the_responsible_role_closes_an_alert_through_the_api(district, center_api):
    alert = surge(district)
    url = f"/api/v1/alerts/{alert.pk}/close/"
    assert center_api.post(url, {}, format="json").status_code == 400  # a note is required
    response = center_api.post(url, {"note": "已处理"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "closed"
    leader = api(district.users["leader"])
    assert (
        leader.post(f"/api/v1/alerts/{alert.pk}/acknowledge/", {}, format="json").status_code == 403
    )


def test_the_schema_describes_both_endpoints(district, center_api):
    schema = center_api.get("/api/schema/?format=json").json()
    assert "/api/v1/cases/suggest/" in schema["paths"]
    assert "/api/v1/alerts/" in schema["paths"]
    params = {p["name"] for p in schema["paths"]["/api/v1/alerts/"]["get"]["parameters"]}
    assert {"state", "kind", "page"} <= params
