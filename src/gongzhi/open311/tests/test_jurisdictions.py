"""jurisdiction_id when one deployment holds a city and its districts (issue 18): each
district's code is a jurisdiction of its own, the city's code covers both."""

import pytest

from gongzhi.cases.models import Case
from gongzhi.core.testing import PASSWORD
from gongzhi.grids.testing import build_city
from gongzhi.open311.keys import apikey_create

SUZHOU, YUMEN, CITY = "620902", "620981", "620900"


@pytest.fixture
def city(db):
    return build_city(PASSWORD)


@pytest.fixture
def key(city):
    return apikey_create(name="市民App")[1]


def _post(client, key, unit, **params):
    data = {"api_key": key, "service_code": "0102", "description": "楼道灯不亮"}
    return client.post("/open311/v2/requests.json", data | {"address_id": unit.code} | params)


def _listed(client, **params) -> set[str]:
    r = client.get("/open311/v2/requests.json", params)
    assert r.status_code == 200, r.content
    return {row["service_request_id"] for row in r.json()}


def test_a_request_outside_the_named_district_is_refused_and_writes_nothing(client, city, key):
    before = Case.objects.count()
    refused = _post(client, key, city.units[SUZHOU], jurisdiction_id=YUMEN)
    assert refused.status_code == 400
    assert "辖区" in refused.json()[0]["description"]
    assert Case.objects.count() == before
    assert _post(client, key, city.units[YUMEN], jurisdiction_id=YUMEN).status_code == 200
    assert _post(client, key, city.units[SUZHOU], jurisdiction_id=CITY).status_code == 200


def test_the_list_of_a_district_holds_its_requests_only(client, city, key):
    numbers = {}
    for code in (SUZHOU, YUMEN):
        r = _post(client, key, city.units[code])
        assert r.status_code == 200
        numbers[code] = r.json()[0]["service_request_id"]
    assert _listed(client, jurisdiction_id=YUMEN) == {numbers[YUMEN]}
    assert _listed(client, jurisdiction_id=SUZHOU) == {numbers[SUZHOU]}
    assert _listed(client, jurisdiction_id=CITY) == set(numbers.values())
    assert _listed(client) == set(numbers.values())


def test_a_township_code_is_not_a_jurisdiction(client, city, key):
    township = city.townships[YUMEN]
    r = _post(client, key, city.units[YUMEN], jurisdiction_id=township.code)
    assert r.status_code == 404


@pytest.mark.parametrize("garbage", ["6209" * 300, "'; DROP TABLE x;--", " ", "-1", "六二零九八一"])
def test_a_garbage_jurisdiction_is_a_clear_4xx_and_writes_nothing(client, city, key, garbage):
    before = Case.objects.count()
    r = _post(client, key, city.units[YUMEN], jurisdiction_id=garbage)
    if garbage.strip():
        assert r.status_code in (400, 404) and r.json()[0]["description"]
    else:
        assert r.status_code == 200  # blank is "absent" (spec: optional arguments)
    assert Case.objects.count() == before + (0 if garbage.strip() else 1)
    listed = client.get("/open311/v2/requests.json", {"jurisdiction_id": garbage})
    assert listed.status_code in ((400, 404) if garbage.strip() else (200,))


def test_control_characters_in_a_jurisdiction_are_dropped_as_everywhere(client, city, key):
    """The request middleware drops control characters from every parameter."""
    r = _post(client, key, city.units[SUZHOU], jurisdiction_id="620981\x01")
    assert r.status_code == 400 and "辖区" in r.json()[0]["description"]  # read as 620981
