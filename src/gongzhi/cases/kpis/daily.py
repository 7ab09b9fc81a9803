"""Keeping the daily KPI aggregates (KpiDay) equal to the live computation.

A KPI counts a case on the local day its deadline fell, once that deadline has been reached
(docs/kpis.md). The aggregates hold *sealed* days, whole days that are over:

- Sealing (`kpi_seal`, run by the deadline sweep; `gongzhi kpi_rebuild` redoes all days)
  computes a range of days from the cases with the live formulas, grouped by day and by every
  grid-path prefix, and replaces those days' rows. On PostgreSQL it locks the table against
  concurrent delta inserts for those few statements.
- A change to a case whose deadline day is over (a late acceptance, a closure or follow-up
  after the handling deadline, …) appends delta rows (new minus old contribution) in the same
  transaction as the change (`kpi_track`). Appending needs no row lock, so writers never wait
  on each other; a later seal of that day folds the deltas back into one row per key.
- A writer records deltas for every day before its own local today; the sweep seals a day
  only SEAL_LAG after it ended, so a transaction that began before midnight has long
  committed (and is in the live rows the seal reads) by then.

Readers (kpis.rollup) take sealed days from here and the rest (today, or days not yet
sealed) from the cases, so a figure is exact whether or not the sweep has run.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.db.models import F, Field, Max, Min, Q
from django.db.models.functions import Substr, TruncDate

from gongzhi.cases.calendar import LOCAL
from gongzhi.cases.models import Case, KpiDay, KpiSealed
from gongzhi.cases.models.kpi import ACCEPT_COUNTERS, CLOSE_COUNTERS
from gongzhi.core import clock
from gongzhi.core.inserts import insert_rows
from gongzhi.grids.models import Grid

from .compute import (
    CLOSED_STATES,
    EXCLUDED_STATES,
    GOOD_RATINGS,
    RESOLVED_STATES,
    accept_aggregates,
    close_aggregates,
    close_count_at,
    close_count_instant,
    close_due_q,
    rated_rule,
)

if TYPE_CHECKING:
    from django.db.models.functions import Least

SEAL_LAG = dt.timedelta(hours=1)
SEAL_BATCH_DAYS = 62  # per sweep run, so a first seal of years of history comes in steps
COMPACT_DAYS = 31  # days with delta rows folded back per sweep run
ONE_DAY = dt.timedelta(days=1)
Key = tuple[dt.date, str, int]  # (day, the case's grid path, that grid's level)


def local_day(at: dt.datetime) -> dt.date:
    return at.astimezone(LOCAL).date()


def midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=LOCAL)


# --- one case's contribution (the live formulas of compute.py, for one row) -------------


def contributions(case: Case) -> dict[Key, dict]:
    """{(day, grid path, grid level): counters} that this case adds to the aggregates."""
    if case.state in EXCLUDED_STATES:
        return {}
    grid = case.grid
    out: dict[Key, dict] = {}
    if case.accept_red_at is not None:
        out[(local_day(case.accept_red_at), grid.path, grid.level)] = {
            "accept_due": 1,
            "accept_timely": int(case.accepted_on_time is True),
            "responded": int(
                case.responded_at is not None and case.responded_at <= case.accept_red_at
            ),
        }
    counts_at = close_count_instant(case)  # the handling deadline, or an earlier rating
    if counts_at is not None:
        closed_now = case.state in CLOSED_STATES
        closed_once = case.closed_at is not None
        followed = case.followed_up_at is not None
        standing = case.state in RESOLVED_STATES
        resolved_now = standing and case.resolved_level is not None
        in_grids = grid.level >= 1
        handled = case.resolved_at is not None
        counters = {
            "close_due": 1,
            "closed": int(closed_now),
            "closed_on_time": int(closed_now and case.resolved_on_time is True),
            "closed_once": int(closed_once),
            "followed": int(followed),
            "rated_good": int(followed and case.satisfaction in GOOD_RATINGS),
            "rated_resolved": int(followed and case.follow_up_resolved is True),
            "rehandled": int(closed_once and case.rehandle_count > 0),
            "reworks": case.rework_count,
            "earlier_resolutions": case.rework_count + case.rehandle_count,
            "standing_resolutions": int(standing),
            "handled": int(handled),
            "handling_total": (
                case.resolved_at - case.created_at if case.resolved_at is not None else None
            ),
            "raised_in_grids": int(in_grids),
            "in_grid": int(in_grids and resolved_now and (case.resolved_level or 0) >= 1),
            "in_community": int(resolved_now and (case.resolved_level or 0) >= 0),
        }
        key = (local_day(counts_at), grid.path, grid.level)
        out[key] = _add(out.get(key, {}), counters, 1)
    return out


def _add(into: dict, counters: dict, sign: int) -> dict:
    into = dict(into)
    for name, value in counters.items():
        if value is None:
            continue
        value = value * sign
        into[name] = into[name] + value if into.get(name) is not None else value
    return into


def _is_zero(counters: dict) -> bool:
    return not any(counters.values())


def kpi_track(before: dict[Key, dict], case: Case, now: dt.datetime) -> int:
    """Append the aggregates' delta for a changed case (call in the change's transaction,
    with `before = contributions(case)` taken before the change). Returns rows written."""
    today = local_day(now)
    after = contributions(case)
    changed: dict[Key, dict] = {}
    for sign, side in ((-1, before), (1, after)):
        for key, counters in side.items():
            if key[0] < today:  # a day that is over: sealed, or about to be
                changed[key] = _add(changed.get(key, {}), counters, sign)
    rows = []
    step = Grid.steplen
    for (day, path, _level), counters in changed.items():
        if _is_zero(counters):
            continue
        for depth in range(1, len(path) // step + 1):
            rows.append(
                KpiDay(day=day, depth=depth, path=path[: depth * step], delta=True, **counters)
            )
    insert_rows(rows)
    return len(rows)


# --- sealing: whole days from the cases --------------------------------------------------


def _column(name: str) -> str:
    field = KpiDay._meta.get_field(name)
    assert isinstance(field, Field) and field.column  # a concrete column of KpiDay
    return field.column


def _insert_sql(side: str, lo: dt.date, hi: dt.date, depth: int) -> tuple[str, list]:
    """INSERT … SELECT of one side's counters for days lo..hi, grouped at one tree depth."""
    everything = Q(pk__isnull=False)
    start, end = midnight(lo), midnight(hi + ONE_DAY)
    counts_at: F | Least
    if side == "accept":
        aggregates, counts_at = accept_aggregates(everything), F("accept_red_at")
        on_days = Q(accept_red_at__gte=start, accept_red_at__lt=end)
    else:
        aggregates, counts_at = close_aggregates(everything), close_count_at()
        on_days = close_due_q(start, end, None)
    qs = (
        Case.objects.exclude(state__in=EXCLUDED_STATES)
        .filter(on_days, grid__depth__gte=depth)
        .annotate(
            kday=TruncDate(counts_at, tzinfo=LOCAL),
            kpath=Substr("grid__path", 1, depth * Grid.steplen),
        )
        .values("kday", "kpath")
        .annotate(**aggregates)
        .order_by()
    )
    sql, params = qs.query.sql_with_params()
    qn = connection.ops.quote_name
    names = list(aggregates)
    cols = ", ".join(qn(_column(n)) for n in ["day", "path", *names])
    picked = ", ".join(f"q.{qn(n)}" for n in ["kday", "kpath", *names])
    return (
        f"INSERT INTO {qn(KpiDay._meta.db_table)} ({cols}, depth, delta) "  # noqa: S608
        f"SELECT {picked}, %s, %s FROM ({sql}) q",
        [depth, False, *params],
    )


