"""The deliberation state table, over every (state, action) pair."""

import pytest
from django.core.exceptions import ValidationError

from gongzhi.deliberation.models import DeliberationStatus
from gongzhi.deliberation.workflow import ACTIONS, TRANSITIONS, next_status

PAIRS = [(s, a) for s in DeliberationStatus.values for a in ACTIONS]


@pytest.mark.parametrize(("status", "action"), PAIRS)
def test_each_pair_either_moves_as_the_table_says_or_is_refused(status, action):
    if (status, action) in TRANSITIONS:
        assert next_status(status, action) == TRANSITIONS[(status, action)]
    else:
        with pytest.raises(ValidationError, match="不能"):
            next_status(status, action)


def test_nothing_leaves_the_closed_state():
    assert not [a for (s, a) in TRANSITIONS if s == DeliberationStatus.CLOSED]
