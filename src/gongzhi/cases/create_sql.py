"""A case create in as few statements as the database allows (docs/decisions.md, "Case create").

PostgreSQL: ONE statement. Data-modifying CTEs draw the day's number from its sequence (only
when the idempotency key is new), insert the case, its first timeline event and one inbox row
per supervisor of the owning grid (found by the same look-up as notify.supervisor_ids_of).
Outside a transaction that single statement is its own transaction: one round trip in all.

SQLite (no DML in CTEs): three statements in the caller's transaction — the case with its
number drawn from the day's DailyCounter inside the INSERT (a trigger, migration 0007, moves
the counter on), the event, and the notifications selected from the supervisor look-up.

Either way the INSERT is guarded by NOT EXISTS on the idempotency key, so a replay inserts
nothing and draws no number; two racing submissions still meet the unique index
(IntegrityError), and the caller returns the winner. Values are prepared by
core.inserts.row_params exactly as Model.save() prepares them.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import TYPE_CHECKING

from django.db import connections
from django.db.models import CharField, TextField

from gongzhi.core.inserts import insert_fields, insert_row, mark_saved, prepared_cursor, row_params
from gongzhi.grids.models import Grid

from .models import Case, CaseEvent, DailyCounter, Notification
from .notify import supervisor_sql

if TYPE_CHECKING:
    from collections.abc import Sequence

    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models import Field, Model


NEW_CASE_KIND = "new_case"
NEW_CASE_TITLE = "新事件待受理:"  # + the number (stored text, as notify_users writes it)


def _q(conn: BaseDatabaseWrapper, model: type[Model], fields: Sequence[Field]) -> tuple[str, str]:
    qn = conn.ops.quote_name
    return qn(model._meta.db_table), ", ".join(qn(str(f.column)) for f in fields)


def _marks(conn: BaseDatabaseWrapper, fields: Sequence[Field]) -> str:
    """Placeholders; on PostgreSQL typed, since INSERT … SELECT does not type bare parameters."""
    if conn.vendor != "postgresql":
        return ", ".join(["%s"] * len(fields))
    return ", ".join(
        "%s" if isinstance(f, CharField | TextField) else f"%s::{f.cast_db_type(conn)}"
        for f in fields
    )


_CASE_FIELDS = functools.cache(lambda: insert_fields(Case, skip=("number",)))
_EVENT_FIELDS = functools.cache(lambda: insert_fields(CaseEvent, skip=("case",)))


@functools.cache
def _notify_sql(alias: str, n_paths: int, case_from: str) -> str:
    conn = connections[alias]
    table, cols = _q(conn, Notification, insert_fields(Notification))
    names = cols.split(", ")
    assert names[:2] == ['"user_id"', '"case_id"'] and names[-1] == '"link"', cols  # noqa: S101
    pg = conn.vendor == "postgresql"
    ts, null_ts = ("%s::timestamptz", "NULL::timestamptz") if pg else ("%s", "NULL")
    return (
        f"INSERT INTO {table} ({cols}) SELECT DISTINCT sup.user_id, {case_from}, %s, "  # noqa: S608
        f"%s || {'c.number' if case_from == 'c.id' else '%s'}, %s, {ts}, {null_ts}, '' FROM "
        f"{'c, ' if case_from == 'c.id' else ''}sup "
        "WHERE length(sup.path) = (SELECT max(length(path)) FROM sup)"
    )


@functools.cache
def _pg_sql(alias: str, n_paths: int) -> str:
    conn = connections[alias]
    case_table, case_cols = _q(conn, Case, _CASE_FIELDS())
    event_table, event_cols = _q(conn, CaseEvent, _EVENT_FIELDS())
    return (
        "WITH num AS (SELECT gongzhi_case_number_next(%s::date) AS n WHERE NOT EXISTS "  # noqa: S608
        f"(SELECT 1 FROM {case_table} WHERE idempotency_key = %s)), "
        # The id carries the year of created_at: it picks the year partition (core.partitions).
        f"c AS (INSERT INTO {case_table} (id, number, {case_cols}) "
        "SELECT gongzhi_case_id(%s::timestamptz), %s || CASE WHEN n < 10000 "
        f"THEN lpad(n::text, 4, '0') ELSE n::text END, {_marks(conn, _CASE_FIELDS())} FROM num "
        "RETURNING id, number), "
        f"e AS (INSERT INTO {event_table} (case_id, {event_cols}) SELECT c.id, "
        f"{_marks(conn, _EVENT_FIELDS())} FROM c RETURNING id), "
        f"sup AS ({supervisor_sql(n_paths)}), "
        f"n AS ({_notify_sql(alias, n_paths, 'c.id')}) "
        "SELECT c.id, c.number, e.id FROM c, e"
    )


@functools.cache
def _sqlite_case_sql(alias: str) -> str:
    conn = connections[alias]
    case_table, case_cols = _q(conn, Case, _CASE_FIELDS())
    counter = conn.ops.quote_name(DailyCounter._meta.db_table)
    return (
        f"INSERT INTO {case_table} (number, {case_cols}) SELECT %s || printf('%%04d', "  # noqa: S608
        f'COALESCE((SELECT "last" FROM {counter} WHERE "day" = %s), 0) + 1), '
        f"{_marks(conn, _CASE_FIELDS())} WHERE NOT EXISTS "
        f"(SELECT 1 FROM {case_table} WHERE idempotency_key = %s) RETURNING id, number"
    )


def replay_guard(key: str | None) -> str | None:
    """The key the NOT EXISTS guard looks for (a seam: the race test makes it miss once)."""
    return key


def _supervisor_paths(grid: Grid) -> list[str]:
    step = Grid.steplen
    return [grid.path[:n] for n in range(step, len(grid.path) + 1, step)]


def case_insert(case: Case, event: CaseEvent, *, day: dt.date, alias: str = "default") -> bool:
    """Number and store a new case, its first event and its supervisors' inbox rows.

    Sets case.pk/number and event.pk. Returns False, writing nothing, when a case with the
    same idempotency key exists already."""
    conn = connections[alias]
    prefix = f"SJ{day:%Y%m%d}-"
    paths = _supervisor_paths(case.owning_grid)
    day_param = conn.ops.adapt_datefield_value(day)
    case_params = row_params(case, _CASE_FIELDS(), conn)
    notice = [NEW_CASE_KIND, NEW_CASE_TITLE, case.title]
    created = conn.ops.adapt_datetimefield_value(event.at)
    with prepared_cursor(conn) as cur:
        if conn.vendor == "postgresql":
            cur.execute(
                _pg_sql(alias, len(paths)),
                [
                    day_param,
                    replay_guard(case.idempotency_key),
                    conn.ops.adapt_datetimefield_value(case.created_at),
                    prefix,
                    *case_params,
                    *row_params(event, _EVENT_FIELDS(), conn),
                    *paths,
                    *paths,
                    *notice,
                    created,
                ],
            )
            row = cur.fetchone()
            if row is None:
                return False
            mark_saved(case, row[0], alias)
            case.number = row[1]
            mark_saved(event, row[2], alias)
            event.case_id = case.pk
            return True
        cur.execute(
            _sqlite_case_sql(alias),
            [prefix, day_param, *case_params, replay_guard(case.idempotency_key)],
        )
        row = cur.fetchone()
        if row is None:
            return False
        mark_saved(case, row[0], alias)
        case.number = row[1]
        event.case = case
        insert_row(event, using=alias)
        cur.execute(
            f"WITH sup AS ({supervisor_sql(len(paths))}) " + _notify_sql(alias, len(paths), "%s"),
            [
                *paths,
                *paths,
                case.pk,
                NEW_CASE_KIND,
                NEW_CASE_TITLE,
                case.number,
                case.title,
                created,
            ],
        )
    return True
