"""Open311 answers an outage with 503 and its error body (JSON and XML), and only real
validation errors with 4xx; a retry after a 503 with the same Idempotency-Key makes one case."""

from unittest import mock

import pytest
from django.db import DataError
from django.test import Client
from redis.exceptions import ConnectionError as RedisConnectionError

from gongzhi.cases.models import Case, Channel
from gongzhi.core.outage import RETRY_AFTER_SECONDS
from gongzhi.core.testing import database_down

from .conftest import case_count, parse, post


def error_of(fmt: str, response) -> tuple[str, str]:
    body = parse(fmt, response.content)
    if fmt == "json":
        return body[0]["code"], body[0]["description"]
    error = body.find("error")
    return error.findtext("code"), error.findtext("description")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_post_during_a_database_outage_is_503_in_the_spec_error_format(client, key, fmt):
    before = case_count()
    with database_down():
        response = post(client, fmt, key=key)
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    code, description = error_of(fmt, response)
    assert code == "503" and "服务暂时不可用" in description
    assert case_count() == before


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_reads_during_a_database_outage_are_503(client, key, fmt):
    with database_down():
        for path in (f"/open311/v2/services.{fmt}", f"/open311/v2/requests.{fmt}"):
            response = client.get(path)
            assert response.status_code == 503, path
            assert error_of(fmt, response)[0] == "503"


def test_a_redis_outage_is_503_too(client, key):
    with mock.patch("gongzhi.open311.views.apikey_throttled", side_effect=RedisConnectionError):
        response = post(client, key=key)
    assert response.status_code == 503
    assert response["Retry-After"]


def test_a_retry_with_the_same_idempotency_key_after_a_503_makes_exactly_one_case(client, key):
    headers = {"Idempotency-Key": "phone-report-17"}
    with database_down():
        assert post(client, key=key, headers=headers).status_code == 503
    first = post(client, key=key, headers=headers)
    again = post(client, key=key, headers=headers)
    assert (first.status_code, again.status_code) == (200, 200)
    assert parse("json", first.content) == parse("json", again.content)
    assert Case.objects.filter(channel=Channel.OPEN311).count() == 1


@pytest.mark.parametrize(
    "params",
    [
        {"description": "杂草\x00丛生"},
        {"first_name": "\x00"},
        {"address_string": "公园路\x00"},
        {"attribute[x\x00]": "1"},
    ],
)
def test_nul_characters_are_a_400_with_a_message_and_write_nothing(client, key, params):
    before = case_count()
    response = post(client, key=key, **params)
    assert response.status_code == 400
    assert "非法字符" in error_of("json", response)[1]
    assert case_count() == before


def test_a_nul_in_an_xml_request_is_a_400_in_the_xml_error_format(client, key):
    before = case_count()
    response = post(client, "xml", key=key, description="杂草\x00丛生")
    assert response.status_code == 400
    code, description = error_of("xml", response)
    assert code == "400" and "非法字符" in description and "description" in description
    assert case_count() == before


def test_a_name_longer_than_the_case_keeps_is_400(client, key):
    response = post(client, key=key, last_name="欧" * 30, first_name="阳" * 30)
    assert response.status_code == 400
    assert "姓名过长" in error_of("json", response)[1]


def test_a_value_the_database_refuses_is_a_400_with_a_message(client, key):
    refused = DataError("value too long for type character varying(100)")
    with mock.patch("gongzhi.open311.views.open311_request_create", side_effect=refused):
        response = post(client, key=key)
    assert response.status_code == 400
    assert "超出长度" in error_of("json", response)[1]


def test_a_pool_timeout_is_an_outage_not_a_client_error(key):
    from django.db import OperationalError

    client = Client()
    timeout = OperationalError("couldn't get a connection after 10.00 sec")
    with mock.patch("gongzhi.open311.views.apikey_authenticate", side_effect=timeout):
        response = post(client, "xml", key=key)
    assert response.status_code == 503
