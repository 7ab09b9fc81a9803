"""The ticket state table, over every (state, action) pair: through the table and through the
queue services (an allowed move is made; any other is refused in Chinese and writes nothing)."""

import pytest
from django.core.exceptions import ValidationError

from gongzhi.core.testing import row_of, table_pairs
from gongzhi.hall import queue
from gongzhi.hall.models import Ticket
from gongzhi.hall.workflow import TABLE, TRANSITIONS

S = Ticket.Status
PAIRS = table_pairs(TABLE)

CALLS = {
    "start": lambda t, w, by: queue.ticket_start(ticket=t, window=w, by=by),
    "finish": lambda t, w, by: queue.ticket_finish(ticket=t, window=w, by=by),
    "no_show": lambda t, w, by: queue.ticket_finish(ticket=t, window=w, by=by, no_show=True),
    "recall": lambda t, w, by: queue.ticket_recall(ticket=t, window=w, by=by),
}


def test_every_action_and_state_is_in_the_pairs():
    assert {a for _s, a in TRANSITIONS} == set(TABLE.actions)
    assert len(PAIRS) == len(S.values) * len(TABLE.actions)


def test_nothing_leaves_done_or_no_show():
    assert not [a for (s, a) in TRANSITIONS if s in (S.DONE, S.NO_SHOW)]


def _ticket_in(hall, status):
    ticket = queue.ticket_issue(service=hall["A"])
    Ticket.objects.filter(pk=ticket.pk).update(status=status, window=hall["w1"])
    return Ticket.objects.get(pk=ticket.pk)


@pytest.mark.parametrize(("status", "action"), [p for p in PAIRS if p[1] in CALLS])
def test_the_queue_services_follow_the_table(hall, status, action):
    ticket = _ticket_in(hall, status)
    before = row_of(ticket)
    if (status, action) in TRANSITIONS:
        CALLS[action](ticket, hall["w1"], hall["by"])
        assert row_of(ticket)["status"] == TRANSITIONS[(status, action)]
    else:
        label = f"号码{ticket.number}当前为「{S(status).label}」,不能{TABLE.actions[action]}"
        with pytest.raises(ValidationError, match=label):
            CALLS[action](ticket, hall["w1"], hall["by"])
        assert row_of(ticket) == before


@pytest.mark.parametrize("status", S.values)
def test_call_next_takes_only_a_ticket_the_table_lets_be_called(hall, status):
    ticket = _ticket_in(hall, status)
    Ticket.objects.filter(pk=ticket.pk).update(window=None)
    called = queue.ticket_call_next(window=hall["w2"], by=hall["by"])
    if (status, "call") in TRANSITIONS:
        assert called.pk == ticket.pk and called.status == TRANSITIONS[(status, "call")]
    else:
        assert called is None
        assert row_of(ticket)["status"] == status
