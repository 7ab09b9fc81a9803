"""The case workflow (REFERENCE §4) as ONE declarative transition table.

Each row: an action, the states it may start from, the state it leads to, and who may do it:
- `capability`: the roles with this capability (core.roles), each inside `scope` — OWNING (the
  subtree of the grid that currently owns the case, i.e. the owning level's staff) or CASE
  (the case's own grid subtree, i.e. its supervisors);
- `assignee`: the staff member, room or department the case is assigned to;
- `reporter`: the reporting resident's own account.
Anything not in the table is illegal and raises TransitionError.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.utils.translation import gettext, pgettext_lazy

from gongzhi.core.access import can, role_of, staff_of
from gongzhi.core.roles import CASE_DISPATCH, CASE_SELF_HANDLE, CASE_SUPERVISE

from .models import State

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django_stubs_ext import StrOrPromise

    from gongzhi.cases.models import Case
    from gongzhi.core.types import AnyUser


OWNING = "owning"
CASE = "case"
PREVIOUS = "<previous>"  # back to case.prior_state (extension decisions)

S = State
OPEN_STATES = frozenset(
    {
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
    }
)
FINAL_STATES = frozenset(State.values) - OPEN_STATES
# Which deadline clock runs in each state.
ACCEPT_PHASE = frozenset({S.REPORTED, S.ESCALATED})
HANDLE_PHASE = frozenset(
    {
        S.ACCEPTED,
        S.SELF_HANDLING,
        S.DISPATCHED,
        S.SIGNED,
        S.IN_PROGRESS,
        S.EXTENSION_REQUESTED,
        S.RETURNED,
    }
)
VERIFY_PHASE = frozenset({S.RESOLVED, S.VERIFIED})


class TransitionError(Exception):
    """An action that the table does not allow from the case's state."""


@dataclass(frozen=True)
class Transition:
    action: str
    label: StrOrPromise  # lazy: translated when shown
    sources: frozenset[str]
    target: str
    capability: str | None = None
    scope: str = OWNING
    assignee: bool = False
    reporter: bool = False


def _t(
    action: str, label: StrOrPromise, sources: Iterable[str], target: str, **who: Any
) -> Transition:
    return Transition(action, label, frozenset(sources), target, **who)


# Labels are lazy verbs in the msgctxt "case action" (受理 = Accept), translated when shown;
# str() them before serializing.
TABLE: tuple[Transition, ...] = (
    _t("accept", pgettext_lazy("case action", "受理"),
       {S.REPORTED}, S.ACCEPTED, capability=CASE_DISPATCH),
    _t("reject", pgettext_lazy("case action", "不予受理"),
       {S.REPORTED}, S.REJECTED, capability=CASE_DISPATCH),
    _t("self_handle", pgettext_lazy("case action", "网格内自办"),
       {S.ACCEPTED, S.RETURNED}, S.SELF_HANDLING, capability=CASE_SELF_HANDLE),
    _t("dispatch", pgettext_lazy("case action", "派遣"),
       {S.ACCEPTED, S.RETURNED, S.ESCALATED}, S.DISPATCHED, capability=CASE_DISPATCH),
    _t("escalate", pgettext_lazy("case action", "上报上级"),
       {S.REPORTED, S.ACCEPTED, S.RETURNED, S.ESCALATED, S.SELF_HANDLING, S.DISPATCHED,
        S.SIGNED, S.IN_PROGRESS},
       S.ESCALATED, capability=CASE_DISPATCH, assignee=True),
    _t("sign", pgettext_lazy("case action", "签收"),
       {S.DISPATCHED}, S.SIGNED, assignee=True),
    _t("sign", pgettext_lazy("case action", "签收"),
       {S.ESCALATED}, S.SIGNED, capability=CASE_DISPATCH),
    _t("start", pgettext_lazy("case action", "开始处置"),
       {S.SIGNED}, S.IN_PROGRESS, assignee=True),
    _t("request_extension", pgettext_lazy("case action", "申请延期"),
       {S.IN_PROGRESS, S.SELF_HANDLING}, S.EXTENSION_REQUESTED, assignee=True),
    _t("approve_extension", pgettext_lazy("case action", "批准延期"),
       {S.EXTENSION_REQUESTED}, PREVIOUS, capability=CASE_SUPERVISE, scope=CASE),
    _t("deny_extension", pgettext_lazy("case action", "驳回延期"),
       {S.EXTENSION_REQUESTED}, PREVIOUS, capability=CASE_SUPERVISE, scope=CASE),
    _t("return", pgettext_lazy("case action", "退回"),
       {S.DISPATCHED, S.SIGNED, S.IN_PROGRESS}, S.RETURNED, assignee=True),
    _t("resolve", pgettext_lazy("case action", "办结"),
       {S.IN_PROGRESS, S.SELF_HANDLING}, S.RESOLVED, assignee=True),
    _t("verify", pgettext_lazy("case action", "核查通过"),
       {S.RESOLVED}, S.VERIFIED, capability=CASE_SUPERVISE, scope=CASE),
    _t("rework", pgettext_lazy("case action", "返工"),
       {S.RESOLVED}, S.IN_PROGRESS, capability=CASE_SUPERVISE, scope=CASE),
    _t("close", pgettext_lazy("case action", "结案"),
       {S.VERIFIED}, S.CLOSED, capability=CASE_SUPERVISE, scope=CASE),
    _t("follow_up", pgettext_lazy("case action", "回访评价"),
       {S.CLOSED}, S.FOLLOWED_UP, capability=CASE_DISPATCH, scope=CASE, reporter=True),
    _t("reopen", pgettext_lazy("case action", "重办"),
       {S.CLOSED, S.FOLLOWED_UP}, S.IN_PROGRESS, capability=CASE_SUPERVISE, scope=CASE),
    _t("archive", pgettext_lazy("case action", "归档"),
       {S.FOLLOWED_UP}, S.ARCHIVED, capability=CASE_SUPERVISE, scope=CASE),
    _t("merge", pgettext_lazy("case action", "合并重复件"),
       OPEN_STATES, S.MERGED, capability=CASE_DISPATCH),
    _t("divert", pgettext_lazy("case action", "转诉讼/仲裁/信访"),
       OPEN_STATES, S.DIVERTED, capability=CASE_SUPERVISE, scope=CASE),
    _t("terminate", pgettext_lazy("case action", "终止"),
       OPEN_STATES, S.TERMINATED, capability=CASE_SUPERVISE, scope=CASE),
)  # fmt: skip

