"""Cases across a year boundary: on PostgreSQL each lands in its year's partition (its id
carries the year), and every list, export and KPI finds both. SQLite runs the same tests
on plain tables (docs/decisions.md, "Partitioned history")."""

import datetime as dt
import io

import pytest
from django.db import connection
from openpyxl import load_workbook

from gongzhi.cases.kpis import kpis_compute, kpis_compute_live
from gongzhi.cases.kpis.periods import period_custom
from gongzhi.cases.models import Case, CaseEvent
from gongzhi.cases.selectors import case_list_for, case_timeline
from gongzhi.core import clock
from gongzhi.core.partitions import YEAR_SPAN, partitions_ensure

from .conftest import report

TZ = dt.timezone(dt.timedelta(hours=8))
NEW_YEARS_EVE = dt.datetime(2025, 12, 31, 23, 30, tzinfo=TZ)
NEW_YEAR = dt.datetime(2026, 1, 1, 0, 30, tzinfo=TZ)
PG = connection.vendor == "postgresql"
pg_only = pytest.mark.skipif(not PG, reason="partitions exist on PostgreSQL only")


def partition_of(model, pk) -> str:
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT tableoid::regclass::text FROM {model._meta.db_table} WHERE id = %s",  # noqa: S608
            [pk],
        )
        return cur.fetchone()[0]


def partitions(table) -> set[str]:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = %s::regclass",
            [table],
        )
        return {r[0] for r in cur.fetchall()}


@pytest.fixture
def two_years(district):
    with clock.frozen_at(NEW_YEARS_EVE):
        old = report(district, title="除夕楼道堆物")
    with clock.frozen_at(NEW_YEAR):
        new = report(district, title="元旦噪音扰民")
    return old, new


def test_a_case_id_carries_the_year_it_was_created_in_on_postgresql(two_years):
    old, new = two_years
    if PG:
        assert (old.pk // YEAR_SPAN, new.pk // YEAR_SPAN) == (2025, 2026)
    else:  # plain autoincrement
        assert new.pk == old.pk + 1


@pg_only
def test_cases_and_their_events_land_in_their_years_partitions(two_years):
    old, new = two_years
    assert {"cases_case_y2025", "cases_case_y2026", "cases_case_default"} <= partitions(
        "cases_case"
    )
    assert partition_of(Case, old.pk) == "cases_case_y2025"
    assert partition_of(Case, new.pk) == "cases_case_y2026"
    old_event, new_event = (case_timeline(c).first() for c in (old, new))
    assert partition_of(CaseEvent, old_event.pk) == "cases_caseevent_y2025"
    assert partition_of(CaseEvent, new_event.pk) == "cases_caseevent_y2026"


def test_both_years_are_found_by_the_lists_the_export_and_the_kpis(two_years, district, login):
    old, new = two_years
    center = district.users["center"]
    assert {old.pk, new.pk} <= set(case_list_for(center).values_list("pk", flat=True))
    client = login("center")
    page = client.get("/cases/?inbox=todo").content.decode()
    assert old.number in page and new.number in page
    for case in (old, new):  # the detail page, by number and by id
        assert client.get(f"/cases/{case.number}/").status_code == 200
        assert client.get(f"/cases/{case.pk}/").status_code == 200
    response = client.get("/cases/export.xlsx?inbox=todo")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = {str(c.value) for row in sheet.iter_rows() for c in row}
    assert {old.number, new.number} <= cells
    period = period_custom(dt.date(2025, 12, 1), dt.date(2026, 1, 31))
    later = NEW_YEAR + dt.timedelta(days=40)
    live = kpis_compute_live(period=period, grid=district.root, now=later)
    assert live.accept_timely.denominator == 2  # both deadlines fall in the period
    assert kpis_compute(period=period, grid=district.root, now=later) == live


def test_save_and_bulk_create_give_ids_of_the_created_year(two_years):
    old, _new = two_years
    fields = {
        f.attname: getattr(old, f.attname)
        for f in Case._meta.concrete_fields
        if not f.primary_key and f.attname not in ("number", "idempotency_key")
    }
    saved = Case(**fields | {"number": "T-1", "created_at": NEW_YEARS_EVE - dt.timedelta(days=400)})
    saved.save()
    bulk = Case.objects.bulk_create([Case(**fields | {"number": "T-2", "created_at": NEW_YEAR})])
    assert Case.objects.filter(pk__in=[saved.pk, bulk[0].pk]).count() == 2
    if PG:
        assert (saved.pk // YEAR_SPAN, bulk[0].pk // YEAR_SPAN) == (2024, 2026)
        assert partition_of(Case, saved.pk) == "cases_case_y2024"


@pg_only
def test_a_new_years_partition_takes_over_the_rows_the_default_partition_caught(district):
    far = dt.datetime(2040, 5, 1, 10, 0, tzinfo=TZ)
    with clock.frozen_at(far):
        case = report(district)
    event = case_timeline(case).first()
    assert partition_of(Case, case.pk) == "cases_case_default"
    assert partition_of(CaseEvent, event.pk) == "cases_caseevent_default"
    made = partitions_ensure(range(2040, 2041))
    assert {"cases_case_y2040", "cases_caseevent_y2040", "core_auditlog_y2040"} <= set(made)
    # Events move into their year; the case, which other tables point at, stays where it is
    # and the year's partition starts after it.
    assert partition_of(CaseEvent, event.pk) == "cases_caseevent_y2040"
    assert partition_of(Case, case.pk) == "cases_case_default"
    assert partitions_ensure(range(2040, 2041)) == []  # idempotent
    with clock.frozen_at(far + dt.timedelta(days=1)):
        later = report(district)
    assert partition_of(Case, later.pk) == "cases_case_y2040"
    assert Case.objects.get(pk=case.pk).events.count() == 1
    with connection.cursor() as cur:
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # every foreign key still holds


def test_a_bulk_load_gives_ids_of_the_created_year(two_years, district):
    from gongzhi.seeding.bulk import FastInsert

    old, _new = two_years
    created = NEW_YEARS_EVE - dt.timedelta(days=400)
    load = FastInsert(Case)
    values = {
        f.column: f.get_db_prep_save(getattr(old, f.attname), connection)
        for f in Case._meta.concrete_fields
        if not f.primary_key
    }
    pk = load.next_id(at=created)
    values |= {
        "id": pk,
        "number": "T-3",
        "idempotency_key": None,
        "created_at": Case._meta.get_field("created_at").get_db_prep_save(created, connection),
    }
    load.write([load.row(values)])
    load.finish()
    assert Case.objects.filter(pk=pk, number="T-3").exists()
    if PG:
        assert partition_of(Case, pk) == "cases_case_y2024"
    with clock.frozen_at(NEW_YEAR):
        assert report(district).pk != pk  # the serials did not collide
