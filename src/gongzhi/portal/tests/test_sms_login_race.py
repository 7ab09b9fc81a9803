"""Parallel guesses at a sign-in code: the lock-out holds (issue 12, finding 1).

The lock check and the attempt count must be one atomic step; before the fix, on PostgreSQL,
every concurrent wrong guess was compared and a right code among them could still sign in
after the phone had been locked.
"""

import threading

import pytest
from django.db import connection, connections, transaction

from gongzhi.cases.models import OutboundMessage
from gongzhi.portal.auth import MAX_FAILURES, LoginError, login_code_send, login_code_verify
from gongzhi.portal.models import LoginCode, ResidentAccount

PHONE = "13811113333"


def guess_in_parallel(codes: list[str]) -> tuple[list, list]:
    barrier = threading.Barrier(len(codes))
    signed_in, refused, errors = [], [], []

    def guess(code):
        try:
            barrier.wait()
            signed_in.append(login_code_verify(phone=PHONE, code=code))
        except LoginError as exc:
            refused.append(str(exc))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=guess, args=(c,)) for c in codes]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    return signed_in, refused


def sent_code() -> str:
    return OutboundMessage.objects.filter(to=PHONE).latest("pk").params["code"]


def wrong(code: str, i: int) -> str:
    return f"{(int(code) + 1 + i) % 1_000_000:06d}"


def test_concurrent_wrong_codes_are_counted_only_until_the_lock(threaded_db):
    assert "memory" not in str(connection.settings_dict["NAME"])
    login_code_send(phone=PHONE)
    code = sent_code()

    signed_in, refused = guess_in_parallel([wrong(code, i) for i in range(12)])

    assert signed_in == [] and len(refused) == 12
    assert LoginCode.objects.get().attempts == MAX_FAILURES
    assert sum("锁定" in msg for msg in refused) == 12 - MAX_FAILURES + 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row-lock waits are PostgreSQL's")
def test_a_right_code_waiting_behind_the_locking_guess_is_refused(threaded_db):
    login_code_send(phone=PHONE)
    code = sent_code()
    for i in range(MAX_FAILURES - 1):
        with pytest.raises(LoginError):
            login_code_verify(phone=PHONE, code=wrong(code, i))
    signed_in, refused = [], []

    def right():
        try:
            signed_in.append(login_code_verify(phone=PHONE, code=code))
        except LoginError as exc:
            refused.append(str(exc))
        finally:
            connections.close_all()

    with transaction.atomic():
        # The fifth wrong guess holds the code's row while the right code arrives.
        LoginCode.objects.select_for_update().get()
        thread = threading.Thread(target=right)
        thread.start()
        wait_for_a_lock_wait()
        with pytest.raises(LoginError, match="锁定"):
            login_code_verify(phone=PHONE, code=wrong(code, 99))
    thread.join()

    assert signed_in == [] and len(refused) == 1 and "锁定" in refused[0]
    assert not ResidentAccount.objects.exists()


def wait_for_a_lock_wait() -> None:
    """Poll until another backend waits on a lock (the verifying thread reached the row)."""
    with connection.cursor() as cursor:
        for _ in range(400):
            cursor.execute("select pg_stat_clear_snapshot()")  # a fresh view inside the transaction
            cursor.execute(
                "select count(*) from pg_stat_activity"
                " where wait_event_type = 'Lock' and pid <> pg_backend_pid()"
                " and datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return
            threading.Event().wait(0.025)
    raise AssertionError("the verifying thread never waited for the row lock")
