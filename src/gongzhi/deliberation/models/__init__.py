"""议事会: proposals, deliberations, meetings, household votes, cost sharing and 楼院自治组织."""

from .bodies import BodyIssue, BodyMember, CourtyardBody, OrgKind
from .funding import CostShare, Expenditure, LedgerEntry, Payment, WorkPhoto, WorkTask
from .procedure import (
    Deliberation,
    DeliberationStatus,
    Meeting,
    MeetingAttendance,
    Proposal,
    ProposalStatus,
    ProposalSupport,
)
from .voting import Ballot, BallotChange, Channel, Choice, ThresholdBase, Vote

__all__ = [
    "Ballot",
    "BallotChange",
    "BodyIssue",
    "BodyMember",
    "Channel",
    "Choice",
    "CostShare",
    "CourtyardBody",
    "Deliberation",
    "DeliberationStatus",
    "Expenditure",
    "LedgerEntry",
    "Meeting",
    "MeetingAttendance",
    "OrgKind",
    "Payment",
    "Proposal",
    "ProposalStatus",
    "ProposalSupport",
    "ThresholdBase",
    "Vote",
    "WorkPhoto",
    "WorkTask",
]
