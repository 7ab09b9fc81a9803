"""POST /api/v1/hotline/incoming/: a telephony system prefills the intake screen."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from gongzhi.hotline.models import HotlineCall
from gongzhi.org.models import Center

URL = "/api/v1/hotline/incoming/"


@pytest.fixture
def api(district):
    Center.objects.filter(grid=district.jinquan).update(hotline="0937-1234567")

    def _api(username: str = "center") -> APIClient:
        client = APIClient()
        token = Token.objects.create(user=district.users[username])
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return _api


def test_an_incoming_call_is_logged_as_pending_and_answers_the_intake_url(api, district):
    response = api().post(URL, {"caller": "13800001234", "line": "0937-1234567"}, format="json")

    call = HotlineCall.objects.get()
    assert response.status_code == 201
    assert response.json()["url"] == f"http://testserver/portal-staff/hotline/{call.pk}/"
    assert (call.status, call.center.grid, call.caller) == (
        "pending",
        district.jinquan,
        "13800001234",
    )


def test_the_answer_masks_the_callers_number(api):
    body = api().post(URL, {"caller": "13800001234", "line": "09371234567"}, format="json").json()

    assert body["caller"] == "138****1234" and "13800001234" not in str(body)


def test_the_prefilled_screen_shows_the_caller_and_their_registry_match(api, login):
    url = api().post(URL, {"caller": "13800001234", "line": "0937-1234567"}, format="json")
    page = login("center").get(url.json()["url"]).content.decode()

    assert "138****1234" in page and "茹**" in page


def test_without_a_line_the_call_goes_to_the_token_users_center(api, district):
    api().post(URL, {"caller": "13800001234"}, format="json")

    assert HotlineCall.objects.get().center.grid == district.jinquan


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"caller": "12345", "line": "0937-1234567"}, "caller", "来电号码格式不正确"),
        ({"line": "0937-1234567"}, "caller", "请提供来电号码"),
        ({"caller": "13800001234", "line": "0931-7777777"}, "line", "未知的热线号码"),
    ],
)
def test_it_rejects_bad_input_with_a_chinese_message_and_writes_nothing(api, body, field, message):
    response = api().post(URL, body, format="json")

    assert response.status_code == 400 and message in str(response.json()[field])
    assert not HotlineCall.objects.exists()


def test_it_rejects_garbage_json(api):
    response = api().post(URL, b"{caller: oops", content_type="application/json")

    assert response.status_code == 400 and "无法解析" in response.json()["detail"]
    assert not HotlineCall.objects.exists()


def test_it_rejects_a_json_list(api):
    response = api().post(URL, ["13800001234"], format="json")

    assert response.status_code == 400 and "JSON 对象" in str(response.json())


def test_it_needs_a_token(api):
    response = APIClient().post(URL, {"caller": "13800001234"}, format="json")

    assert response.status_code == 401 and not HotlineCall.objects.exists()


def test_a_grid_workers_token_may_not_announce_calls(api):
    response = api("gridworker").post(URL, {"caller": "13800001234"}, format="json")

    assert response.status_code == 403 and not HotlineCall.objects.exists()


def test_a_line_outside_the_token_users_scope_is_refused(api, district):
    Center.objects.filter(grid=district.xifeng).update(hotline="0937-7654321")

    response = api("center").post(
        URL, {"caller": "13800001234", "line": "0937-7654321"}, format="json"
    )

    assert response.status_code == 403 and not HotlineCall.objects.exists()
