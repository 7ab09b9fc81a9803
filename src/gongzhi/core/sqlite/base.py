"""SQLite with a writer queue: Django's backend, plus a lock taken before BEGIN IMMEDIATE.

SQLite lets one writer in at a time. A writer that finds the database locked waits in
SQLite's busy handler, which sleeps in growing steps (1, 2, 5, 10 … 100 ms) and retries:
under a burst of writes a request can sleep 100 ms while the lock sat free for most of it,
so the slowest creates waited three times the average (docs/benchmarks.md, issue 19).

Here a writer first queues on a lock of its own process (threads wake as soon as it is
free), then on an advisory file lock shared by the processes (`<database>-writer`, polled
at sub-millisecond steps), and only then sends BEGIN IMMEDIATE, which then finds SQLite
free. The locks are released when the transaction commits, rolls back or the connection
closes. Both waits end after the connection's `timeout` option with SQLite's own
"database is locked" error, which the outage middleware answers with 503.

In-memory databases (the test suite's default) have one connection and skip the queue.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from typing import Any

from django.db.backends.sqlite3 import base

_process_locks: dict[str, threading.Lock] = {}
_process_locks_guard = threading.Lock()


def _process_lock(path: str) -> threading.Lock:
    with _process_locks_guard:
        return _process_locks.setdefault(path, threading.Lock())


class DatabaseWrapper(base.DatabaseWrapper):
    _writer_fd: int | None = None
    _writer_path: str = ""
    _holds_writer = False

    def _queue_path(self) -> str | None:
        name = str(self.settings_dict["NAME"])
        if getattr(self, "transaction_mode", None) != "IMMEDIATE" or self.is_in_memory_db():
            return None
        return os.path.abspath(name)

    def _timeout(self) -> float:
        return float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))

    def _acquire_writer(self) -> None:
        path = self._queue_path()
        if path is None or self._holds_writer:
            return
        timeout = self._timeout()
        lock = _process_lock(path)
        if not lock.acquire(timeout=timeout):
            raise sqlite3.OperationalError("database is locked")
        try:
            if self._writer_fd is None:
                self._writer_fd = os.open(f"{path}-writer", os.O_RDWR | os.O_CREAT, 0o600)
            fd = self._writer_fd
            deadline = time.monotonic() + timeout
            pause = 0.0002
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise sqlite3.OperationalError("database is locked") from None
                    time.sleep(pause)
                    pause = min(pause * 2, 0.002)
        except BaseException:
            lock.release()
            raise
        self._holds_writer, self._writer_path = True, path

    def _release_writer(self) -> None:
        if not self._holds_writer:
            return
        self._holds_writer = False
        try:
            if self._writer_fd is not None:
                fcntl.flock(self._writer_fd, fcntl.LOCK_UN)
        finally:
            _process_lock(self._writer_path).release()

    # Django's private hooks (not in django-stubs): where a transaction starts and ends.
    def _start_transaction_under_autocommit(self) -> None:
        with self.wrap_database_errors:
            self._acquire_writer()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self._release_writer()
            raise

    def _commit(self) -> Any:
        try:
            return super()._commit()  # type: ignore[misc]
        finally:
            self._release_writer()

    def _rollback(self) -> Any:
        try:
            return super()._rollback()  # type: ignore[misc]
        finally:
            self._release_writer()

    def _close(self) -> Any:
        try:
            return super()._close()  # type: ignore[misc]
        finally:
            self._release_writer()
            if self._writer_fd is not None:
                os.close(self._writer_fd)
                self._writer_fd = None
