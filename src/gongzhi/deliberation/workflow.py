"""The deliberation procedure's states as one table: (state, action) → next state."""

from django.utils.translation import gettext_lazy

from gongzhi.core.states import StateTable

from .models import DeliberationStatus as S

TRANSITIONS: dict[tuple[str, str], str] = {
    (S.DRAFT, "publish"): S.OPEN,
    (S.OPEN, "start_vote"): S.VOTING,
    (S.OPEN, "close"): S.CLOSED,  # ended by consensus at a meeting, without a vote
    (S.VOTING, "close"): S.CLOSED,  # the vote was counted
}

ACTION_LABELS = {
    "publish": gettext_lazy("发布议事"),
    "start_vote": gettext_lazy("发起表决"),
    "close": gettext_lazy("结束议事"),
}
ACTIONS = tuple(ACTION_LABELS)

TABLE = StateTable(
    states=S,
    transitions=TRANSITIONS,
    actions=ACTION_LABELS,
    refusal=gettext_lazy("议事当前状态为「%(status)s」,不能%(action)s"),
)


def next_status(status: str, action: str) -> str:
    """The state after `action`, or a ValidationError naming the current state."""
    return TABLE.next_status(status, action)
