"""Heavy reads on a PostgreSQL streaming replica, when one is configured and fresh.

Nothing is routed to the replica by default: a view or block opts in with `replica_reads()`
(the KPI pages, the command center, the .xlsx exports, the case inbox). Inside it, reads go
to `reader()`, which is the replica alias only when
- DATABASE_REPLICA_ALIAS names one (DATABASE_REPLICA_URL is set),
- the request is not pinned to the primary (it writes, or it follows a write by the same
  browser within DATABASE_REPLICA_STICKY_SECONDS: `PrimaryAfterWriteMiddleware`),
- no transaction of our own is open on the primary (its rows are not on the replica yet),
- and the last health check found the replica up and at most DATABASE_REPLICA_MAX_LAG
  seconds behind. The check is one query per process every DATABASE_REPLICA_CHECK_SECONDS,
  never one per query.
Otherwise `reader()` is "default", so SQLite and a deployment without a replica run the same
code. Writes always go to the primary. docs/decisions.md, "Read replica".
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

if TYPE_CHECKING:
    from django.db.models import Model
    from django.http import HttpRequest, HttpResponseBase

STICKY_COOKIE = "gz_primary"
_wanted: ContextVar[bool] = ContextVar("gongzhi_replica_wanted", default=False)
_pinned: ContextVar[bool] = ContextVar("gongzhi_primary_pinned", default=False)

# The replica's lag: 0 when it has replayed everything it received (an idle primary writes
# nothing, so "time since the last replayed transaction" alone would grow without a lag).
LAG_SQL = """
SELECT pg_is_in_recovery(),
       CASE WHEN NOT pg_is_in_recovery() THEN 0
            WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
            ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
       END
"""


@dataclass(frozen=True)
class ReplicaState:
    alias: str
    up: bool
    lag: float | None  # seconds behind the primary; None when down
    error: str = ""
    standby: bool = True  # False: the alias is a primary (a test mirror, a misconfiguration)

    @property
    def usable(self) -> bool:
        return self.up and self.lag is not None and self.lag <= max_lag()


def max_lag() -> float:
    return float(getattr(settings, "DATABASE_REPLICA_MAX_LAG", 5))


def replica_alias() -> str | None:
    alias = getattr(settings, "DATABASE_REPLICA_ALIAS", None)
    return alias if alias and alias in connections.settings else None


# --- the health check, cached per process -------------------------------------------------

_lock = threading.Lock()
_checked: dict[str, tuple[float, ReplicaState]] = {}


def _probe(alias: str) -> ReplicaState:
    """Ask the replica itself how far behind it is (a failure is "down", with its reason)."""
    conn = connections[alias]
    try:
        with conn.cursor() as cursor:
            if conn.vendor != "postgresql":  # SQLite test mirror: the same file, no lag
                cursor.execute("SELECT 1")
                return ReplicaState(alias, up=True, lag=0.0, standby=False)
            cursor.execute(LAG_SQL)
            standby, lag = cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - whatever the reason, the replica is not usable
        with suppress(DatabaseError):
            conn.close()
        return ReplicaState(alias, up=False, lag=None, error=exc.__class__.__name__)
    return ReplicaState(alias, up=True, lag=round(float(lag), 3), standby=bool(standby))


def replica_state(alias: str | None = None, *, fresh: bool = False) -> ReplicaState | None:
    """The replica's state as last checked (at most DATABASE_REPLICA_CHECK_SECONDS old);
    None when no replica is configured. `fresh` checks now (/readyz)."""
    alias = alias or replica_alias()
    if alias is None:
        return None
    now = time.monotonic()
    cached = _checked.get(alias)
    if cached and not fresh and cached[0] > now:
        return cached[1]
    with _lock:  # one thread checks; the others wait for its answer
        cached = _checked.get(alias)
        if cached and not fresh and cached[0] > time.monotonic():
            return cached[1]
        state = _probe(alias)
        ttl = float(getattr(settings, "DATABASE_REPLICA_CHECK_SECONDS", 5))
        _checked[alias] = (time.monotonic() + ttl, state)
        return state


def replica_forget() -> None:
    """Drop the cached checks (tests; a replica just promoted or repaired)."""
    _checked.clear()


# --- choosing the alias ----------------------------------------------------------------------


def _in_own_transaction() -> bool:
    """A transaction we opened on the primary (not a test case's wrapper) is in progress."""
    conn = connections[DEFAULT_DB_ALIAS]
    return any(not getattr(block, "_from_testcase", False) for block in conn.atomic_blocks)


def reader() -> str:
    """The alias heavy reads use right now: the replica when allowed and fresh, else the
    primary. Callable anywhere (`qs.using(reader())`)."""
    alias = replica_alias()
    if alias is None or _pinned.get() or _in_own_transaction():
        return DEFAULT_DB_ALIAS
    state = replica_state(alias)
    return alias if state is not None and state.usable else DEFAULT_DB_ALIAS


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads inside may come from the replica (seconds old). A context manager, and a view
    decorator (`@replica_reads()`). Writes inside still go to the primary."""
    token = _wanted.set(True)
    try:
        yield
    finally:
        _wanted.reset(token)


@contextmanager
def primary_reads() -> Iterator[None]:
    """Everything inside reads the primary, even within `replica_reads()`."""
    token = _pinned.set(True)
    try:
        yield
    finally:
        _pinned.reset(token)


class ReplicaRouter:
    """DATABASE_ROUTERS entry: the replica only inside `replica_reads()`, writes on the
    primary, migrations only on the primary (the replica copies them)."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        return reader() if _wanted.get() else DEFAULT_DB_ALIAS

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        # Explicit: an object read from the replica is saved on the primary.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        return True  # both aliases hold the same rows

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool:
        return db == DEFAULT_DB_ALIAS


# --- read-your-own-write ---------------------------------------------------------------------

_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class PrimaryAfterWriteMiddleware:
    """A request that writes, and every request of the same browser for the next
    DATABASE_REPLICA_STICKY_SECONDS, reads the primary: the page a form redirects to shows
    what was just written, whatever the replica's lag. A cookie, not the session: reading
    the session would itself be a query."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if replica_alias() is None:
            return self.get_response(request)
        writes = request.method in _UNSAFE
        with primary_reads() if writes or STICKY_COOKIE in request.COOKIES else nullcontext():
            response = self.get_response(request)
        if writes:
            seconds = int(getattr(settings, "DATABASE_REPLICA_STICKY_SECONDS", 15))
            response.set_cookie(
                STICKY_COOKIE,
                "1",
                max_age=seconds,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
