"""Query budgets: creating a case and rendering an inbox page cost the same at any size."""

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from gongzhi.cases.models import Case, CaseEvent, Category, Notification
from gongzhi.cases.notify import supervisor_ids_of
from gongzhi.core.testing import build_district
from gongzhi.grids.services import grid_add_child
from gongzhi.org.models import Staff

from .conftest import NEIGHBOURS, act, report

INBOX_BUDGET = 14


def _create_queries() -> int:
    """Inside a transaction (as in a test): the savepoint and its release, plus the create:
    PostgreSQL one statement (number, case, event, notifications as CTEs); SQLite three (case
    with its number, event, notifications with the supervisor look-up)."""
    return 2 + (1 if connection.vendor == "postgresql" else 3)


def test_a_create_folds_number_case_event_and_notifications(district, django_assert_num_queries):
    report(district)  # the first create of a day also warms the policy cache
    category = Category.objects.get(code=NEIGHBOURS)
    # + 1: a named reporter's resident accounts are looked up for the "received" notice
    # (cases.resident_notify; this resident has none, so nothing more is written).
    with django_assert_num_queries(_create_queries() + 1):
        case = report(
            district,
            category=category,
            reporter_resident=district.residents["a_head"],
            idempotency_key="budget-1",
        )
    # Everything the folded statement(s) wrote is there and belongs to this case.
    assert Case.objects.get(pk=case.pk).number == case.number
    assert list(CaseEvent.objects.filter(case=case).values_list("action", flat=True)) == ["report"]
    notified = Notification.objects.filter(case=case, kind="new_case")
    assert sorted(notified.values_list("user_id", flat=True)) == supervisor_ids_of(case.grid)
    assert {n.title for n in notified} == {f"新事件待受理:{case.number}"}
    # A replay: the guarded INSERT writes nothing and stops; then the look-up of the first case.
    with django_assert_num_queries(2 + 1 + 1):
        assert report(district, category=category, idempotency_key="budget-1").pk == case.pk


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_outside_a_transaction_a_postgresql_create_is_one_round_trip(django_assert_num_queries):
    district = build_district()
    category = Category.objects.get(code=NEIGHBOURS)
    report(district, category=category)
    with django_assert_num_queries(1):
        case = report(district, category=category)
    assert Notification.objects.filter(case=case).exists()


def test_finding_supervisors_is_one_query_at_any_depth(district):
    deep = district.jinquan
    for name in ("第二居民小组", "新院", "2号楼", "1单元"):  # nobody is assigned below 金泉路
        deep = grid_add_child(parent=deep, name=name)
    with CaptureQueriesContext(connection) as captured:
        ids = supervisor_ids_of(deep)
    assert len(captured) == 1
    community = Staff.objects.filter(
        Q(center__grid=district.jinquan) | Q(grid_assignments__grid=district.jinquan)
    )
    assert ids == sorted(set(community.values_list("user_id", flat=True)))


def _inbox_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/cases/?inbox=todo").status_code == 200
    return len(captured)


def test_the_inbox_page_does_not_query_per_row(district, login, django_assert_max_num_queries):
    client = login("center")
    for i in range(3):
        report(district, title=f"事件{i}", reporter_resident=district.residents["a_head"])
    few = _inbox_queries(client)
    for i in range(25):
        case = report(district, title=f"更多{i}", grid=district.unit_b)
        if i % 2:
            act(district, case, "center", "accept")
            act(district, case, "center", "dispatch", to_staff=district.users["gridworker_b"].staff)
    with django_assert_max_num_queries(INBOX_BUDGET):
        many = _inbox_queries(client)
    assert many == few


def _api_list_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/api/v1/cases/").status_code == 200
    return len(captured)


def test_the_api_list_does_not_query_per_row(district):
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=district.users['center']).key}"
    )
    report(district, reporter_resident=district.residents["a_head"])
    few = _api_list_queries(client)
    for i in range(12):
        report(district, title=f"更多{i}", grid=district.unit_b, contact_name="王五")
    assert _api_list_queries(client) == few
