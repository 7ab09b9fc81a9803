"""After a seed's bulk load the planner has statistics (seeding.bulk.after_bulk_load), and the
grid path has a histogram fine enough for a township's range in a province (grids 0004)."""

import pytest
from django.db import connection, connections

from gongzhi.seeding.bulk import after_bulk_load

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="statistics targets and VACUUM: PostgreSQL"
)


def _one(sql: str, params=()):
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchone()[0]


@postgresql_only
@pytest.mark.django_db
def test_the_grid_path_keeps_a_thousand_histogram_buckets():
    target = _one(
        "SELECT attstattarget FROM pg_attribute WHERE attrelid = 'grids_grid'::regclass "
        "AND attname = 'path'"
    )
    assert target == 1000


@postgresql_only
@pytest.mark.django_db
def test_outside_a_transaction_it_vacuums_the_tables_too():
    # VACUUM cannot run inside this test's transaction (and a transactional test here would
    # upset the serialized-rollback tests that follow it): the statement is recorded, not run.
    seen = []

    def record(execute, sql, params, many, context):
        seen.append(sql)

    wrapper = connections["default"]
    wrapper.in_atomic_block = False
    try:
        with connection.execute_wrapper(record):
            assert after_bulk_load() == "VACUUM (ANALYZE)"
    finally:
        wrapper.in_atomic_block = True
    assert seen == ["VACUUM (ANALYZE)"]


@postgresql_only
@pytest.mark.django_db
def test_inside_a_transaction_only_the_statistics_are_refreshed():
    assert connection.in_atomic_block
    assert after_bulk_load() == "ANALYZE"


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite side")
@pytest.mark.django_db
def test_sqlite_needs_neither():
    assert after_bulk_load() == ""