ACTIONS: tuple[str, ...] = tuple(dict.fromkeys(t.action for t in TABLE))
LABELS: dict[str, StrOrPromise] = {t.action: t.label for t in TABLE}
_BY_KEY: dict[tuple[str, str], Transition] = {}
for _row in TABLE:
    for _src in _row.sources:
        assert (_src, _row.action) not in _BY_KEY, f"duplicate ({_src}, {_row.action})"
        _BY_KEY[(_src, _row.action)] = _row


def transition_for(state: str, action: str) -> Transition:
    try:
        return _BY_KEY[(state, action)]
    except KeyError:
        label = LABELS.get(action, action)
        raise TransitionError(
            gettext("事件当前状态为「%(state)s」,不能执行「%(action)s」")
            % {"state": State(state).label, "action": label}
        ) from None


def target_of(t: Transition, case: Case) -> str:
    return case.prior_state if t.target == PREVIOUS else t.target


def is_assignee(case: Case, user: AnyUser) -> bool:
    staff = staff_of(user)
    if staff is None or not staff.active:
        return False
    return bool(
        (case.assignee_staff_id and case.assignee_staff_id == staff.pk)
        or (case.assignee_room_id and case.assignee_room_id == staff.room_id)
        or (case.assignee_department_id and case.assignee_department_id == staff.department_id)
    )


def is_reporter(case: Case, user: AnyUser) -> bool:
    """The reporting resident: their own account, or (for a case filed for them by staff, on
    the hotline or at a window) the account linked to the registry resident named."""
    if case.reporter_user_id:
        return case.reporter_user_id == user.pk
    if not case.reporter_resident_id or role_of(user) is not None:
        return False
    if user.pk is None:
        return False
    accounts = apps.get_model("portal", "ResidentAccount").objects  # portal builds on cases
    return accounts.filter(user_id=user.pk, resident_id=case.reporter_resident_id).exists()


def is_follower(case: Case, user: AnyUser) -> bool:
    """A resident who joined the case ("我也遇到") or reported a duplicate merged into it."""
    if role_of(user) is not None:
        return False
    from gongzhi.intel.selectors import is_follower as follows  # intel builds on cases

    return follows(case, user)


def may(t: Transition, case: Case, user: AnyUser) -> bool:
    """Whether `user` may perform transition `t` on `case` (the state is checked elsewhere)."""
    if t.assignee and is_assignee(case, user):
        return True
    if t.reporter and (is_reporter(case, user) or is_follower(case, user)):
        return True
    if t.capability is None:
        return False
    return can(user, t.capability, case.owning_grid if t.scope == OWNING else case.grid)


def allowed_actions(case: Case, user: AnyUser) -> list[str]:
    """The actions this user may take on this case now, in table order (for pages)."""
    out = []
    for action in ACTIONS:
        t = _BY_KEY.get((case.state, action))
        if t is not None and may(t, case, user):
            out.append(action)
    return out
