"""After a seed's bulk load the planner has statistics (seeding.bulk.after_bulk_load), and the
grid path has a histogram fine enough for a township's range in a province (grids 0004)."""

import pytest
from django.db import connection

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
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_tables_are_vacuumed_and_analyzed():
    _one("SELECT pg_stat_clear_snapshot() IS NULL")
    before = _one("SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'people_resident'")
    assert after_bulk_load() == "VACUUM (ANALYZE)"
    _one("SELECT pg_stat_clear_snapshot() IS NULL")
    after = _one("SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'people_resident'")
    assert after == before + 1


@postgresql_only
@pytest.mark.django_db
def test_inside_a_transaction_only_the_statistics_are_refreshed():
    assert connection.in_atomic_block
    assert after_bulk_load() == "ANALYZE"


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite side")
@pytest.mark.django_db
def test_sqlite_needs_neither():
    assert after_bulk_load() == ""
