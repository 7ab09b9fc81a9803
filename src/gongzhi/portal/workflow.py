"""A bind request's states as one table: (state, action) → next state.

A resident asks to be bound to a unit (pending); center staff approve or reject it, once.
"""

from django.utils.translation import gettext_lazy

from gongzhi.core.states import StateTable

from .models import BindRequest

S = BindRequest.Status

TRANSITIONS: dict[tuple[str, str], str] = {
    (S.PENDING, "approve"): S.APPROVED,
    (S.PENDING, "reject"): S.REJECTED,
}
ACTION_LABELS = {
    "approve": gettext_lazy("确认"),
    "reject": gettext_lazy("驳回"),
}

BIND_REQUEST = StateTable(
    states=S,
    transitions=TRANSITIONS,
    actions=ACTION_LABELS,
    refusal=gettext_lazy("该绑定申请当前为「%(status)s」,不能%(action)s"),
)