def _reaggregate(lo: dt.date, hi: dt.date) -> None:
    """Replace the rows of days lo..hi by sums computed from the cases (in a transaction)."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # Blocks delta inserts for these few statements: none can fall between the
            # DELETE and the INSERTs' reading of the cases.
            cur.execute(f"LOCK TABLE {KpiDay._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
        gone = KpiDay.objects.filter(day__gte=lo, day__lte=hi)
        gone._raw_delete(gone.db)
        deepest = Grid.objects.aggregate(d=Max("depth"))["d"] or 0
        for side in ("accept", "close"):
            for depth in range(1, deepest + 1):
                cur.execute(*_insert_sql(side, lo, hi, depth))


def _first_deadline_day() -> dt.date | None:
    found = Case.objects.aggregate(
        a=Min("accept_red_at"), h=Min("handle_red_at"), r=Min("followed_up_at")
    )
    days = [local_day(t) for t in found.values() if t is not None]
    return min(days, default=None)


def kpi_seal(now: dt.datetime | None = None, *, batch_days: int = SEAL_BATCH_DAYS) -> int:
    """Seal the next days that are over (at most `batch_days`), then fold back the deltas
    of up to COMPACT_DAYS sealed days. Returns the number of days sealed or refolded."""
    now = now or clock.now()
    target = local_day(now - SEAL_LAG) - ONE_DAY
    done = 0
    with transaction.atomic():
        sealed = KpiSealed.objects.select_for_update().first() or KpiSealed.objects.create(
            rated_rule=rated_rule()
        )
        if sealed.rated_rule != rated_rule():
            # KPI_RATED_COUNTS_AT changed: every sealed day was summed under the other rule.
            # Start again (readers compute unsealed days from the cases meanwhile).
            every = KpiDay.objects.all()
            every._raw_delete(every.db)
            sealed.through, sealed.rated_rule = None, rated_rule()
            sealed.save(update_fields=["through", "rated_rule"])
        start = sealed.through + ONE_DAY if sealed.through else _first_deadline_day()
        if start is None:  # no case has a deadline yet: nothing before target to hold
            start = target + ONE_DAY
        hi = min(target, start + dt.timedelta(days=batch_days - 1))
        if start <= hi:
            _reaggregate(start, hi)
            done += (hi - start).days + 1
        if sealed.through is None or hi > sealed.through:
            sealed.through = max(hi, start - ONE_DAY)
            sealed.save(update_fields=["through"])
        through = sealed.through
        for day in (
            KpiDay.objects.filter(delta=True, day__lte=through)
            .values_list("day", flat=True)
            .distinct()
            .order_by("day")[:COMPACT_DAYS]
        ):
            _reaggregate(day, day)
            done += 1
    return done


def kpi_rebuild(now: dt.datetime | None = None) -> dt.date | None:
    """Recompute every sealed day from the cases (back-fill and repair). Returns the last
    sealed day."""
    now = now or clock.now()
    with transaction.atomic():
        KpiSealed.objects.select_for_update().first()
        KpiSealed.objects.all().delete()
        every = KpiDay.objects.all()
        every._raw_delete(every.db)
        KpiSealed.objects.create(through=None, rated_rule=rated_rule())
        while kpi_seal(now, batch_days=100_000):
            pass
    return KpiSealed.objects.get().through


COUNTER_NAMES = (*ACCEPT_COUNTERS, *CLOSE_COUNTERS, "handling_total")
