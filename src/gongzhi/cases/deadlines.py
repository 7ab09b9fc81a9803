"""Deadlines from the versioned policy, the escalation ladder and the deadline sweep.

Deadlines are stored on the case and change only when a service recomputes them on purpose
(entering a phase, escalation, rework, an approved extension) — never in save().
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction

from gongzhi.core import clock
from gongzhi.grids.models import Grid

from . import calendar
from .kpis.daily import contributions, kpi_track
from .models import Case, CaseEvent, OwningLevel, Phase, State, Supervision
from .notify import notify_users, supervisors_of
from .policies import NoPolicy, policy_for  # noqa: F401 - NoPolicy re-exported
from .workflow import ACCEPT_PHASE, HANDLE_PHASE, VERIFY_PHASE

log = logging.getLogger("gongzhi.cases")
_FIELDS: dict[str, tuple[str, str]] = {
    Phase.ACCEPT: ("accept_yellow_at", "accept_red_at"),
    Phase.HANDLE: ("handle_yellow_at", "handle_red_at"),
    Phase.VERIFY: ("verify_yellow_at", "verify_red_at"),
}


def phase_of(state: str) -> str | None:
    if state in ACCEPT_PHASE:
        return Phase.ACCEPT
    if state in HANDLE_PHASE:
        return Phase.HANDLE
    if state in VERIFY_PHASE:
        return Phase.VERIFY
    return None


def case_deadlines_compute(*, case: Case, phase: str, start: dt.datetime) -> Case:
    """Set the yellow/red deadlines of one phase from the policy; resets the alert stage.

    Mutates the instance; the calling service saves it inside its transaction.
    """
    policy = policy_for(
        category=case.category,
        urgency=case.urgency,
        level=case.owning_level,
        phase=phase,
        at=start,
    )
    yellow_field, red_field = _FIELDS[phase]
    setattr(case, yellow_field, calendar.add_limit(start, policy.yellow, policy.unit))
    setattr(case, red_field, calendar.add_limit(start, policy.red, policy.unit))
    case.policy_version = policy.version
    case.alert_stage = 0
    schedule_next_check(case)
    return case


def schedule_next_check(case: Case) -> None:
    """next_check_at = the next threshold of the current phase not yet acted on."""
    phase = phase_of(case.state)
    if phase is None:
        case.next_check_at = None
        return
    yellow_field, red_field = _FIELDS[phase]
    pending = [getattr(case, yellow_field), getattr(case, red_field)][case.alert_stage :]
    case.next_check_at = next((t for t in pending if t is not None), None)


def shift_phase_deadlines(case: Case, delta: dt.timedelta) -> None:
    phase = phase_of(case.state)
    for field in _FIELDS.get(phase, ()) if phase is not None else ():
        if getattr(case, field) is not None:
            setattr(case, field, getattr(case, field) + delta)
    case.alert_stage = 0
    schedule_next_check(case)


# --- the escalation ladder: grid 5 → 4 → … → 1 → community/township center → district center


def next_owner(case: Case) -> tuple[int, Grid] | None:
    """(level, grid) one rung up, or None at the top."""
    level, grid = case.owning_level, case.owning_grid
    if level >= OwningLevel.VILLAGE:
        return level - 1, Grid.objects.get_parent(grid)
    if level == OwningLevel.TOWNSHIP_GRID:
        return OwningLevel.COMMUNITY_CENTER, grid
    if level == OwningLevel.COMMUNITY_CENTER:
        return OwningLevel.DISTRICT_CENTER, Grid.objects.get(path=grid.district_path)
    return None


def initial_owner(grid: Grid) -> tuple[int, Grid]:
    if grid.level >= OwningLevel.TOWNSHIP_GRID:
        return grid.level, grid
    return OwningLevel.DISTRICT_CENTER, grid


def case_move_up(case: Case, *, now: dt.datetime) -> bool:
    """Hand the case to the next rung and restart its acceptance clock there."""
    up = next_owner(case)
    if up is None:
        return False
    case.owning_level, case.owning_grid = up
    case.state = State.ESCALATED
    case.assignee_staff = case.assignee_room = case.assignee_department = None
    case.escalation_count += 1
    case_deadlines_compute(case=case, phase=Phase.ACCEPT, start=now)
    return True


# --- the sweep


def cases_sweep_deadlines(now: dt.datetime | None = None, *, limit: int = 500) -> int:
    """Act on every case whose next threshold has passed; returns how many were acted on.

    Each case is handled in its own transaction on a locked, re-read row whose condition is
    re-checked, so several workers running the sweep at once never double-escalate.
    """
    now = now or clock.now()
    done = 0
    while True:
        ids = list(
            Case.objects.filter(next_check_at__lte=now)
            .order_by("next_check_at")
            .values_list("pk", flat=True)[:limit]
        )
        acted = sum(_sweep_one(pk, now) for pk in ids)
        done += acted
        if len(ids) < limit or not acted:
            return done


def case_sweep_one(case_id: int, now: dt.datetime | None = None) -> bool:
    return _sweep_one(case_id, now or clock.now())


@transaction.atomic
def _sweep_one(case_id: int, now: dt.datetime) -> bool:
    case = (
        Case.objects.select_for_update()
        .select_related("category", "owning_grid", "grid")
        .filter(pk=case_id, next_check_at__lte=now)
        .first()
    )
    phase = phase_of(case.state) if case else None
    if case is None or phase is None:
        if case is not None:
            Case.objects.filter(pk=case.pk).update(next_check_at=None)
        return False
    yellow_field, red_field = _FIELDS[phase]
    red_at = getattr(case, red_field)
    from_state = case.state
    before = contributions(case)
    if red_at is not None and red_at <= now:
        action = _red(case, phase, now)
    else:
        action = _yellow(case, phase)
    case.version += 1
    case.updated_at = now
    schedule_next_check(case)
    case.save()
    kpi_track(before, case, now)
    CaseEvent.objects.create(
        case=case,
        actor=None,
        action=action,
        from_state=from_state,
        to_state=case.state,
        at=now,
        data={"phase": phase, "owning_level": case.owning_level},
    )
    return True


def _yellow(case: Case, phase: str) -> str:
    case.alert_stage = 1
    if case.supervision == Supervision.NONE:
        case.supervision = Supervision.YELLOW
    notify_users(
        supervisors_of(case.owning_grid),
        case=case,
        kind="supervision_yellow",
        title=f"黄牌督办:{case.number}即将超过{Phase(phase).label}时限",
        body=case.title,
    )
    return "supervise_yellow"


def _red(case: Case, phase: str, now: dt.datetime) -> str:
    case.supervision = Supervision.RED
    case.overdue = True
    case.alert_stage = 2
    if phase != Phase.VERIFY and case_move_up(case, now=now):
        notify_users(
            supervisors_of(case.owning_grid),
            case=case,
            kind="escalated",
            title=f"红牌督办:{case.number}超时未{Phase(phase).label},已自动上报至"
            f"{OwningLevel(case.owning_level).label}",
            body=case.title,
        )
        return "auto_escalate"
    notify_users(
        supervisors_of(case.owning_grid),
        case=case,
        kind="supervision_red",
        title=f"红牌督办:{case.number}已超过{Phase(phase).label}时限",
        body=case.title,
    )
    return "supervise_red"
