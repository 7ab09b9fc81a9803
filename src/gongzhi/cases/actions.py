"""What each workflow action does to the case beyond its state change (its "effect").

Effects run inside case_act's transaction on the locked row; they validate their own
parameters first and raise ValidationError (Chinese messages) before changing anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from gongzhi.core.access import staff_of

from . import calendar
from .deadlines import case_deadlines_compute, case_move_up, shift_phase_deadlines
from .models import Case, CaseEvent, DivertRoute, FollowUp, Phase, Rating, State
from .workflow import FINAL_STATES

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime
    from typing import Any

    from gongzhi.core.types import Actor
    from gongzhi.org.models import Department, Room, Staff


MAX_EXTENSION_DAYS = 30


def _need_comment(comment: str, message: str) -> None:
    """`message` is the whole (translated) error shown when the comment is missing."""
    if not comment:
        raise ValidationError({"comment": message})


def _respond(case: Case, now: datetime) -> None:
    case.responded_at = case.responded_at or now


def _mark_accepted(case: Case, now: datetime) -> None:
    """First acceptance, at any level; later takeovers keep the original timeliness."""
    if case.accepted_at is None:
        case.accepted_at = now
    if case.accepted_on_time is None:
        case.accepted_on_time = case.accept_red_at is None or now <= case.accept_red_at


def accept(case: Case, *, now: datetime, **_: object) -> None:
    case.accepted_at = now
    case.accepted_on_time = case.accept_red_at is None or now <= case.accept_red_at
    case_deadlines_compute(case=case, phase=Phase.HANDLE, start=now)


def reject(case: Case, *, comment: str, **_: object) -> None:
    _need_comment(comment, gettext("请填写不予受理的理由"))


def self_handle(case: Case, *, by: Actor, now: datetime, **_: object) -> None:
    case.assignee_staff, case.assignee_room, case.assignee_department = staff_of(by), None, None
    _respond(case, now)


def _may_receive(by: Actor, case: Case, obj: Staff | Room | Department) -> bool:
    """A dispatch target is within the actor's scope, or serves the case's own grid (the
    center above a grid worker's unit); never a unit of another township."""
    rows = type(obj).objects.filter(pk=obj.pk)
    if rows.restrict(by).exists():
        return True
    paths = {p for lookup in type(obj).scope_paths for p in rows.values_list(lookup, flat=True)}
    return any(p and case.grid.path.startswith(p) for p in paths)


def dispatch(
    case: Case,
    *,
    by: Actor,
    now: datetime,
    source: str,
    data: dict[str, Any],
    to_staff: Staff | None = None,
    to_room: Room | None = None,
    to_department: Department | None = None,
    **_: object,
) -> None:
    targets = [x for x in (to_staff, to_room, to_department) if x is not None]
    if len(targets) != 1 or not _may_receive(by, case, targets[0]):
        raise ValidationError({"to": gettext("请选择一个派遣对象:人员、科室或部门")})
    case.assignee_staff, case.assignee_room, case.assignee_department = (
        to_staff,
        to_room,
        to_department,
    )
    data["to"] = str(targets[0])
    if source == State.ESCALATED:  # the new level takes over: its own handling clock
        _mark_accepted(case, now)
        case_deadlines_compute(case=case, phase=Phase.HANDLE, start=now)


def escalate(case: Case, *, now: datetime, data: dict[str, Any], **_: object) -> None:
    if not case_move_up(case, now=now):
        raise ValidationError({"action": gettext("已是最高层级,无法继续上报")})
    data["to_level"] = case.owning_level


def sign(case: Case, *, by: Actor, now: datetime, source: str, **_: object) -> None:
    _respond(case, now)
    if source == State.ESCALATED:
        case.assignee_staff = staff_of(by)
        _mark_accepted(case, now)
        case_deadlines_compute(case=case, phase=Phase.HANDLE, start=now)


def start(case: Case, *, now: datetime, **_: object) -> None:
    _respond(case, now)


def request_extension(
    case: Case,
    *,
    comment: str,
    source: str,
    data: dict[str, Any],
    days: Any = None,
    **_: object,
) -> None:
    _need_comment(comment, gettext("请填写延期理由"))
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise ValidationError(
            {"days": gettext("延期天数应为1至%(max)s个工作日") % {"max": MAX_EXTENSION_DAYS}}
        )
    case.prior_state = source
    data["days"] = days


def approve_extension(
    case: Case, *, now: datetime, data: dict[str, Any], days: Any = None, **_: object
) -> None:
    if days is None:
        last = case.events.filter(action="request_extension").order_by("-at", "-pk").first()
        days = last.data.get("days", 1) if last else 1
    # The clock stops for the approved period: every handling deadline moves by its length.
    case.extension_until = calendar.add_working_days(now, int(days))
    shift_phase_deadlines(case, case.extension_until - now)
    case.prior_state = ""
    data["days"] = int(days)


def deny_extension(case: Case, *, comment: str, **_: object) -> None:
    _need_comment(comment, gettext("请填写驳回理由"))
    case.prior_state = ""


def return_(case: Case, *, comment: str, **_: object) -> None:
    _need_comment(comment, gettext("请填写退回理由"))
    case.assignee_staff = case.assignee_room = case.assignee_department = None


def resolve(case: Case, *, now: datetime, **_: object) -> None:
    case.resolved_at = now
    case.resolved_level = case.owning_level
    case.resolved_on_time = case.handle_red_at is None or now <= case.handle_red_at
    case_deadlines_compute(case=case, phase=Phase.VERIFY, start=now)


def verify(case: Case, *, now: datetime, **_: object) -> None:
    case.verified_at = now


def rework(case: Case, *, now: datetime, comment: str, **_: object) -> None:
    _need_comment(comment, gettext("请填写返工原因"))
    case.rework_count += 1
    case_deadlines_compute(case=case, phase=Phase.HANDLE, start=now)


def close(case: Case, *, now: datetime, **_: object) -> None:
    case.closed_at = now


def follow_up(
    case: Case,
    *,
    by: Actor,
    now: datetime,
    comment: str,
    data: dict[str, Any],
    rating: str | None = None,
    stars: Any = None,
    resolved: bool | None = None,
    **_: object,
) -> None:
    if rating not in Rating.values:
        raise ValidationError({"rating": gettext("请选择评价:满意、基本满意或不满意")})
    try:
        stars = int(stars)
    except (TypeError, ValueError):
        stars = 0
    if not 1 <= stars <= 5:
        raise ValidationError({"stars": gettext("星级应为1至5")})
    resolved = rating != Rating.UNSATISFIED if resolved is None else bool(resolved)
    FollowUp.objects.create(
        case=case, by=by, rating=rating, stars=stars, resolved=resolved, comment=comment, at=now
    )
    case.satisfaction, case.followed_up_at, case.follow_up_resolved = rating, now, resolved
    data.update(rating=rating, stars=stars)
    if rating == Rating.UNSATISFIED:
        data["_chain"] = "reopen"  # 不满意 → 重办, back to the same handler


def reopen(case: Case, *, now: datetime, **_: object) -> None:
    case.rehandle_count += 1
    case_deadlines_compute(case=case, phase=Phase.HANDLE, start=now)


def archive(case: Case, *, now: datetime, **_: object) -> None:
    case.archived_at = now


def merge(
    case: Case, *, by: Actor, data: dict[str, Any], into: Case | str | None = None, **_: object
) -> None:
    # Whatever names the main case (a number or a Case), it is looked up within the
    # actor's scope here: no caller can merge into a case the actor cannot see.
    visible = Case.objects.restrict(by)
    if isinstance(into, Case):
        into = visible.filter(pk=into.pk).first()
    elif isinstance(into, str) and into.strip():
        into = visible.filter(number=into.strip()[:40]).first()
    else:
        into = None
    if into is None or into.pk == case.pk or into.state in FINAL_STATES:
        raise ValidationError({"into": gettext("请选择一件仍在办理中的其他事件作为主件")})
    case.merged_into = into
    data["into"] = into.number


def divert(case: Case, *, data: dict[str, Any], route: str | None = None, **_: object) -> None:
    if route not in DivertRoute.values:
        raise ValidationError({"route": gettext("请选择分流去向:诉讼、仲裁或信访")})
    case.diverted_to = route
    data["route"] = route


def terminate(case: Case, *, comment: str, **_: object) -> None:
    _need_comment(comment, gettext("请填写终止理由"))


EFFECTS: dict[str, Callable[..., None]] = {
    "accept": accept, "reject": reject, "self_handle": self_handle, "dispatch": dispatch,
    "escalate": escalate, "sign": sign, "start": start,
    "request_extension": request_extension, "approve_extension": approve_extension,
    "deny_extension": deny_extension, "return": return_, "resolve": resolve,
    "verify": verify, "rework": rework, "close": close, "follow_up": follow_up,
    "reopen": reopen, "archive": archive, "merge": merge, "divert": divert,
    "terminate": terminate,
}  # fmt: skip

__all__ = ["EFFECTS", "CaseEvent"]
