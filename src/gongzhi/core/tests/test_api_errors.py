"""API errors are always JSON (issue 12, finding 12): a body nested 100,000 deep is a 400
with a Chinese message, not a RecursionError 500 page; unknown URLs and wrong methods under
/api/ answer JSON as well."""

import pytest
from rest_framework.test import APIClient

from gongzhi.cases.models import Case

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("opener,closer", [("[", "]"), ('{"a":', "}")])
def test_json_nested_100000_deep_is_a_400_json_answer(center_api, opener, closer):
    body = opener * 100_000 + "1" + closer * 100_000

    response = center_api.post("/api/v1/cases/", body, content_type="application/json")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "嵌套" in response.json()["detail"]
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "/api/v1/no-such-thing/"),
        ("get", "/api/v1/cases/NOPE-0/"),
        ("delete", "/api/v1/cases/"),
        ("get", "/api/nowhere"),
    ],
)
def test_api_errors_are_json(center_api, method, path):
    response = getattr(center_api, method)(path)

    assert 400 <= response.status_code < 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


def test_an_anonymous_api_request_gets_a_json_401(district):
    response = APIClient().get("/api/v1/cases/")

    assert response.status_code == 401 and response.json()["detail"]
