"""The database connection budget (PostgreSQL): a fixed-size pool per process.

Every server and task-worker process holds one psycopg pool (Django 5.2's OPTIONS "pool").
`gongzhi serve` sizes them so that all processes together stay within DB_MAX_CONNECTIONS:

    (web workers + task workers) * per-process pool + DB_HEADROOM <= DB_MAX_CONNECTIONS

and DB_MAX_CONNECTIONS must itself stay below PostgreSQL's max_connections (minus its
superuser_reserved_connections and whatever else connects). README, "Database connections".
No Django imports: settings.py uses this module.
"""

from __future__ import annotations

from dataclasses import dataclass

from gongzhi.env import env_bool, env_int

DEFAULT_MAX_CONNECTIONS = 40
DEFAULT_HEADROOM = 4  # psql, migrations, a backup and the like, outside the pools
DEFAULT_POOL_MAX = 4  # a process started outside `gongzhi serve` (a command, a shell)


class BudgetError(ValueError):
    """The configured total cannot give every process at least one connection."""


@dataclass(frozen=True)
class Budget:
    total: int
    headroom: int

    @classmethod
    def from_env(cls) -> Budget:
        return cls(
            total=env_int("DB_MAX_CONNECTIONS", DEFAULT_MAX_CONNECTIONS),
            headroom=env_int("DB_HEADROOM", DEFAULT_HEADROOM),
        )

    def per_process(self, processes: int, *, cap: int | None = None) -> int:
        """The pool size each of `processes` processes may have; `cap` (DB_POOL_MAX set by
        the operator) only ever lowers it."""
        if processes < 1:
            raise BudgetError("processes must be at least 1")
        size = (self.total - self.headroom) // processes
        if size < 1:
            raise BudgetError(
                f"DB_MAX_CONNECTIONS={self.total} with DB_HEADROOM={self.headroom} cannot give "
                f"{processes} processes one connection each"
            )
        return min(size, cap) if cap else size


def pool_options() -> dict | None:
    """Django's OPTIONS["pool"] for this process, or None when pooling is off.

    Off under PgBouncer (DB_PGBOUNCER: it pools, and a second pool in front of it only
    holds its server connections) and when DB_POOL=0. DB_POOL_MAX is set per process by
    `gongzhi serve`; DB_POOL_TIMEOUT is how long a request waits for a free connection
    before it fails (and is answered 503).
    """
    if env_bool("DB_PGBOUNCER", False) or not env_bool("DB_POOL", True):
        return None
    max_size = env_int("DB_POOL_MAX", DEFAULT_POOL_MAX)
    min_size = min(env_int("DB_POOL_MIN", 1), max_size)
    return {
        "min_size": min_size,
        "max_size": max_size,
        "timeout": env_int("DB_POOL_TIMEOUT", 10),
        # Idle connections above min_size are closed after this many seconds.
        "max_idle": env_int("DB_POOL_MAX_IDLE", 60),
    }
