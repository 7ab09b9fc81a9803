"""Fast inserts for the big tables (households, residents, staff accounts).

bulk_create spends most of its time preparing each of 455,611 × 19 values through the
field API, which put the 3-minute budget at risk on a shared 2-core machine. Here each
row is a tuple of values that were adapted once by the fields' own get_db_prep_save, so
what lands in the table is what bulk_create would have written. Primary keys are
assigned here (we need them for the rows that point at them) and the sequence is
moved past them at the end. Rows go in with executemany on SQLite and COPY on PostgreSQL.

indexes_deferred() drops a table's secondary indexes for the load and rebuilds them
after: maintaining 14 indexes row by row made PostgreSQL spend ~5x longer on the
resident insert than the insert plus one rebuild.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max, Model


class FastInsert:
    def __init__(self, model: type[Model]):
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.columns = [f.column for f in self.fields]
        qn = connection.ops.quote_name
        # Identifiers come from model metadata and are quoted; values go as parameters.
        self.sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
            qn(model._meta.db_table),
            ", ".join(qn(c) for c in self.columns),
            ", ".join(["%s"] * len(self.columns)),
        )
        self.copy_sql = "COPY {} ({}) FROM STDIN".format(
            qn(model._meta.db_table), ", ".join(qn(c) for c in self.columns)
        )
        last = model.objects.aggregate(m=Max("pk"))["m"] or 0
        self._next_id = last + 1
        self._serials: list[int] = []
        self.inserted = 0
        self._defaults: dict[str, object] | None = None

    def prep(self, field_name: str, value):
        """A value as the database receives it; call once per distinct value, not per row."""
        return self.model._meta.get_field(field_name).get_db_prep_save(value, connection)

    def next_id(self, at=None) -> int:
        """The next pk; cases on PostgreSQL pass `at` (created_at): their id carries its year."""
        if at is not None and connection.vendor == "postgresql":
            from gongzhi.core.partitions import YEAR_SPAN, case_id_year, case_serials

            if not self._serials:
                self._serials = case_serials(10_000)[::-1]
            return case_id_year(at) * YEAR_SPAN + self._serials.pop()
        pk = self._next_id
        self._next_id += 1
        return pk

    def row(self, values: dict[str, object]) -> tuple:
        """A row from database-ready values by column; the other columns get their defaults."""
        if self._defaults is None:  # adapted once; a callable default is called once, too
            self._defaults = {
                f.column: f.get_db_prep_save(f.get_default(), connection)
                for f in self.fields
                if not f.primary_key
            }
        merged = self._defaults | values
        return tuple(merged[c] for c in self.columns)

    def write(self, rows: list[tuple]) -> None:
        if not rows:
            return
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                # COPY: Django's client-side-binding cursor would send every row as its own
                # SQL text to be parsed and planned; COPY streams them.
                with cur.cursor.copy(self.copy_sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:  # sqlite3 reuses one prepared statement for every row
                cur.executemany(self.sql, rows)
        self.inserted += len(rows)

    def finish(self) -> None:
        """Move the id sequence past the ids we assigned (PostgreSQL; SQLite tracks it)."""
        statements = connection.ops.sequence_reset_sql(no_style(), [self.model])
        with connection.cursor() as cur:
            for sql in statements:
                cur.execute(sql)


_SECONDARY_INDEXES = {
    # Indexes that back a constraint (primary key, unique) stay: they guard the load.
    "postgresql": """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = current_schema() AND i.tablename = %s
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                          WHERE c.conindid = format('%%I.%%I', i.schemaname, i.indexname)::regclass)
    """,
    # Autoindexes (UNIQUE constraints) have no SQL and cannot be dropped.
    "sqlite": "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
    "AND sql IS NOT NULL",
}


@contextmanager
def indexes_deferred(*models: type[Model]) -> Iterator[None]:
    """Inside a transaction: load without secondary indexes, then rebuild them as they were.

    The tables stay locked until commit; the seed runs on an empty district, so nothing
    else is reading them. An error rolls the drop back with everything else.
    """
    query = _SECONDARY_INDEXES.get(connection.vendor)
    if query is None or not connection.in_atomic_block:
        yield
        return
    qn = connection.ops.quote_name
    with connection.cursor() as cur:
        dropped = []
        for model in models:
            cur.execute(query, [model._meta.db_table])
            dropped += cur.fetchall()
        for name, _sql in dropped:
            cur.execute(f"DROP INDEX {qn(name)}")
    yield
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # CREATE INDEX refuses a table with deferred foreign-key checks still queued;
            # run them now (they would run at commit anyway).
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for _name, sql in dropped:
            cur.execute(sql)
        if connection.vendor == "postgresql":
            cur.execute("SET CONSTRAINTS ALL DEFERRED")


def after_bulk_load() -> str:
    """Fresh statistics and visibility after a seed's bulk load; what was run, for the log.

    On PostgreSQL a table loaded by COPY has no statistics and an empty visibility map until
    autovacuum gets to it: the registry's count of a township's residents then scans all the
    residents of the district (120 ms instead of 4 ms, measured) and the planner guesses row
    counts. VACUUM (ANALYZE) fixes both. It cannot run inside a transaction, so there (a seed
    inside a test) the statistics alone are refreshed. SQLite needs neither.
    """
    if connection.vendor != "postgresql":
        return ""
    statement = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cur:
        cur.execute(statement)
    return statement
