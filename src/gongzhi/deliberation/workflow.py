"""The deliberation procedure's states as one table: (state, action) → next state."""

from django.core.exceptions import ValidationError

from .models import DeliberationStatus as S

TRANSITIONS: dict[tuple[str, str], str] = {
    (S.DRAFT, "publish"): S.OPEN,
    (S.OPEN, "start_vote"): S.VOTING,
    (S.OPEN, "close"): S.CLOSED,  # ended by consensus at a meeting, without a vote
    (S.VOTING, "close"): S.CLOSED,  # the vote was counted
}

ACTION_LABELS = {"publish": "发布议事", "start_vote": "发起表决", "close": "结束议事"}
ACTIONS = tuple(ACTION_LABELS)


def next_status(status: str, action: str) -> str:
    """The state after `action`, or a ValidationError naming the current state."""
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        label = S(status).label if status in S.values else status
        raise ValidationError(
            f"议事当前状态为「{label}」,不能{ACTION_LABELS.get(action, action)}"
        ) from None
