"""Year partitions for the tables that grow without end (docs/decisions.md, "Partitioned history").

PostgreSQL only: on SQLite every function here does nothing and the tables stay plain, so the
same code runs on both.

- cases_case is partitioned by RANGE on its id, and the id says the year: a case created (in
  local time) in year Y gets id Y * 10**10 + a serial (`gongzhi_case_id(created_at)`). So the
  primary key stays `id` and the twenty foreign keys to cases keep working; a partition holds
  one year. Ids below 10**10 (rows from before the conversion) stay in `cases_case_legacy`.
- cases_caseevent follows its case: RANGE on case_id with the same bounds, so a case and its
  timeline sit in the same year.
- core_auditlog and cases_outboundmessage (nothing points at them): RANGE on their timestamp.

A partitioned table's primary key must contain the partition key: the last three have the
primary key (id, key) in the database while Django keeps `id` as the model's pk (ids come from
one sequence, so they stay unique). Unique columns without the year (a case's number and
idempotency key) get a unique index per partition: the number carries its day, and a replay
carries the same key within seconds, so both land in one partition.

Each table also has a DEFAULT partition for anything outside the years created;
`partitions_ensure` creates the coming years ahead (`gongzhi partitions --ahead 2`, and daily
from the deadline sweep) and moves any rows the default partition caught into their year —
except cases, which other tables reference: their year's partition then starts after them.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, connections, transaction

if TYPE_CHECKING:
    from django.db.backends.base.schema import BaseDatabaseSchemaEditor
    from django.db.backends.utils import CursorWrapper

YEAR_SPAN = 10**10  # case ids: year * YEAR_SPAN + serial
CASE_SERIAL = "cases_case_id_serial"
FIRST_YEAR = 2024  # the oldest year the conversion creates a partition for


@dataclass(frozen=True)
class Spec:
    table: str
    key: str  # the partition column
    by_case_id: bool  # bounds are case-id ranges (else timestamps)
    pk: tuple[str, ...]
    local_unique: tuple[str, ...] = ()  # unique within a partition (the value implies the year)


SPECS = (
    Spec("cases_case", "id", True, ("id",), ("number", "idempotency_key")),
    Spec("cases_caseevent", "case_id", True, ("id", "case_id")),
    Spec("core_auditlog", "at", False, ("id", "at")),
    Spec("cases_outboundmessage", "created_at", False, ("id", "created_at")),
)
BY_TABLE = {s.table: s for s in SPECS}


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


def _year_start(year: int) -> dt.datetime:
    return dt.datetime(year, 1, 1, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))


def bounds(spec: Spec, year: int) -> tuple[str, str]:
    """SQL literals [from, to) of a year's partition."""
    if spec.by_case_id:
        return str(year * YEAR_SPAN), str((year + 1) * YEAR_SPAN)
    return f"'{_year_start(year).isoformat()}'", f"'{_year_start(year + 1).isoformat()}'"


def year_partition(spec: Spec, year: int) -> str:
    return f"{spec.table}_y{year}"


def is_partitioned(cur: CursorWrapper, table: str) -> bool:
    cur.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [table])
    row = cur.fetchone()
    return bool(row) and row[0] == "p"


def partitions_of(cur: CursorWrapper, table: str) -> list[str]:
    cur.execute(
        "SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = to_regclass(%s) "
        "ORDER BY 1",
        [table],
    )
    return [r[0] for r in cur.fetchall()]


def _local_uniques(cur: CursorWrapper, spec: Spec, partition: str) -> None:
    for col in spec.local_unique:
        cur.execute(
            f"CREATE UNIQUE INDEX IF NOT EXISTS {_qn(f'{partition}_{col}_key')} "
            f"ON {_qn(partition)} ({_qn(col)})"
        )


