"""The SQLite writer queue (core/sqlite/base.py): writers wait in turn, not in SQLite's
sleeping busy handler, and a writer that waits too long gets SQLite's own error."""

from __future__ import annotations

import fcntl
import os
import threading
import time

import pytest
from django.db import DatabaseError, connection

from gongzhi.core.sqlite.base import DatabaseWrapper

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite backend only")


def _wrapper(path, timeout=5.0, alias="queue"):
    settings = {
        **connection.settings_dict,
        "NAME": str(path),
        "OPTIONS": {"timeout": timeout, "transaction_mode": "IMMEDIATE"},
    }
    wrapper = DatabaseWrapper(settings, alias=alias)
    wrapper.ensure_connection()
    return wrapper


def _insert(wrapper, value):
    with wrapper.cursor() as cur:
        cur.execute("INSERT INTO t (v) VALUES (%s)", [value])


@pytest.fixture(autouse=True)
def _own_databases(django_db_blocker):
    """These tests open their own database files, never the test database."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def db_file(tmp_path):
    path = tmp_path / "q.sqlite3"
    setup = _wrapper(path)
    with setup.cursor() as cur:
        cur.execute("CREATE TABLE t (v text)")
    setup.close()
    return path


def test_a_second_writer_waits_for_the_first_and_then_goes_in(db_file):
    first = _wrapper(db_file)
    first._start_transaction_under_autocommit()
    _insert(first, "first")
    order, started = [], threading.Event()

    def second():
        other = _wrapper(db_file)
        started.set()
        other._start_transaction_under_autocommit()
        order.append("second began")
        _insert(other, "second")
        other._commit()
        other.close()

    thread = threading.Thread(target=second)
    thread.start()
    started.wait(5)
    time.sleep(0.2)  # the second writer is queued, not inside SQLite
    order.append("first commits")
    first._commit()
    thread.join(5)
    first.close()
    assert order == ["first commits", "second began"]
    check = _wrapper(db_file)
    with check.cursor() as cur:
        cur.execute("SELECT v FROM t ORDER BY rowid")
        assert [r[0] for r in cur.fetchall()] == ["first", "second"]
    check.close()


def test_a_writer_that_waits_past_the_timeout_gets_database_is_locked(db_file):
    first = _wrapper(db_file)
    first._start_transaction_under_autocommit()
    errors = []

    def second():
        other = _wrapper(db_file, timeout=0.3)
        try:
            other._start_transaction_under_autocommit()
        except DatabaseError as exc:
            errors.append(str(exc))
        finally:
            other.close()

    thread = threading.Thread(target=second)
    thread.start()
    thread.join(5)
    first._rollback()
    first.close()
    assert errors == ["database is locked"]


def _file_lock_is_free(path) -> bool:
    fd = os.open(f"{path}-writer", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # closing drops a lock taken here
    return True


def test_a_transaction_holds_the_processes_file_lock_until_it_ends(db_file):
    writer = _wrapper(db_file)
    assert _file_lock_is_free(db_file)
    writer._start_transaction_under_autocommit()
    assert writer._holds_writer
    assert not _file_lock_is_free(db_file)  # another process would queue here
    writer._commit()
    assert not writer._holds_writer
    assert _file_lock_is_free(db_file)
    writer.close()


@pytest.mark.parametrize("end", ["_rollback", "close"])
def test_rollback_and_close_free_the_queue(db_file, end):
    first = _wrapper(db_file)
    first._start_transaction_under_autocommit()
    getattr(first, end)()
    second = _wrapper(db_file, timeout=0.3)
    second._start_transaction_under_autocommit()  # would raise "database is locked"
    _insert(second, "x")
    second._commit()
    second.close()
    if end == "_rollback":
        first.close()


def test_the_queue_is_skipped_for_in_memory_databases():
    memory = _wrapper(":memory:", timeout=0.3)
    assert memory._queue_path() is None
    memory._start_transaction_under_autocommit()
    assert not memory._holds_writer
    memory._rollback()
    memory.close()
