"""Table-driven: every (state, action) pair, over the table itself and over states × actions.

The canonical case is reported in unit_a (金泉路社区) and, when dispatched, goes to the
mediation room of the 金泉路 center. EXPECTED is written out by hand from REFERENCE §4 and
the role rules, independently of workflow.may().
"""

import pytest
from django.core.exceptions import PermissionDenied

from gongzhi.cases.models import CaseEvent, State
from gongzhi.cases.workflow import (
    ACTIONS,
    PREVIOUS,
    TABLE,
    TransitionError,
    allowed_actions,
    transition_for,
)
from gongzhi.core.testing import fresh

from .conftest import act, mediation_room, report

PERSONAS = (
    "admin",
    "leader",
    "center",
    "xifeng_center",
    "gridworker",
    "gridworker_b",
    "police",
    "mediator",
    "counselor",
)
S = State
DISPATCHED_PATH = [("center", "accept"), ("center", "dispatch")]
IN_PROGRESS_PATH = [*DISPATCHED_PATH, ("mediator", "sign"), ("mediator", "start")]
RESOLVED_PATH = [*IN_PROGRESS_PATH, ("mediator", "resolve")]
CLOSED_PATH = [*RESOLVED_PATH, ("center", "verify"), ("center", "close")]
PATHS = {
    S.REPORTED: [],
    S.ACCEPTED: [("center", "accept")],
    S.REJECTED: [("center", "reject")],
    S.SELF_HANDLING: [("center", "accept"), ("gridworker", "self_handle")],
    S.DISPATCHED: DISPATCHED_PATH,
    S.ESCALATED: [("center", "escalate")],
    S.SIGNED: [*DISPATCHED_PATH, ("mediator", "sign")],
    S.IN_PROGRESS: IN_PROGRESS_PATH,
    S.EXTENSION_REQUESTED: [*IN_PROGRESS_PATH, ("mediator", "request_extension")],
    S.RETURNED: [*DISPATCHED_PATH, ("mediator", "return")],
    S.RESOLVED: RESOLVED_PATH,
    S.VERIFIED: [*RESOLVED_PATH, ("center", "verify")],
    S.CLOSED: CLOSED_PATH,
    S.FOLLOWED_UP: [*CLOSED_PATH, ("center", "follow_up")],
    S.ARCHIVED: [*CLOSED_PATH, ("center", "follow_up"), ("center", "archive")],
    S.MERGED: [("center", "merge")],
    S.DIVERTED: [("center", "divert")],
    S.TERMINATED: [("center", "terminate")],
}

OWNERS = {"admin", "center", "gridworker"}  # dispatchers whose subtree holds unit_a
SUPERVISORS = {"admin", "center"}
UP_ONE = {"admin", "center"}  # dispatchers whose subtree holds the level-4 building
MEDIATOR = {"mediator"}
OPEN_EXPECT = {"merge": OWNERS, "divert": SUPERVISORS, "terminate": SUPERVISORS}
EXPECTED = {
    (S.REPORTED, "accept"): OWNERS,
    (S.REPORTED, "reject"): OWNERS,
    (S.REPORTED, "escalate"): OWNERS,
    (S.ACCEPTED, "self_handle"): {"gridworker"},
    (S.ACCEPTED, "dispatch"): OWNERS,
    (S.ACCEPTED, "escalate"): OWNERS,
    (S.RETURNED, "self_handle"): {"gridworker"},
    (S.RETURNED, "dispatch"): OWNERS,
    (S.RETURNED, "escalate"): OWNERS,
    (S.SELF_HANDLING, "escalate"): OWNERS,
    (S.SELF_HANDLING, "request_extension"): {"gridworker"},
    (S.SELF_HANDLING, "resolve"): {"gridworker"},
    (S.DISPATCHED, "sign"): MEDIATOR,
    (S.DISPATCHED, "return"): MEDIATOR,
    (S.DISPATCHED, "escalate"): OWNERS | MEDIATOR,
    (S.ESCALATED, "sign"): UP_ONE,
    (S.ESCALATED, "dispatch"): UP_ONE,
    (S.ESCALATED, "escalate"): UP_ONE,
    (S.SIGNED, "start"): MEDIATOR,
    (S.SIGNED, "return"): MEDIATOR,
    (S.SIGNED, "escalate"): OWNERS | MEDIATOR,
    (S.IN_PROGRESS, "request_extension"): MEDIATOR,
    (S.IN_PROGRESS, "return"): MEDIATOR,
    (S.IN_PROGRESS, "resolve"): MEDIATOR,
    (S.IN_PROGRESS, "escalate"): OWNERS | MEDIATOR,
    (S.EXTENSION_REQUESTED, "approve_extension"): SUPERVISORS,
    (S.EXTENSION_REQUESTED, "deny_extension"): SUPERVISORS,
    (S.RESOLVED, "verify"): SUPERVISORS,
    (S.RESOLVED, "rework"): SUPERVISORS,
    (S.VERIFIED, "close"): SUPERVISORS,
    (S.CLOSED, "follow_up"): OWNERS,
    (S.CLOSED, "reopen"): SUPERVISORS,
    (S.FOLLOWED_UP, "reopen"): SUPERVISORS,
    (S.FOLLOWED_UP, "archive"): SUPERVISORS,
}
OPEN = [
    S.REPORTED,
    S.ACCEPTED,
    S.SELF_HANDLING,
    S.DISPATCHED,
    S.ESCALATED,
    S.SIGNED,
    S.IN_PROGRESS,
    S.EXTENSION_REQUESTED,
    S.RETURNED,
    S.RESOLVED,
    S.VERIFIED,
]
for _state in OPEN:
    for _action, _who in OPEN_EXPECT.items():
        EXPECTED[(_state, _action)] = UP_ONE if _state == S.ESCALATED and _who is OWNERS else _who


