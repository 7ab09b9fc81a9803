"""Queue numbers, call-next claims, the display board and the average wait."""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection, connections

from gongzhi.core.testing import fresh
from gongzhi.hall.models import Ticket
from gongzhi.hall.queue import ticket_call_next, ticket_finish, ticket_issue, ticket_start
from gongzhi.hall.selectors import average_wait, display_board, window_workload

MORNING = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def test_it_numbers_each_service_on_its_own_sequence(hall):
    numbers = [ticket_issue(service=hall[s]).number for s in ("A", "A", "B", "A", "B")]
    assert numbers == ["A001", "A002", "B001", "A003", "B002"]


def test_it_restarts_numbering_on_the_next_day(hall):
    with time_machine.travel(MORNING, tick=False):
        ticket_issue(service=hall["A"])
        assert ticket_issue(service=hall["A"]).number == "A002"
    with time_machine.travel(MORNING + dt.timedelta(days=1), tick=False):
        assert ticket_issue(service=hall["A"]).number == "A001"


def test_it_calls_the_oldest_waiting_ticket_of_the_windows_services(hall):
    with time_machine.travel(MORNING, tick=True):
        first_b = ticket_issue(service=hall["B"])
        first_a = ticket_issue(service=hall["A"])
        ticket_issue(service=hall["A"])
        called = ticket_call_next(window=hall["w1"], by=hall["by"])
    assert called.pk == first_a.pk
    assert called.status == Ticket.Status.CALLED and called.window == hall["w1"]
    assert fresh(first_b).status == Ticket.Status.WAITING


def test_two_windows_calling_in_turn_never_get_the_same_ticket(hall):
    tickets = [ticket_issue(service=hall["A"]) for _ in range(4)]
    got = []
    for window in ("w1", "w2", "w1", "w2", "w1"):
        t = ticket_call_next(window=hall[window], by=hall["by"])
        got.append(t.pk if t else None)
    assert got == [t.pk for t in tickets] + [None]


def test_the_claim_is_a_conditional_update_that_a_second_caller_loses(hall):
    ticket = ticket_issue(service=hall["A"])
    first = Ticket.objects.filter(pk=ticket.pk, status=Ticket.Status.WAITING).update(
        status=Ticket.Status.CALLED, window=hall["w1"]
    )
    second = Ticket.objects.filter(pk=ticket.pk, status=Ticket.Status.WAITING).update(
        status=Ticket.Status.CALLED, window=hall["w2"]
    )
    assert (first, second) == (1, 0)
    assert ticket_call_next(window=hall["w2"], by=hall["by"]) is None
    assert fresh(ticket).window == hall["w1"]


def test_windows_calling_at_the_same_time_each_get_a_different_ticket(threaded_db, hall):
    assert "memory" not in str(connection.settings_dict["NAME"])
    tickets = {ticket_issue(service=hall["A"]).pk for _ in range(6)}
    windows = [hall["w1"], hall["w2"]] * 4
    results, errors = [], []
    barrier = threading.Barrier(len(windows))

    def call(window):
        try:
            barrier.wait()
            t = ticket_call_next(window=window, by=hall["by"])
            results.append(t.pk if t else None)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=call, args=(w,)) for w in windows]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    claimed = [pk for pk in results if pk is not None]
    assert len(claimed) == len(set(claimed)) == len(tickets)
    assert set(claimed) == tickets


def test_the_display_board_shows_the_latest_call_and_its_window(hall):
    ticket_issue(service=hall["A"])
    ticket_issue(service=hall["B"])
    ticket_call_next(window=hall["w1"], by=hall["by"])
    ticket_call_next(window=hall["w3"], by=hall["by"])
    board = display_board(hall["w1"].center)
    assert (board.current.number, board.current.window.name) == ("B001", "3号窗口")
    assert [t.number for t in board.recent] == ["A001"]


def test_the_display_page_shows_the_called_number_without_login(client, hall):
    ticket_issue(service=hall["A"])
    ticket_call_next(window=hall["w2"], by=hall["by"])
    center = hall["w2"].center
    response = client.get(f"/hall/{center.pk}/display/board/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "A001" in text and "2号窗口" in text


def test_the_average_wait_is_the_mean_time_from_ticket_to_call(hall):
    with time_machine.travel(MORNING, tick=False) as traveller:
        ticket_issue(service=hall["A"])  # 09:00
        traveller.shift(dt.timedelta(minutes=4))
        ticket_issue(service=hall["A"])  # 09:04
        traveller.shift(dt.timedelta(minutes=6))
        ticket_call_next(window=hall["w1"], by=hall["by"])  # 09:10 → waited 10 min
        traveller.shift(dt.timedelta(minutes=2))
        ticket_call_next(window=hall["w2"], by=hall["by"])  # 09:12 → waited 8 min
        ticket_issue(service=hall["A"])  # still waiting: not counted
        assert average_wait(hall["A"].center) == dt.timedelta(minutes=9)


def test_the_average_wait_is_empty_before_any_call(hall):
    ticket_issue(service=hall["A"])
    assert average_wait(hall["A"].center) is None


def test_the_workload_counts_waiting_served_and_handling_time_per_window(hall):
    with time_machine.travel(MORNING, tick=False) as traveller:
        for _ in range(3):
            ticket_issue(service=hall["A"])
        ticket_issue(service=hall["B"])
        t = ticket_call_next(window=hall["w1"], by=hall["by"])
        ticket_start(ticket=t, window=hall["w1"], by=hall["by"])
        traveller.shift(dt.timedelta(minutes=5))
        ticket_finish(ticket=t, window=hall["w1"], by=hall["by"])
        t = ticket_call_next(window=hall["w1"], by=hall["by"])
        traveller.shift(dt.timedelta(minutes=15))
        ticket_finish(ticket=t, window=hall["w1"], by=hall["by"])
        load = {row.window.name: row for row in window_workload(hall["A"].center)}
    assert (load["1号窗口"].served, load["1号窗口"].waiting) == (2, 1)
    assert load["1号窗口"].average_handling == dt.timedelta(minutes=10)
    assert (load["3号窗口"].served, load["3号窗口"].waiting) == (0, 1)
    assert load["2号窗口"].average_handling is None


def test_a_gridworker_cannot_call_tickets(district, hall):
    from django.core.exceptions import PermissionDenied

    ticket_issue(service=hall["A"])
    with pytest.raises(PermissionDenied):
        ticket_call_next(window=hall["w1"], by=district.users["gridworker"])
    assert Ticket.objects.filter(status=Ticket.Status.WAITING).count() == 1
