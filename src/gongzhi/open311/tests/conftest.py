"""Helpers for Open311 tests: a key, a district with boundaries, HTTP and client helpers."""

import json
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache

from gongzhi.cases.models import Case
from gongzhi.open311.keys import apikey_create

NEIGHBOURS = "0102"  # 矛盾纠纷/邻里纠纷: one optional number attribute
FACILITIES = "0401"  # 公共设施/公用设施: a required singlevaluelist
INSIDE = {"lat": "39.7", "long": "98.5"}  # inside unit_a's square (see `bounded`)
OUTSIDE = {"lat": "30.0", "long": "100.0"}
SQUARE = [[98.4, 39.6], [98.6, 39.6], [98.6, 39.8], [98.4, 39.8], [98.4, 39.6]]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()  # the throttle counts in the cache; keys' pks repeat across tests
    yield
    cache.clear()


@pytest.fixture
def bounded(district):
    # Test set-up only: no service edits boundaries (they come from the import).
    for grid in (district.jinquan, district.unit_a):
        grid.boundary = {"type": "Polygon", "coordinates": [SQUARE]}
        grid.save()
    return district


@pytest.fixture
def key(bounded):
    return apikey_create(name="市民App")[1]


def case_count() -> int:
    return Case.objects.count()


def form(key: str | None, **params) -> dict:
    data = {"service_code": NEIGHBOURS, "description": "公园路46号楼院杂草丛生", **INSIDE}
    if key is not None:
        data["api_key"] = key
    return data | params


def post(client, fmt: str = "json", key: str | None = None, headers=None, **params):
    return client.post(f"/open311/v2/requests.{fmt}", form(key, **params), headers=headers or {})


def parse(fmt: str, body: bytes):
    return json.loads(body) if fmt == "json" else ET.fromstring(body)  # noqa: S314 - our own output


def http(url: str, data: dict | None = None, headers: dict | None = None):
    """Real HTTP with urllib: (status, headers, body); error statuses are returned too."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    req = urllib.request.Request(url, data=body, headers=headers or {})  # noqa: S310
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310 - the test server
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()
