"""A field report with the phone's location lands in the grid containing it when that grid
is the worker's; otherwise in the worker's unit (issue 16, item 2)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from gongzhi.cases.models import Case
from gongzhi.grids.testing import IN_UNIT_A, IN_UNIT_B, bound_district
from gongzhi.workbench.services import field_report_create

CATEGORY = "0102"


@pytest.fixture
def bounded(district):
    bound_district(district)
    return district


def test_a_location_in_the_workers_unit_places_the_case_there(bounded):
    case = field_report_create(
        by=bounded.users["gridworker"],
        category=CATEGORY,
        description="井盖缺失",
        lat=str(IN_UNIT_A[0]),
        lng=str(IN_UNIT_A[1]),
    )
    assert case.grid == bounded.unit_a and (case.lat, case.lng) == IN_UNIT_A


def test_a_location_outside_the_workers_grids_keeps_the_case_in_their_unit(bounded):
    case = field_report_create(
        by=bounded.users["gridworker"],
        category=CATEGORY,
        description="井盖缺失",
        lat=IN_UNIT_B[0],
        lng=IN_UNIT_B[1],
    )
    assert case.grid == bounded.unit_a and (case.lat, case.lng) == IN_UNIT_B


def test_a_location_outside_the_district_keeps_the_case_in_the_workers_unit(bounded):
    case = field_report_create(
        by=bounded.users["gridworker"],
        category=CATEGORY,
        description="井盖缺失",
        lat=30.0,
        lng=100.0,
    )
    assert case.grid == bounded.unit_a


def test_a_worker_over_a_building_reports_into_the_unit_at_the_phones_location(bounded):
    # Their scope holds both units of the building: the location picks the one it is in.
    from gongzhi.core.roles import Role
    from gongzhi.core.testing import PASSWORD
    from gongzhi.org.services import staff_create

    worker = staff_create(
        username="roving",
        name="网格员丙",
        role=Role.GRID_WORKER,
        grids=[bounded.building],
        password=PASSWORD,
    ).user
    case = field_report_create(
        by=worker, category=CATEGORY, description="井盖缺失", lat=IN_UNIT_B[0], lng=IN_UNIT_B[1]
    )
    assert case.grid == bounded.unit_b


@pytest.mark.parametrize(
    "lat, lng", [("abc", "98.5"), ("39.7", ""), ("91", "98.5"), ("nan", "98.5"), ("39.7", "-inf")]
)
def test_a_garbage_location_is_refused_and_writes_nothing(bounded, lat, lng):
    with pytest.raises(ValidationError, match="位置坐标无效"):
        field_report_create(
            by=bounded.users["gridworker"],
            category=CATEGORY,
            description="井盖缺失",
            lat=lat,
            lng=lng,
        )
    assert not Case.objects.exists()


def test_the_report_form_posts_the_location_from_the_locate_button(bounded, login):
    client = login("gridworker")
    page = client.get(reverse("workbench:report_new")).content.decode()
    assert "data-locate" in page and 'name="lat"' in page and 'name="lng"' in page
    response = client.post(
        reverse("workbench:report_new"),
        {
            "category": CATEGORY,
            "description": "井盖缺失",
            "lat": str(IN_UNIT_A[0]),
            "lng": str(IN_UNIT_A[1]),
        },
    )
    assert response.status_code in (200, 302)
    assert Case.objects.get().lat == IN_UNIT_A[0]
    response = client.post(
        reverse("workbench:report_new"),
        {"category": CATEGORY, "description": "x", "lat": "abc", "lng": "1"},
    )
    assert response.status_code == 400 and "位置坐标无效" in response.content.decode()
    assert Case.objects.count() == 1
