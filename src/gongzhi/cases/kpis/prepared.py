"""The live KPI queries, built by Django once per shape and then only given new values.

A KPI query has ~20 conditional aggregates, each with its own copy of the period's
deadline condition. Building it (resolving every filter, re-walking the expression trees,
compiling) costs ~15 ms of Python per query, tens of times what SQLite then takes to run
it, and a dashboard, an export or the KPI tests run hundreds of them. Yet only a few
values change from one call to the next: the period's start and end, "now" and the grid
subtree's path range. So the query of each shape (the rated rule, the database, whether a
grid is given, the grouping depth) is built once with stand-in values, its SQL kept, and
later calls put their own values into the parameters where the stand-ins were. The SQL
that runs is exactly the SQL Django builds (cases/tests/test_kpi_prepared.py compares them).

Only the queries over all cases take this path; a caller's own queryset (a user's
restriction, a room, a department) is built by Django each time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import QuerySet

from gongzhi.cases.models import Case
from gongzhi.core.paths import successor
from gongzhi.grids.models import Grid

from .periods import Period

# Stand-ins no real period, moment or grid path takes (paths use only 0-9A-Z).
STAND_IN_PERIOD = Period(kind="custom", first_day=dt.date(1901, 2, 3), last_day=dt.date(1901, 2, 3))
STAND_IN_NOW = dt.datetime(1901, 2, 3, 12, 34, 56, 789, tzinfo=dt.UTC)
STAND_IN_PATH = "Z0Q9X8W7V6U5T4"
_DATETIME = Case._meta.get_field("handle_red_at")  # as every deadline and moment column
_PATH = Grid._meta.get_field("path")


@dataclass(frozen=True)
class Values:
    """What changes between two queries of one shape."""

    period: Period
    now: dt.datetime
    grid_path: str | None = None

    def by_role(self) -> dict[str, Any]:
        out: dict[str, Any] = {"start": self.period.start, "end": self.period.end, "now": self.now}
        if self.grid_path is not None:
            out |= {"path": self.grid_path, "path_end": successor(self.grid_path)}
        return out


@dataclass(frozen=True)
class Shape:
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, str], ...]  # (parameter position, role)
    columns: tuple[str, ...]


_shapes: dict[tuple, Shape] = {}


def stand_in_values(has_grid: bool) -> Values:
    path = STAND_IN_PATH if has_grid else None
    return Values(period=STAND_IN_PERIOD, now=STAND_IN_NOW, grid_path=path)


def _prepared(value: Any, role: str, alias: str) -> Any:
    field = _PATH if role.startswith("path") else _DATETIME
    return field.get_db_prep_value(value, connections[alias])


def _capture(build: Callable[[Values], QuerySet[Any, Any]], has_grid: bool, alias: str) -> Shape:
    """Build the query with the stand-ins and note where each one landed."""
    stand_in = stand_in_values(has_grid)
    qs = build(stand_in).using(alias)
    sql, params = qs.query.get_compiler(alias).as_sql()
    wanted = {_prepared(value, role, alias): role for role, value in stand_in.by_role().items()}
    slots = tuple((i, wanted[p]) for i, p in enumerate(params) if _hashable(p) and p in wanted)
    if {role for _, role in slots} != set(wanted.values()):
        raise RuntimeError(f"a KPI query lost one of its values: {sorted(wanted.values())}")
    query = qs.query
    columns = (*query.extra_select, *query.values_select, *query.annotation_select)
    return Shape(sql=sql, params=tuple(params), slots=slots, columns=columns)


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def statement(
    kind: str,
    build: Callable[[Values], QuerySet[Any, Any]],
    values: Values,
    *,
    extra_key: tuple = (),
) -> tuple[str, list[Any], Shape, str]:
    """(sql, params, shape, database alias) of `build(values)`, built by Django once per shape.

    `build` must give a `.values(…).annotate(…)` queryset over Case whose structure depends
    only on `kind`, `extra_key`, whether a grid path is given, and the settings in the key."""
    from .compute import rated_rule

    alias = Case.objects.all().db  # the router's choice, as the queryset would make it
    has_grid = values.grid_path is not None
    key = (kind, alias, connections[alias].vendor, rated_rule(), has_grid, *extra_key)
    shape = _shapes.get(key)
    if shape is None:
        shape = _shapes[key] = _capture(build, has_grid, alias)
    params = list(shape.params)
    real = {role: _prepared(v, role, alias) for role, v in values.by_role().items()}
    for i, role in shape.slots:
        params[i] = real[role]
    return shape.sql, params, shape, alias


def rows(
    kind: str,
    build: Callable[[Values], QuerySet[Any, Any]],
    values: Values,
    *,
    extra_key: tuple = (),
) -> list[dict[str, Any]]:
    """The rows of `build(values)` as dicts (see statement). Values come as the database
    driver gives them: handling_total in microseconds on SQLite (compute._as_duration)."""
    sql, params, shape, alias = statement(kind, build, values, extra_key=extra_key)
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return [dict(zip(shape.columns, row, strict=True)) for row in cursor.fetchall()]
