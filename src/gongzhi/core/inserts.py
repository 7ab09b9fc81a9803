"""INSERT … RETURNING for hot write paths, with the statement built once per model.

`Model.save()` compiles a fresh INSERT for every row: for a wide model such as Case that
compilation costs more than the database's work. `insert_rows` builds the SQL once per
(model, row count, database) and per call only prepares the values, with the same
`Field.pre_save` / `get_db_prep_save` calls the ORM's compiler makes, so every field type
(JSON, dates, encrypted bytes, foreign keys) is stored exactly as `save()` would store it.
`row_params` gives the prepared values alone, for callers that build a statement of their own
(cases.create_sql folds a case, its number, event and notifications into one statement).

What it skips, by design: model `save()` overrides and the pre_save/post_save signals. Use it
only for models that have neither (tests/test_inserts.py checks each model it is used on),
and only for new rows.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import connections, router
from django.db.models import DateField, Field, JSONField, Model

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.backends.utils import CursorWrapper


def prepared_cursor(conn: BaseDatabaseWrapper) -> CursorWrapper:
    """A cursor whose statements PostgreSQL may keep prepared (docs/decisions.md, "Prepared
    hot statements").

    Django's PostgreSQL cursors bind parameters on the client, and psycopg never prepares a
    statement sent that way, so PostgreSQL parses and plans it again on every run. Planning
    the case create (a partitioned table with twenty indexes per partition) took 2 of its
    3.3 ms there. This cursor binds on the server: after `prepare_threshold` runs on a
    connection psycopg prepares the statement, and PostgreSQL reuses its plan. It goes
    through Django's cursor wrapper, so error translation, execute wrappers and query
    logging work as for any cursor. Under PgBouncer the connection has no threshold, so
    nothing is prepared (the statement is bound on the server and planned each time). On
    SQLite it is the ordinary cursor (the sqlite3 module keeps its statements prepared).
    """
    if conn.vendor != "postgresql":
        return conn.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor

    conn.ensure_connection()
    cursor_class: Any = ServerBindingCursor  # django-stubs give it no constructor
    raw = cursor_class(conn.connection)
    return conn.make_debug_cursor(raw) if conn.queries_logged else conn.make_cursor(raw)


# psycopg converts a query's %s placeholders once and caches the result, but only for
# statements with at most this many parameters; the case create has 86, so it was converted
# again on every run (0.4 ms of client CPU of a 4 ms create, docs/benchmarks.md). An internal
# of psycopg: pyproject.toml pins its minor series, and core/tests/test_inserts_cache.py fails
# if an upgrade renames it.
STATEMENT_CACHE_PARAMS = 128


def widen_statement_cache() -> None:
    """Let psycopg cache the placeholder conversion of our widest statements (PostgreSQL)."""
    from psycopg import _queries

    if _queries.MAX_CACHED_STATEMENT_PARAMS < STATEMENT_CACHE_PARAMS:
        _queries.MAX_CACHED_STATEMENT_PARAMS = STATEMENT_CACHE_PARAMS


def insert_fields(model: type[Model], *, skip: tuple[str, ...] = ()) -> list[Field]:
    """The columns an INSERT of a new row writes: every concrete field but a generated key."""
    return [
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and f.db_returning) and f.name not in skip
    ]


@functools.cache
def _plan(fields: tuple[Field, ...]) -> tuple[tuple[Field, str, bool], ...]:
    """Per field: (field, attname, plain). A plain field's value is its attribute (no
    pre_save hook) and None is stored as NULL as is, so both ORM calls can be skipped."""
    plan = []
    for f in fields:
        hook = type(f).pre_save is not Field.pre_save
        if isinstance(f, DateField) and not (f.auto_now or f.auto_now_add):
            hook = False  # DateField.pre_save only acts for auto_now / auto_now_add
        plan.append((f, f.attname, not hook and not isinstance(f, JSONField)))
    return tuple(plan)


def row_params(obj: Model, fields: Sequence[Field], conn: BaseDatabaseWrapper) -> list:
    """The values of `fields` for a new row of `obj`, prepared as Model.save() prepares them."""
    out = []
    for f, attname, plain in _plan(tuple(fields)):
        if plain:
            value = getattr(obj, attname)
            out.append(None if value is None else f.get_db_prep_save(value, connection=conn))
        else:
            out.append(f.get_db_prep_save(f.pre_save(obj, True), connection=conn))
    return out


@functools.cache
def _statement(model: type[Model], n: int, alias: str) -> tuple[list, str]:
    conn = connections[alias]
    qn = conn.ops.quote_name
    opts = model._meta
    fields = insert_fields(model)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = (
        f"INSERT INTO {qn(opts.db_table)} ({', '.join(qn(str(f.column)) for f in fields)}) "  # noqa: S608
        f"VALUES {', '.join([row] * n)} RETURNING {qn(str(opts.pk.column))}"
    )
    return fields, sql


def mark_saved(obj: Model, pk: Any, alias: str) -> Model:
    obj.pk = pk
    obj._state.adding, obj._state.db = False, alias
    return obj


def insert_rows(objs: Sequence[Model], *, using: str | None = None) -> list[Model]:
    """Insert new instances of one model in one statement; sets their primary keys."""
    if not objs:
        return []
    model = type(objs[0])
    alias = using or router.db_for_write(model, instance=objs[0])
    conn = connections[alias]
    fields, sql = _statement(model, len(objs), alias)
    params = [p for obj in objs for p in row_params(obj, fields, conn)]
    with conn.cursor() as cur:
        cur.execute(sql, params)
        pks = [row[0] for row in cur.fetchall()]
    for obj, pk in zip(objs, pks, strict=True):
        mark_saved(obj, pk, alias)
    return list(objs)


def insert_row(obj: Model, *, using: str | None = None) -> Model:
    return insert_rows([obj], using=using)[0]
