"""Columns a new case leaves empty are indexed only where set (cases 0012), on both databases."""

import re

import pytest
from django.db import connection

from gongzhi.cases.models.case import PARTIAL_INDEXES

pytestmark = pytest.mark.django_db


def _indexes() -> dict[str, dict]:
    with connection.cursor() as cur:
        return connection.introspection.get_constraints(cur, "cases_case")


def _definition(name: str) -> str:
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT pg_get_indexdef(%s::regclass)", [name])
        else:
            cur.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = %s", [name])
        return cur.fetchone()[0]


@pytest.mark.parametrize(("field", "name"), PARTIAL_INDEXES)
def test_each_partial_index_skips_the_empty_rows(field, name):
    column = f"{field}_id" if not field.endswith("_at") else field
    assert _indexes()[name]["columns"] == [column]
    assert f"{column}" in _definition(name) and "IS NOT NULL" in _definition(name)


def test_no_full_single_column_index_is_left_on_those_columns_nor_on_state_and_grid():
    partial = {name for _field, name in PARTIAL_INDEXES}
    columns = {f"{f}_id" if not f.endswith("_at") else f for f, _n in PARTIAL_INDEXES}
    full = [
        (name, info["columns"])
        for name, info in _indexes().items()
        if info["index"] and not info["primary_key"] and name not in partial
    ]
    single = {tuple(cols) for _name, cols in full if len(cols) == 1}
    assert not single & {(c,) for c in columns | {"state", "grid_id"}}, full
    # The composite indexes that serve state and grid look-ups are still there.
    assert ["state", "owning_level"] in [cols for _n, cols in full]
    assert ["grid_id", "created_at"] in [cols for _n, cols in full]


def test_the_planner_uses_a_partial_index_for_a_look_up_by_value():
    sql = "SELECT id FROM cases_case WHERE assignee_staff_id = 12345"
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET LOCAL enable_seqscan = off")
            cur.execute("EXPLAIN " + sql)
        else:
            cur.execute("EXPLAIN QUERY PLAN " + sql)
        plan = " ".join(str(row) for row in cur.fetchall())
        used = set(
            re.findall(r"(?:USING (?:COVERING )?INDEX|Index (?:Only )?Scan using) (\w+)", plan)
        )
        assert used, plan
        if connection.vendor == "postgresql":  # each year partition has its own child index
            cur.execute(
                "SELECT DISTINCT inhparent::regclass::text FROM pg_inherits "
                "WHERE inhrelid::regclass::text = ANY(%s)",
                [sorted(used)],
            )
            used = {row[0] for row in cur.fetchall()}
    assert used == {"case_assignee_staff_idx"}, plan