def _ensure_year(cur: CursorWrapper, spec: Spec, year: int) -> bool:
    """Create a year's partition; rows the default partition holds for it move in. True if new."""
    name = year_partition(spec, year)
    cur.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
    if cur.fetchone()[0]:
        return False
    lo, hi = bounds(spec, year)
    table, key, default = _qn(spec.table), _qn(spec.key), _qn(f"{spec.table}_default")
    where = f"{key} >= {lo} AND {key} < {hi}"
    cur.execute(f"SELECT max({key}) FROM {default} WHERE {where}")  # noqa: S608
    caught = cur.fetchone()[0]
    if caught is not None and spec.pk == (spec.key,):
        # Rows other tables point at cannot move: PostgreSQL checks a deleted key against its
        # old partition only. The year's partition starts after them; they stay in default.
        lo, caught = str(caught + 1), None
    if caught is None:
        cur.execute(
            f"CREATE TABLE {_qn(name)} PARTITION OF {table} FOR VALUES FROM ({lo}) TO ({hi})"
        )
        _local_uniques(cur, spec, name)
        return True
    # The default partition caught rows of this year: a new partition for the range would
    # overlap them, so fill a plain table first and attach it (one transaction).
    cur.execute(f"CREATE TABLE {_qn(name)} (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
    cur.execute(
        f"WITH moved AS (DELETE FROM {default} WHERE {where} RETURNING *) "  # noqa: S608
        f"INSERT INTO {_qn(name)} SELECT * FROM moved"
    )
    _local_uniques(cur, spec, name)
    cur.execute(
        f"ALTER TABLE {table} ATTACH PARTITION {_qn(name)} FOR VALUES FROM ({lo}) TO ({hi})"
    )
    return True


def partitions_ensure(years: range) -> list[str]:
    """Create the given years' partitions of every partitioned table; returns the new ones."""
    if connection.vendor != "postgresql":
        return []
    made = []
    with transaction.atomic(), connection.cursor() as cur:
        for spec in SPECS:
            if not is_partitioned(cur, spec.table):
                continue
            for year in years:
                if _ensure_year(cur, spec, year):
                    made.append(year_partition(spec, year))
    return made


def partitions_ahead(today: dt.date, ahead: int) -> list[str]:
    """This year's and the next `ahead` years' partitions."""
    return partitions_ensure(range(today.year, today.year + ahead + 1))


# --- converting a plain table in place (migrations) -----------------------------------------

_FK_IN = (
    "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
    "WHERE contype = 'f' AND confrelid = to_regclass(%s) AND conparentid = 0"
)
_FK_OUT = (
    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
    "WHERE contype = 'f' AND conrelid = to_regclass(%s) AND confrelid <> conrelid "
    "AND conparentid = 0"  # not the per-partition clones of a key to a partitioned table
)
_INDEXES = """
    SELECT i.indexdef FROM pg_indexes i
    WHERE i.schemaname = current_schema() AND i.tablename = %s
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                      WHERE c.conindid = format('%%I.%%I', i.schemaname, i.indexname)::regclass)
"""


def case_id_function_sql() -> str:
    """`gongzhi_case_id(ts)`: the id of a case created at `ts` (its local year + a serial)."""
    zone = settings.TIME_ZONE.replace("'", "")  # a setting, not user input
    return (
        f"CREATE SEQUENCE IF NOT EXISTS {CASE_SERIAL}; "  # noqa: S608
        "CREATE OR REPLACE FUNCTION gongzhi_case_id(ts timestamptz) RETURNS bigint "
        "LANGUAGE sql VOLATILE AS $$ SELECT extract(year FROM ts AT TIME ZONE "
        f"'{zone}')::bigint * {YEAR_SPAN} + nextval('{CASE_SERIAL}') $$"
    )


def table_partition(cur: CursorWrapper, spec: Spec, today: dt.date, ahead: int = 2) -> None:
    """Turn a plain table into a partitioned one with the same name, columns, rows, indexes and
    foreign keys (both ways). Runs inside the migration's transaction; a no-op if done."""
    if is_partitioned(cur, spec.table):
        return
    t, old, key = spec.table, f"{spec.table}_unpartitioned", _qn(spec.key)
    # ALTER TABLE refuses a table with deferred foreign-key checks still queued: run them now.
    cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cur.execute(_FK_IN, [t])
    fks_in = cur.fetchall()
    cur.execute(_FK_OUT, [t])
    fks_out = cur.fetchall()
    cur.execute(_INDEXES, [t])
    indexes = [r[0] for r in cur.fetchall()]
    cur.execute(f"SELECT min({key}), max({key}), max(id) FROM {_qn(t)}")  # noqa: S608
    lo_key, hi_key, max_id = cur.fetchone()
    for table, name, _def in fks_in:
        cur.execute(f"ALTER TABLE {_qn(table)} DROP CONSTRAINT {_qn(name)}")

    cur.execute(f"ALTER TABLE {_qn(t)} RENAME TO {_qn(old)}")
    cur.execute(
        f"CREATE TABLE {_qn(t)} (LIKE {_qn(old)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
        f"INCLUDING STORAGE) PARTITION BY RANGE ({key})"
    )
    cur.execute(f"CREATE TABLE {_qn(t + '_default')} PARTITION OF {_qn(t)} DEFAULT")
    first = FIRST_YEAR
    if spec.by_case_id:
        if lo_key is not None and lo_key < YEAR_SPAN:
            cur.execute(
                f"CREATE TABLE {_qn(t + '_legacy')} PARTITION OF {_qn(t)} "
                f"FOR VALUES FROM (MINVALUE) TO ({YEAR_SPAN})"
            )
        if lo_key is not None and lo_key >= YEAR_SPAN:
            first = min(first, lo_key // YEAR_SPAN)
    elif lo_key is not None:
        first = min(first, lo_key.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).year)
    last = today.year + ahead
    if hi_key is not None and spec.by_case_id and hi_key >= YEAR_SPAN:
        last = max(last, hi_key // YEAR_SPAN)
    elif hi_key is not None and not spec.by_case_id:
        last = max(last, hi_key.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).year)
    for year in range(first, last + 1):
        lo, hi = bounds(spec, year)
        cur.execute(
            f"CREATE TABLE {_qn(year_partition(spec, year))} PARTITION OF {_qn(t)} "
            f"FOR VALUES FROM ({lo}) TO ({hi})"
        )
    cur.execute(f"INSERT INTO {_qn(t)} SELECT * FROM {_qn(old)}")  # noqa: S608
    cur.execute(f"DROP TABLE {_qn(old)}")  # its identity sequence goes with it

    if t == "cases_case":
        cur.execute(case_id_function_sql())
        cur.execute(f"ALTER TABLE {_qn(t)} ALTER COLUMN id SET DEFAULT gongzhi_case_id(now())")
    else:
        seq = f"{t}_id_seq"
        cur.execute(f"CREATE SEQUENCE {_qn(seq)} START {(max_id or 0) + 1}")
        cur.execute(f"ALTER TABLE {_qn(t)} ALTER COLUMN id SET DEFAULT nextval('{seq}')")
        cur.execute(f"ALTER SEQUENCE {_qn(seq)} OWNED BY {_qn(t)}.id")  # sequence resets find it
    cols = ", ".join(_qn(c) for c in spec.pk)
    cur.execute(f"ALTER TABLE {_qn(t)} ADD CONSTRAINT {_qn(t + '_pkey')} PRIMARY KEY ({cols})")
    for part in partitions_of(cur, t):
        _local_uniques(cur, spec, part)
    for sql in indexes:
        cur.execute(sql)
    for name, definition in fks_out:
        cur.execute(f"ALTER TABLE {_qn(t)} ADD CONSTRAINT {_qn(name)} {definition}")
    if spec.pk == ("id",):
        for table, name, definition in fks_in:
            cur.execute(f"ALTER TABLE {_qn(table)} ADD CONSTRAINT {_qn(name)} {definition}")
    # Otherwise a foreign key to the id alone cannot be declared (no unique index on it): the
    # one there is (attachment → case event) is kept by Django's on_delete, not the database.
    cur.execute("SET CONSTRAINTS ALL DEFERRED")  # as Django's transactions run


def tables_partition(
    apps: Any, schema_editor: BaseDatabaseSchemaEditor, tables: tuple[str, ...]
) -> None:
    """RunPython body: partition the given tables on PostgreSQL; SQLite stays as it is."""
    if schema_editor.connection.vendor != "postgresql":
        return
    from gongzhi.core import clock

    with schema_editor.connection.cursor() as cur:
        for table in tables:
            table_partition(cur, BY_TABLE[table], clock.today())


# --- case ids -------------------------------------------------------------------------------


def case_ids_assign(cases: Iterable[Any], using: str = "default") -> None:
    """Give new cases their year-carrying ids (PostgreSQL) in one query; SQLite numbers them.

    Without this the column default would take the year of the insert, not of created_at,
    and seeded history would land in the wrong year."""
    conn = connections[using]
    new = [c for c in cases if c.pk is None]
    if conn.vendor != "postgresql" or not new:
        return
    with conn.cursor() as cur:
        cur.execute(
            "SELECT gongzhi_case_id(ts) FROM unnest(%s::timestamptz[]) WITH ORDINALITY AS t(ts, n) "
            "ORDER BY n",
            [[c.created_at for c in new]],
        )
        for case, (pk,) in zip(new, cur.fetchall(), strict=True):
            case.pk = pk


def case_serials(n: int) -> list[int]:
    """`n` serials for case ids assigned in Python (bulk loads): id = year * YEAR_SPAN + serial."""
    with connection.cursor() as cur:
        cur.execute(f"SELECT nextval('{CASE_SERIAL}') FROM generate_series(1, %s)", [n])  # noqa: S608
        return [r[0] for r in cur.fetchall()]


def case_id_year(at: dt.datetime) -> int:
    return at.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).year
