"""Open311 POSTs with only lat/long, on the seeded demo district's boundaries (issue 16):
accepted inside the district and placed in the unit grid containing the point; refused
with the spec's 400 outside. Run on SQLite and on PostgreSQL (DATABASE_URL)."""

import io

import numpy as np
import pytest
import shapely
from django.core.management import call_command

from gongzhi.cases.models import Case, Channel
from gongzhi.grids.geometry import parse as parse_geometry
from gongzhi.grids.models import Grid, Level
from gongzhi.open311.keys import apikey_create
from gongzhi.seeding.geometry import SEAT

from .conftest import NEIGHBOURS, case_count, parse

BASE = {"service_code": NEIGHBOURS, "description": "路灯不亮"}


@pytest.fixture
def demo_key(db):
    call_command("seed", "--scale", "demo", "--no-history", stdout=io.StringIO())  # the map only
    return apikey_create(name="市民App")[1]


def post_point(client, key, lat, lng, fmt="json"):
    data = BASE | {"api_key": key, "lat": str(lat), "long": str(lng)}
    return client.post(f"/open311/v2/requests.{fmt}", data)


def placed(response) -> Case:
    assert response.status_code == 200, response.content.decode()
    return Case.objects.get(number=parse("json", response.content)[0]["service_request_id"])


def test_a_post_at_the_district_seat_lands_in_the_unit_containing_it(client, demo_key):
    lat, lng = SEAT[1], SEAT[0]
    case = placed(post_point(client, demo_key, lat, lng))
    assert case.channel == Channel.OPEN311 and case.grid.level == Level.UNIT
    assert parse_geometry(case.grid.boundary).covers(shapely.Point(lng, lat))
    assert (case.lat, case.lng) == (lat, lng)


def test_posts_across_the_district_land_in_the_unit_containing_each_point(client, demo_key):
    root = Grid.objects.get(depth=1)
    district = parse_geometry(root.boundary)
    rng = np.random.default_rng(16)
    xs = rng.uniform(district.bounds[0], district.bounds[2], 60)
    ys = rng.uniform(district.bounds[1], district.bounds[3], 60)
    inside = [(y, x) for x, y in zip(xs, ys, strict=True) if district.contains(shapely.Point(x, y))]
    assert len(inside) >= 20
    for lat, lng in inside[:20]:
        case = placed(post_point(client, demo_key, round(lat, 6), round(lng, 6)))
        assert case.grid.level == Level.UNIT
        assert parse_geometry(case.grid.boundary).covers(
            shapely.Point(round(lng, 6), round(lat, 6))
        )


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("lat, lng", [(39.9, 98.0), (40.5, 98.5), (30.0, 100.0), (0, 0)])
def test_a_post_outside_the_district_gets_the_specs_400_and_writes_nothing(
    client, demo_key, fmt, lat, lng
):
    before = case_count()
    response = post_point(client, demo_key, lat, lng, fmt)
    assert response.status_code == 400
    doc = parse(fmt, response.content)
    if fmt == "json":
        assert doc == [{"code": "400", "description": "该位置不在本区网格范围内"}]
    else:
        assert doc.tag == "errors"
        assert doc.find("error/code").text == "400"
        assert doc.find("error/description").text == "该位置不在本区网格范围内"
    assert case_count() == before
