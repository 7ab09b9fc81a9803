"""Bad input to every new endpoint: a clear 4xx in Chinese, and nothing written."""

import pytest
from django_tasks_db.models import DBTaskResult
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from gongzhi.cases.models import Case, Notification

from ..models import Alert, CaseFollower, ModelVersion
from ..services import alerts_evaluate
from .conftest import close, report, resident, sign_in

BIG = "路灯坏了" * 25_600  # 100 KB of text


def snapshot() -> tuple:
    return tuple(
        m.objects.count()
        for m in (Case, Alert, CaseFollower, ModelVersion, Notification, DBTaskResult)
    )


@pytest.fixture
def staff_api(district):
    client = APIClient()
    token = Token.objects.create(user=district.users["center"])
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def bad_suggest_bodies(d) -> list[tuple[dict, str]]:
    return [
        ({"text": ""}, "text"),
        ({"text": "   "}, "text"),
        ({}, "text"),
        ({"text": BIG}, "text"),
        ({"text": "路灯\x85坏了"}, "text"),  # a C1 control character
        ({"text": "\x07\x08"}, "text"),  # C0 controls are dropped: nothing is left
        ({"text": "路灯坏了", "grid": "999999999"}, "grid"),
        ({"text": "路灯坏了", "grid": d.unit_x.code}, "grid"),  # another township's grid
        ({"text": "路灯坏了", "lat": 91, "lng": 98}, "lat"),
        ({"text": "路灯坏了", "lat": 39, "lng": -181}, "lng"),
        ({"text": "路灯坏了", "lat": 39}, "lat"),
        ({"text": "路灯坏了", "lat": "NaN", "lng": "NaN"}, "lat"),
        ({"text": ["a", "b"]}, "text"),
    ]


def test_the_suggest_api_refuses_bad_input_with_400(district, staff_api):
    before = snapshot()
    for body, field in bad_suggest_bodies(district):
        response = staff_api.post("/api/v1/cases/suggest/", body, format="json")
        assert response.status_code == 400, body
        assert field in response.json(), (body, response.json())
    nul = staff_api.post("/api/v1/cases/suggest/", {"text": "路灯\x00坏了"}, format="json")
    assert nul.status_code == 400 and "NUL" in nul.content.decode()
    junk = staff_api.post("/api/v1/cases/suggest/", b"{not json", content_type="application/json")
    assert junk.status_code == 400
    assert snapshot() == before


def test_the_alerts_api_refuses_bad_filters_and_notes(district, staff_api):
    for i in range(5):
        report(district, text=f"楼院垃圾没人清运{i}", code="0301")
    (alert,) = alerts_evaluate()
    before = snapshot()
    for query in ("state=bogus", "kind=x", "state=%E2%80%AE", "page=abc", "kind=" + "k" * 200):
        assert staff_api.get(f"/api/v1/alerts/?{query}").status_code in (400, 404), query
    url = f"/api/v1/alerts/{alert.pk}/close/"
    for note in ("", "x" * 100_000, "处理\x85完毕"):
        assert staff_api.post(url, {"note": note}, format="json").status_code == 400, note[:10]
    assert staff_api.post("/api/v1/alerts/99999999999999999999/close/", {}).status_code == 404
    assert snapshot() == before
    assert Alert.objects.get(pk=alert.pk).state == "open"


def test_the_staff_suggestion_panel_answers_bad_input_with_400(district, login):
    client = login("center")
    before = snapshot()
    for body, _field in bad_suggest_bodies(district):
        if isinstance(body.get("text"), list):
            continue
        body = {("description" if k == "text" else k): v for k, v in body.items()}
        response = client.post("/intel/suggest/", {k: v for k, v in body.items() if v is not None})
        assert response.status_code == 400, body
        assert "data-intel-error" in response.content.decode(), body
    assert client.post("/intel/suggest/", {"description": "a\x00b"}).status_code == 400
    assert (
        client.post("/intel/suggest/", {"description": "路灯", "grid": "1" * 30}).status_code == 400
    )
    assert snapshot() == before


def test_the_case_duplicates_panel_404s_for_unknown_or_foreign_cases(district, login):
    foreign = report(district, by="xifeng_center", grid=district.unit_x)
    client = login("center")
    for ref in ("SJ00000000-0000", "9" * 30, foreign.number, "%E2%80%AE"):
        assert client.get(f"/intel/cases/{ref}/duplicates/").status_code == 404, ref


def test_the_resident_look_up_and_join_refuse_bad_input(district, client):
    d = district
    account = resident("13511112222", d.unit_a)
    sign_in(client, account)
    closed = close(d, report(d))
    before = snapshot()
    for body in (
        {"text": ""},
        {"text": BIG},
        {"text": "路灯\x85坏了"},
        {"text": "路灯", "lat": "100", "lng": "98"},
        {"text": "路灯", "lat": "1"},
    ):
        response = client.post("/intel/me/duplicates/", body)
        assert response.status_code == 400, body
    assert client.post("/intel/me/duplicates/", {"text": "a\x00"}).status_code == 400
    refused = client.post(f"/intel/me/join/{closed.pk}/", HTTP_HX_REQUEST="true")
    assert refused.status_code == 400 and "已办结" in refused.content.decode()
    assert client.post("/intel/me/join/99999999999/").status_code == 404
    assert client.post("/intel/me/join/99999999999999999999999/").status_code == 404
    assert client.post(f"/intel/me/following/{closed.pk}/rate/", {"rating": "x"}).status_code == 404
    assert snapshot() == before


def test_a_follower_rating_with_bad_values_gets_400(district, client):
    from ..services import case_join

    d = district
    case = report(d)
    account = resident("13511112222", d.unit_a)
    case_join(account=account, case=case)
    close(d, case)
    sign_in(client, account)
    before = snapshot()
    for body in ({"rating": "great", "stars": "5"}, {"rating": "satisfied", "stars": "9"}, {}):
        response = client.post(f"/intel/me/following/{case.pk}/rate/", body)
        assert response.status_code == 400 and "请选择评价和星级" in response.content.decode()
    assert snapshot() == before


def test_the_alert_pages_refuse_bad_notes_and_unknown_alerts(district, login):
    for i in range(5):
        report(district, text=f"楼院垃圾没人清运{i}", code="0301")
    (alert,) = alerts_evaluate()
    client = login("center")
    before = snapshot()
    for note in ("", "x" * 5000, "处理\x85完毕"):
        response = client.post(f"/intel/alerts/{alert.pk}/close/", {"note": note})
        assert response.status_code == 400, note[:10]
    assert client.post(f"/intel/alerts/{alert.pk}/bogus/", {"note": "x"}).status_code == 404
    assert client.get("/intel/alerts/99999999999999999999999/").status_code == 404
    assert snapshot() == before
