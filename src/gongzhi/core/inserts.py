"""INSERT … RETURNING for hot write paths, with the statement built once per model.

`Model.save()` compiles a fresh INSERT for every row: for a wide model such as Case that
compilation costs more than the database's work. `insert_rows` builds the SQL once per
(model, row count, database) and per call only prepares the values, with the same
`Field.pre_save` / `get_db_prep_save` calls the ORM's compiler makes, so every field type
(JSON, dates, encrypted bytes, foreign keys) is stored exactly as `save()` would store it.

What it skips, by design: model `save()` overrides and the pre_save/post_save signals. Use it
only for models that have neither (tests/test_inserts.py checks each model it is used on),
and only for new rows.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from django.db import connections, router
from django.db.models import Model


@functools.cache
def _statement(model: type[Model], n: int, alias: str) -> tuple[list, str]:
    conn = connections[alias]
    qn = conn.ops.quote_name
    opts = model._meta
    fields = [f for f in opts.concrete_fields if not (f.primary_key and f.db_returning)]
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = (
        f"INSERT INTO {qn(opts.db_table)} ({', '.join(qn(f.column) for f in fields)}) "  # noqa: S608
        f"VALUES {', '.join([row] * n)} RETURNING {qn(opts.pk.column)}"
    )
    return fields, sql


def insert_rows(objs: Sequence[Model], *, using: str | None = None) -> list[Model]:
    """Insert new instances of one model in one statement; sets their primary keys."""
    if not objs:
        return []
    model = type(objs[0])
    alias = using or router.db_for_write(model, instance=objs[0])
    conn = connections[alias]
    fields, sql = _statement(model, len(objs), alias)
    params = [
        f.get_db_prep_save(f.pre_save(obj, True), connection=conn) for obj in objs for f in fields
    ]
    with conn.cursor() as cur:
        cur.execute(sql, params)
        pks = [row[0] for row in cur.fetchall()]
    for obj, pk in zip(objs, pks, strict=True):
        obj.pk = pk
        obj._state.adding, obj._state.db = False, alias
    return list(objs)


def insert_row(obj: Model, *, using: str | None = None) -> Model:
    return insert_rows([obj], using=using)[0]
