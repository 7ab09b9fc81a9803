"""Helpers shared by the bench_*.py modules.

The harness owns a throwaway database: a SQLite file under var/bench/, or the PostgreSQL
database named in DATABASE_URL, which must have "bench" in its name because
reset_database() wipes it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SQLITE_PATH = ROOT / "var" / "bench" / "bench.sqlite3"


def configure_environment() -> None:
    """Point Django at the bench database before settings are imported."""
    os.environ.setdefault("GONGZHI_MODE", "test")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
    if not os.environ.get("DATABASE_URL"):
        SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
    name = _db_name()
    if "bench" not in name:
        raise SystemExit(
            f"bench wipes its database; refusing to use {name!r}. "
            "Use a database whose name contains 'bench' (e.g. gongzhi_bench)."
        )


def _db_name() -> str:
    import dj_database_url

    return str(dj_database_url.parse(os.environ["DATABASE_URL"])["NAME"])


def vendor() -> str:
    from django.db import connection

    return connection.vendor  # "sqlite" or "postgresql"


def db_version() -> str:
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("select sqlite_version()")
            return "SQLite " + cur.fetchone()[0]
        cur.execute("show server_version")
        return "PostgreSQL " + cur.fetchone()[0]


def gongzhi(*args: str) -> list[str]:
    """The command line of a `gongzhi` management command in a child process.

    System checks are skipped: `make test` covers them, and a check failing in an unrelated
    app should not stop a measurement.
    """
    return [sys.executable, "-m", "gongzhi", *args, "--skip-checks"]


@dataclass
class Child:
    seconds: float
    max_rss_mb: float
    returncode: int
    output: str


def run_child(cmd: list[str], *, echo: bool = True) -> Child:
    """Run a child process, echo its output, and measure its wall time and peak RSS.

    os.wait4 returns the resource usage of that one child, so an earlier, larger child
    (e.g. migrate) cannot inflate the figure the way RUSAGE_CHILDREN's running max would.
    """
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if echo:
            print("    | " + line, end="", flush=True)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stdout.close()
    child = Child(seconds, usage.ru_maxrss / 1024, proc.returncode, "".join(lines))
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({child.returncode}):\n{child.output[-2000:]}")
    return child


def wipe_database(sqlite_path: Path = SQLITE_PATH) -> None:
    """Drop everything in the bench database: delete the SQLite file, or recreate the
    PostgreSQL public schema (creating the database first if it is missing)."""
    from django.db import connection, connections

    connections.close_all()
    if connection.vendor == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
    else:
        _postgres_create_if_missing()
        with connection.cursor() as cur:
            cur.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        connections.close_all()


def reset_database() -> None:
    """An empty, migrated bench database."""
    wipe_database()
    run_child(gongzhi("migrate", "--noinput", "-v0"), echo=False)


def _postgres_create_if_missing() -> None:
    import psycopg
    from django.db import connection

    params = connection.get_connection_params()
    name = connection.settings_dict["NAME"]
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params["dbname"] = "postgres"
    with psycopg.connect(**params, autocommit=True) as conn:
        exists = conn.execute("select 1 from pg_database where datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def full_district_present() -> bool:
    """The seeded district at full scale (other roots, e.g. bench_import's, are ignored)."""
    from django.conf import settings

    from gongzhi.grids.models import Grid
    from gongzhi.grids.selectors import count_under, grid_level_counts
    from gongzhi.people.models import Resident
    from gongzhi.seeding.scale import FULL

    try:
        root = Grid.objects.filter(depth=1, code=settings.DISTRICT_CODE).first()
    except Exception:  # noqa: BLE001 - no tables yet
        return False
    if root is None:
        return False
    counts = grid_level_counts(root.path)
    levels = tuple(counts.get(k, 0) for k in range(1, 6))
    residents = count_under(Resident.objects.all(), "grid__path", root)
    return levels == FULL.level_totals and residents == FULL.residents


def ensure_full_district() -> None:
    """The full-scale district, reusing the one bench_seed left behind when it is there."""
    if full_district_present():
        return
    print("  building the full district (gongzhi seed --scale full) …", flush=True)
    reset_database()
    run_child(gongzhi("seed", "--scale", "full"))


def timed(fn: Callable[[], object], *, runs: int, warmup: int = 3) -> list[float]:
    """Wall times in milliseconds of `runs` calls after `warmup` untimed ones."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return times


def median(values: list[float]) -> float:
    return statistics.median(values)


def free_port() -> int:
    """A loopback port nobody listens on (for a server a benchmark starts)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_group(proc: subprocess.Popen, sig: int = signal.SIGTERM, wait: float = 30) -> None:
    """Stop a server started with start_new_session=True and everything it started."""
    try:
        os.killpg(proc.pid, sig)
        proc.wait(timeout=wait)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/gongzhi_bench"


def throwaway_url(kind: str, suffix: str, sqlite_path: Path | None = None) -> str:
    """A database of one bench's own: `sqlite_path`, or `<DATABASE_URL name>_<suffix>` on
    PostgreSQL (gongzhi_bench_<suffix> when DATABASE_URL is not PostgreSQL)."""
    if kind == "sqlite" and sqlite_path is not None:
        return f"sqlite:///{sqlite_path}"
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        base = PG_DEFAULT
    head, _, name = base.rpartition("/")
    return f"{head}/{name.split('?')[0]}_{suffix}"


def child_env(database_url: str) -> dict:
    """The environment of a bench child process on `database_url`."""
    env = dict(os.environ, GONGZHI_MODE="test", DATABASE_URL=database_url)
    env.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT)])
    return env
