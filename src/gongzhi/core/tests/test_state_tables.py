"""Every domain's state table, over every (state, action) pair: an allowed move gives the
table's next state; any other is refused with a Chinese message naming the current state and
the action. The services' use of each table is tested in its app (test_*workflow*.py)."""

import pytest
from django.core.exceptions import ValidationError

from gongzhi.core.testing import table_pairs
from gongzhi.counseling.workflow import APPOINTMENT, REQUEST
from gongzhi.deliberation.workflow import TABLE as DELIBERATION
from gongzhi.hall.workflow import TABLE as TICKET
from gongzhi.mediation.workflow import DISPUTE
from gongzhi.portal.workflow import BIND_REQUEST

TABLES = {
    "ticket": TICKET,
    "appointment": APPOINTMENT,
    "appointment_request": REQUEST,
    "bind_request": BIND_REQUEST,
    "dispute": DISPUTE,
    "deliberation": DELIBERATION,
}
CASES = [
    pytest.param(table, state, action, id=f"{name}-{state or 'open'}-{action}")
    for name, table in TABLES.items()
    for state, action in table_pairs(table)
]


@pytest.mark.parametrize(("table", "status", "action"), CASES)
def test_each_pair_either_moves_as_the_table_says_or_is_refused(table, status, action):
    if table.allows(status, action):
        assert (
            table.next_status(status, action, number="A007") == table.transitions[(status, action)]
        )
        return
    with pytest.raises(ValidationError) as info:
        table.next_status(status, action, number="A007")
    (text,) = info.value.messages
    label, verb = str(table.states(status).label), str(table.actions[action])
    assert f"「{label}」" in text and text.endswith(f"不能{verb}")


@pytest.mark.parametrize("table", TABLES.values(), ids=TABLES.keys())
def test_every_action_of_a_table_is_allowed_somewhere(table):
    assert {a for (_s, a) in table.transitions} == set(table.actions)
