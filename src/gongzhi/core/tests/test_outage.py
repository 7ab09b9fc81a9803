"""A database or Redis outage answers 503 with Retry-After on every interface, never a 4xx.

`database_down()` (core/testing.py) makes every SQL statement fail as a restarting
PostgreSQL does.
"""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client
from redis.exceptions import ConnectionError as RedisConnectionError

from gongzhi.core.outage import RETRY_AFTER_SECONDS
from gongzhi.core.testing import database_down


def assert_unavailable(response) -> str:
    assert response.status_code == 503, response.content[:300]
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    return response.content.decode()


@pytest.mark.parametrize("path", ["/policies/", "/board/"])
def test_a_portal_page_is_the_chinese_503_page(district, path):
    client = Client(raise_request_exception=False)
    with database_down():
        body = assert_unavailable(client.get(path))
    assert "服务暂时不可用" in body


def test_a_portal_sign_in_post_is_503_not_400(district):
    client = Client(raise_request_exception=False)
    with database_down():
        assert_unavailable(client.post("/login/", {"phone": "13800001234"}))


def test_a_workbench_page_of_a_signed_in_worker_is_503(district):
    client = Client(raise_request_exception=False)
    client.force_login(district.users["gridworker"])
    with database_down():  # the session itself cannot be read: raised in middleware
        body = assert_unavailable(client.get("/workbench/"))
    assert "服务暂时不可用" in body


def test_a_view_raising_an_outage_is_503_through_the_middleware(district):
    client = Client()  # raises whatever reaches Django's 500 handling: nothing must
    client.force_login(district.users["gridworker"])
    client.get("/workbench/")  # the session is loaded before the database goes down
    with mock.patch("gongzhi.workbench.views.render", side_effect=OperationalError("gone")):
        body = assert_unavailable(client.get("/workbench/"))
    assert "服务暂时不可用" in body


def test_the_api_answers_json_503(district):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=district.users["center"])
    client = Client()
    with database_down():
        response = client.get("/api/v1/cases/", headers={"Authorization": f"Token {token.key}"})
    assert_unavailable(response)
    assert response.json()["code"] == "unavailable"


def test_a_redis_outage_in_a_view_is_503_too(district):
    client = Client()
    with mock.patch(
        "gongzhi.portal.views.pages.render", side_effect=RedisConnectionError("refused")
    ):
        assert_unavailable(client.get("/"))


@pytest.mark.parametrize("error", [ValueError("a bug"), KeyError("x")])
def test_other_errors_stay_500(district, error):
    client = Client(raise_request_exception=False)
    with mock.patch("gongzhi.portal.views.pages.render", side_effect=error):
        response = client.get("/")
    assert response.status_code == 500
    assert "Retry-After" not in response
