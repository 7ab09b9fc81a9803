"""A dispute's states as one table: (state, action) → next state.

The state is the dispute's outcome: empty while mediation runs (调解中), then a written or
oral agreement, or failure (调解不成). The parties, their consent, sessions and mediators
change only while it runs; a follow-up visit (回访) comes only after it ended.
"""

from django.utils.translation import gettext_lazy

from gongzhi.core.states import StateTable

from .models import Dispute, Outcome

S = Outcome

ENDED = (S.WRITTEN, S.ORAL, S.FAILED)
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.PENDING, "add_party"): S.PENDING,
    (S.PENDING, "record_consent"): S.PENDING,
    (S.PENDING, "record_session"): S.PENDING,
    (S.PENDING, "assign_mediator"): S.PENDING,
    (S.PENDING, "agree_written"): S.WRITTEN,
    (S.PENDING, "agree_oral"): S.ORAL,
    (S.PENDING, "fail"): S.FAILED,
    **{(state, "follow_up"): state for state in ENDED},
}
ACTION_LABELS = {
    "add_party": gettext_lazy("添加当事人"),
    "record_consent": gettext_lazy("记录调解意愿"),
    "record_session": gettext_lazy("记录调解过程"),
    "assign_mediator": gettext_lazy("指派调解员"),
    "agree_written": gettext_lazy("制作书面调解协议"),
    "agree_oral": gettext_lazy("记录口头协议"),
    "fail": gettext_lazy("记录调解不成"),
    "follow_up": gettext_lazy("回访"),
}

DISPUTE = StateTable(
    states=S,
    transitions=TRANSITIONS,
    actions=ACTION_LABELS,
    refusal=gettext_lazy("该纠纷当前为「%(status)s」,不能%(action)s"),
)


def dispute_locked_for(dispute: Dispute, action: str) -> Dispute:
    """The dispute, locked for the rest of the transaction, once the table allows `action`."""
    locked = Dispute.objects.select_for_update().get(pk=dispute.pk)
    DISPUTE.next_status(locked.outcome, action)
    return locked