def params_for(d, action):
    return {
        "reject": {"comment": "不属于受理范围"},
        "dispatch": {"to_room": mediation_room(d)},
        "request_extension": {"days": 3, "comment": "需要协调物业"},
        "deny_extension": {"comment": "时限内可以办完"},
        "return": {"comment": "不属于本科室职责"},
        "rework": {"comment": "现场仍有杂草"},
        "follow_up": {"rating": "satisfied", "stars": 5},
        "merge": {"into": report(d, title="主件")},
        "divert": {"route": "litigation"},
        "terminate": {"comment": "当事人撤回"},
    }.get(action, {})


def case_in(d, state):
    case = report(d)
    for who, action in PATHS[state]:
        act(d, case, who, action, **params_for(d, action))
    assert case.state == state
    return case


def test_every_state_has_a_path_and_the_table_uses_only_known_states():
    assert set(PATHS) == set(State.values)
    for row in TABLE:
        assert row.sources <= set(State.values)
        assert row.target == PREVIOUS or row.target in State.values


def test_expectations_cover_exactly_the_table():
    pairs = {(s, row.action) for row in TABLE for s in row.sources}
    assert pairs == set(EXPECTED)


@pytest.mark.parametrize(("state", "action"), sorted(EXPECTED))
def test_allowed_pair_succeeds_for_the_right_roles_only(district, state, action):
    allowed = EXPECTED[(state, action)]
    case = case_in(district, state)
    for who in sorted(set(PERSONAS) - allowed):
        before = (fresh(case).version, CaseEvent.objects.filter(case=case).count())
        with pytest.raises(PermissionDenied):
            act(district, case, who, action, **params_for(district, action))
        assert (fresh(case).version, CaseEvent.objects.filter(case=case).count()) == before
        assert action not in allowed_actions(fresh(case), district.users[who])
    for who in sorted(allowed):
        case = case_in(district, state)
        assert action in allowed_actions(case, district.users[who])
        done = act(district, case, who, action, **params_for(district, action))
        row = transition_for(state, action)
        if row.target != PREVIOUS:
            assert done.state == row.target
        last = CaseEvent.objects.filter(case=case, action=action).latest("pk")
        assert (last.from_state, last.actor) == (state, district.users[who])


@pytest.mark.parametrize("state", sorted(State.values))
def test_every_action_outside_the_table_is_rejected(district, state):
    case = case_in(district, state)
    before = (case.version, CaseEvent.objects.filter(case=case).count())
    illegal = [a for a in ACTIONS if (state, a) not in EXPECTED]
    for action in illegal:
        with pytest.raises(TransitionError, match="不能执行"):
            act(district, case, "admin", action, **params_for(district, action))
    assert fresh(case).state == state
    assert (fresh(case).version, CaseEvent.objects.filter(case=case).count()) == before


def test_an_unknown_action_is_rejected(district):
    case = report(district)
    with pytest.raises(TransitionError):
        act(district, case, "admin", "teleport")


def test_extension_decisions_return_to_the_state_before_the_request(district):
    case = case_in(district, S.SELF_HANDLING)
    act(district, case, "gridworker", "request_extension", days=2, comment="等待材料")
    act(district, case, "center", "deny_extension", comment="可以按期完成")
    assert case.state == S.SELF_HANDLING
