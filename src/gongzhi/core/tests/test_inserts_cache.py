"""The placeholder conversion of the widest hot statement is cached by psycopg (core.inserts)."""

import pytest
from django.db import connection

from gongzhi.core.inserts import STATEMENT_CACHE_PARAMS, widen_statement_cache


def test_the_psycopg_limit_we_widen_still_exists_and_is_widened():
    from psycopg import _queries

    widen_statement_cache()
    assert _queries.MAX_CACHED_STATEMENT_PARAMS >= STATEMENT_CACHE_PARAMS


@pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg: PostgreSQL")
def test_the_case_create_statement_fits_the_cache():
    from psycopg import _queries

    from gongzhi.cases.create_sql import _pg_sql

    sql = _pg_sql("default", 6)  # a unit grid: five ancestors and itself
    assert sql.count("%s") <= _queries.MAX_CACHED_STATEMENT_PARAMS
    assert len(sql.encode()) <= _queries.MAX_CACHED_STATEMENT_LENGTH
