"""/api/v1/cases/: list, retrieve, create (idempotent), actions, timeline, follow-up."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from gongzhi.cases.models import Case, CaseEvent

from .conftest import act, report


@pytest.fixture
def api(district):
    def _api(username: str) -> APIClient:
        client = APIClient()
        token = Token.objects.create(user=district.users[username])
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return _api


def new_case(d, **overrides) -> dict:
    return {
        "category": "0102",
        "channel": "hotline",
        "title": "邻里噪音",
        "description": "楼上夜间噪音扰民",
        "grid": d.unit_a.pk,
    } | overrides


def test_it_needs_authentication(district):
    assert APIClient().get("/api/v1/cases/").status_code in (401, 403)


def test_a_token_client_lists_only_cases_in_its_scope(district, api):
    report(district, title="本单元")
    report(district, title="隔壁单元", grid=district.unit_b)
    titles = [c["title"] for c in api("gridworker").get("/api/v1/cases/").json()["results"]]
    assert titles == ["本单元"]


def test_the_list_filters_by_inbox(district, api):
    report(district, title="待受理")
    done = report(district, title="已终止")
    act(district, done, "center", "terminate", comment="重复")
    body = api("center").get("/api/v1/cases/?inbox=done").json()
    assert [c["title"] for c in body["results"]] == ["已终止"]


def test_a_case_is_found_by_number_or_id(district, api):
    case = report(district)
    client = api("center")
    by_number = client.get(f"/api/v1/cases/{case.number}/").json()
    by_id = client.get(f"/api/v1/cases/{case.pk}/").json()
    assert by_number["id"] == by_id["id"] == case.pk


def test_the_representation_masks_the_reporter(district, api):
    case = report(district, reporter_resident=district.residents["a_head"])
    body = api("center").get(f"/api/v1/cases/{case.number}/").json()
    assert body["reporter"] == "茹**"


def test_it_creates_a_case(district, api):
    response = api("center").post("/api/v1/cases/", new_case(district), format="json")
    assert response.status_code == 201
    assert Case.objects.get().number == response.json()["number"]


def test_a_replayed_post_with_the_same_idempotency_key_returns_the_first_case(district, api):
    client = api("center")
    first = client.post(
        "/api/v1/cases/", new_case(district), format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    again = client.post(
        "/api/v1/cases/",
        new_case(district, title="重试"),
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["number"] == first.json()["number"]
    assert Case.objects.count() == 1


def test_idempotency_keys_are_per_user(district, api):
    api("center").post(
        "/api/v1/cases/", new_case(district), format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    other = api("gridworker").post(
        "/api/v1/cases/", new_case(district), format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert other.status_code == 201 and Case.objects.count() == 2


def test_a_read_only_role_cannot_create(district, api):
    response = api("leader").post("/api/v1/cases/", new_case(district), format="json")
    assert response.status_code == 403 and not Case.objects.exists()


def test_an_action_moves_the_case_and_returns_it(district, api):
    case = report(district)
    response = api("center").post(
        f"/api/v1/cases/{case.number}/actions/accept/",
        {"expected_version": case.version},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["state"] == "accepted"


def test_a_stale_expected_version_answers_409_and_writes_nothing(district, api):
    case = report(district)
    seen = case.version
    act(district, case, "center", "accept")
    events = CaseEvent.objects.count()
    response = api("center").post(
        f"/api/v1/cases/{case.number}/actions/self_handle/",
        {"expected_version": seen},
        format="json",
    )
    assert response.status_code == 409 and "已被其他人更新" in response.json()["detail"]
    assert CaseEvent.objects.count() == events


def test_an_illegal_transition_answers_409(district, api):
    case = report(district)
    response = api("center").post(
        f"/api/v1/cases/{case.number}/actions/close/",
        {"expected_version": case.version},
        format="json",
    )
    assert response.status_code == 409 and "不能执行" in response.json()["detail"]


def test_an_unknown_action_is_404(district, api):
    case = report(district)
    response = api("center").post(
        f"/api/v1/cases/{case.number}/actions/teleport/", {"expected_version": 1}, format="json"
    )
    assert response.status_code == 404


def test_a_dispatch_names_its_target_by_id(district, api):
    case = report(district)
    act(district, case, "center", "accept")
    staff_id = district.users["gridworker"].staff.pk
    response = api("center").post(
        f"/api/v1/cases/{case.number}/actions/dispatch/",
        {"expected_version": case.version, "params": {"to_staff": staff_id}},
        format="json",
    )
    assert response.status_code == 200
    assert Case.objects.get(pk=case.pk).assignee_staff_id == staff_id


def test_the_timeline_lists_every_event(district, api):
    case = report(district)
    act(district, case, "center", "accept")
    events = api("center").get(f"/api/v1/cases/{case.number}/timeline/").json()
    assert [(e["action"], e["to_state"]) for e in events] == [
        ("report", "reported"),
        ("accept", "accepted"),
    ]


def test_the_follow_up_endpoint_records_the_rating(district, api):
    case = report(district)
    for who, action in (
        ("gridworker", "accept"),
        ("gridworker", "self_handle"),
        ("gridworker", "resolve"),
        ("center", "verify"),
        ("center", "close"),
    ):
        act(district, case, who, action)
    response = api("center").post(
        f"/api/v1/cases/{case.number}/follow-up/",
        {"expected_version": case.version, "rating": "basic", "stars": 4},
        format="json",
    )
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["satisfaction"]) == ("followed_up", "basic")


def test_categories_are_listed_with_their_parent(district, api):
    body = api("gridworker").get("/api/v1/case-categories/").json()
    neighbours = next(c for c in body if c["code"] == "0102")
    assert (neighbours["name"], neighbours["parent"]) == ("邻里纠纷", "01")
