"""A queue ticket's states as one table: (state, action) → next state.

waiting → called (叫号) → serving (开始办理) → done; a called ticket may be recalled (重呼,
announced again), finished at once, or marked no-show (过号).
"""

from django.utils.translation import gettext_lazy

from gongzhi.core.states import StateTable

from .models import Ticket

S = Ticket.Status

TRANSITIONS: dict[tuple[str, str], str] = {
    (S.WAITING, "call"): S.CALLED,
    (S.CALLED, "recall"): S.CALLED,
    (S.CALLED, "start"): S.SERVING,
    (S.CALLED, "finish"): S.DONE,  # handled at once, or ended by calling the next visitor
    (S.SERVING, "finish"): S.DONE,
    (S.CALLED, "no_show"): S.NO_SHOW,
}

ACTION_LABELS = {
    "call": gettext_lazy("叫号"),
    "recall": gettext_lazy("重呼"),
    "start": gettext_lazy("开始办理"),
    "finish": gettext_lazy("结束"),
    "no_show": gettext_lazy("记为过号"),
}

TABLE = StateTable(
    states=S,
    transitions=TRANSITIONS,
    actions=ACTION_LABELS,
    field="ticket",
    refusal=gettext_lazy("号码%(number)s当前为「%(status)s」,不能%(action)s"),
)


def next_status(ticket: Ticket, action: str) -> str:
    """The ticket's state after `action`, or a ValidationError naming its number and state."""
    return TABLE.next_status(ticket.status, action, number=ticket.number)
