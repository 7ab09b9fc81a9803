"""The live KPI queries built once per shape (kpis/prepared.py) are the queries Django builds.

For random periods, moments and grids, under both rated rules: the SQL and parameters that
run equal what Django compiles for those values, and the rows equal Django's own results.
"""

import datetime as dt
import random

import pytest

from gongzhi.cases.kpis import prepared
from gongzhi.cases.kpis.compute import (
    _aggregates,
    _base,
    _grouped_query,
    _row_query,
    kpi_row_live,
    kpi_rows_grouped_live,
    kpiset_from_row,
    scope_filter,
)
from gongzhi.cases.kpis.periods import period_custom
from gongzhi.grids.models import Grid

from .test_kpi_aggregates import T0, _cases_insert

D = dt.timedelta(days=1)


def _cases(rng):
    days = [(T0 + k * D).date() for k in range(-62, 24)]
    for _ in range(12):
        first, last = sorted(rng.sample(days, 2))
        now = T0 + rng.uniform(-70, 30) * D
        grid = rng.choice([None, *Grid.objects.all()])
        yield period_custom(first, last), now, grid


@pytest.mark.parametrize("rule", ["deadline", "rating"])
def test_the_prepared_queries_are_djangos_queries_with_the_callers_values(district, settings, rule):
    settings.KPI_RATED_COUNTS_AT = rule
    rng = random.Random(rule)
    _cases_insert(rng, 80)
    deepest = max(g.depth for g in Grid.objects.all())
    due = 0
    for period, now, grid in _cases(rng):
        values = prepared.Values(period=period, now=now, grid_path=grid.path if grid else None)
        sql, params, _shape, alias = prepared.statement("row", _row_query, values)
        assert (sql, tuple(params)) == _row_query(values).query.get_compiler(alias).as_sql()
        live = kpi_row_live(period=period, grid=grid, now=now)
        assert kpiset_from_row(live) == kpiset_from_row(_aggregate(period, grid, now))
        due += live["accept_due"] + live["close_due"]

        depth = rng.randint(1, deepest)
        build = lambda v, depth=depth: _grouped_query(None, depth, v)  # noqa: E731
        sql, params, _shape, alias = prepared.statement(
            "grouped", build, values, extra_key=(depth,)
        )
        assert (sql, tuple(params)) == build(values).query.get_compiler(alias).as_sql()
        grouped = kpi_rows_grouped_live(period=period, depth=depth, grid=grid, now=now)
        django_rows = {row.pop("group"): row for row in build(values)}
        assert {p: kpiset_from_row(r) for p, r in grouped.items()} == {
            p: kpiset_from_row(r) for p, r in django_rows.items()
        }
        assert grouped.keys() == django_rows.keys()
    assert due > 0  # the periods held cases


def _aggregate(period, grid, now):
    """The one-row query as it was built before: QuerySet.aggregate()."""
    base = _base(None, period, now).filter(scope_filter(grid=grid))
    return base.aggregate(**_aggregates(period, now))
