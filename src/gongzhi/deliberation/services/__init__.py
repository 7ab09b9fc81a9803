"""Every write of the deliberation app; each function runs in one transaction."""

from .bodies import body_create, body_issue_add, body_issue_resolve, body_member_add
from .common import clean_amount
from .funding import (
    cost_share_create,
    expenditure_record,
    ledger_exempt,
    payment_record,
    work_task_complete,
    work_task_create,
)
from .procedure import (
    deliberation_close,
    deliberation_open,
    deliberation_publish,
    meeting_record_minutes,
    meeting_schedule,
    proposal_create,
    proposal_support,
)
from .voting import vote_cast, vote_close, vote_create, vote_record_paper

__all__ = [
    "body_create",
    "body_issue_add",
    "body_issue_resolve",
    "body_member_add",
    "clean_amount",
    "cost_share_create",
    "deliberation_close",
    "deliberation_open",
    "deliberation_publish",
    "expenditure_record",
    "ledger_exempt",
    "meeting_record_minutes",
    "meeting_schedule",
    "payment_record",
    "proposal_create",
    "proposal_support",
    "vote_cast",
    "vote_close",
    "vote_create",
    "vote_record_paper",
    "work_task_complete",
    "work_task_create",
]
