"""Writes for proposals, the deliberation procedure and meetings. One transaction each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gongzhi.core import clock
from gongzhi.people.models import Household, Resident

from ..models import (
    CourtyardBody,
    Deliberation,
    DeliberationStatus,
    Meeting,
    MeetingAttendance,
    OrgKind,
    Proposal,
    ProposalStatus,
    ProposalSupport,
)
from ..workflow import next_status
from .common import clean_text, household_under, require_staff_in

if TYPE_CHECKING:
    from datetime import datetime

    from gongzhi.core.types import Actor
    from gongzhi.grids.models import Grid


def _lives_under(resident: Resident, grid: Grid) -> bool:
    return household_under(resident.household, grid)


@transaction.atomic
def proposal_create(
    *,
    grid: Grid,
    title: str,
    description: str,
    by: Actor | None = None,
    resident: Resident | None = None,
) -> Proposal:
    """A proposal by a resident of the grid, or by staff whose subtree holds the grid."""
    if (by is None) == (resident is None):
        raise ValidationError(_("提议人须是一位居民或一位工作人员"))
    if by is not None:
        require_staff_in(by, grid)
    elif resident is not None and not _lives_under(resident, grid):
        raise ValidationError({"grid": _("提议人不住在该网格内")})
    return Proposal.objects.create(
        grid=grid,
        title=clean_text(title, field="title", label=_("标题"), max_length=200),
        description=clean_text(description, field="description", label=_("内容"), max_length=4000),
        proposer_resident=resident,
        proposer_user=by,
    )


@transaction.atomic
def proposal_support(
    *, proposal: Proposal, resident: Resident, by: Actor | None = None
) -> ProposalSupport:
    """One support per resident of the grid; staff may record it on the resident's behalf."""
    if by is not None:
        require_staff_in(by, proposal.grid)
    if proposal.status != ProposalStatus.OPEN:
        raise ValidationError(_("该提议已不再征集附议"))
    if not _lives_under(resident, proposal.grid):
        raise ValidationError({"resident": _("只有该网格内的居民可以附议")})
    try:
        with transaction.atomic():
            return ProposalSupport.objects.create(
                proposal=proposal, resident=resident, recorded_by=by
            )
    except IntegrityError:
        raise ValidationError({"resident": _("该居民已经附议过这条提议")}) from None


@transaction.atomic
def deliberation_open(
    *,
    by: Actor,
    title: str,
    description: str = "",
    grid: Grid | None = None,
    proposal: Proposal | None = None,
    draft: bool = False,
) -> Deliberation:
    """Open a deliberation for the households under `grid` (by default the proposal's grid)."""
    if proposal is not None:
        proposal = Proposal.objects.select_for_update().select_related("grid").get(pk=proposal.pk)
        grid = grid or proposal.grid
    if grid is None:
        raise ValidationError({"grid": _("请选择议事范围(网格)")})
    require_staff_in(by, grid)
    if proposal is not None:
        if proposal.status != ProposalStatus.OPEN:
            raise ValidationError(_("该提议已进入议事或未被采纳,不能再次发起"))
        if not proposal.grid.path.startswith(grid.path):
            raise ValidationError({"grid": _("议事范围必须包含提议所在网格")})
        proposal.status = ProposalStatus.ADOPTED
        proposal.save(update_fields=["status"])
    return Deliberation.objects.create(
        grid=grid,
        title=clean_text(title, field="title", label=_("议题"), max_length=200),
        description=clean_text(
            description, field="description", label=_("说明"), max_length=4000, required=False
        ),
        proposal=proposal,
        status=DeliberationStatus.DRAFT if draft else DeliberationStatus.OPEN,
        opened_by=by,
    )


def locked_deliberation(deliberation: Deliberation) -> Deliberation:
    return Deliberation.objects.select_for_update().select_related("grid").get(pk=deliberation.pk)


def deliberation_move(
    deliberation: Deliberation, action: str, *, now: datetime | None = None
) -> Deliberation:
    """Apply one transition of the table to a locked row (callers hold the transaction)."""
    deliberation.status = next_status(deliberation.status, action)
    if deliberation.status == DeliberationStatus.CLOSED:
        deliberation.closed_at = now or clock.now()
    deliberation.save(update_fields=["status", "closed_at"])
    return deliberation


@transaction.atomic
def deliberation_publish(*, deliberation: Deliberation, by: Actor) -> Deliberation:
    locked = locked_deliberation(deliberation)
    require_staff_in(by, locked.grid)
    return deliberation_move(locked, "publish")


@transaction.atomic
def deliberation_close(*, deliberation: Deliberation, by: Actor) -> Deliberation:
    """End a deliberation that needs no vote. One with a vote ends when the vote is counted."""
    locked = locked_deliberation(deliberation)
    require_staff_in(by, locked.grid)
    return deliberation_move(locked, "close")


@transaction.atomic
def meeting_schedule(
    *,
    by: Actor,
    title: str,
    agenda: str,
    place: str,
    scheduled_at: dt.datetime,
    deliberation: Deliberation | None = None,
    body: CourtyardBody | None = None,
) -> Meeting:
    if (deliberation is None) == (body is None):
        raise ValidationError(_("会议须属于一项议事或一个楼院自治组织"))
    grid = deliberation.grid if deliberation is not None else body.grid  # type: ignore[union-attr]  # one of the two (checked above)
    require_staff_in(by, grid)
    if (
        deliberation is not None
        and locked_deliberation(deliberation).status == DeliberationStatus.CLOSED
    ):
        raise ValidationError(_("议事已结束,不能再安排会议"))
    if not isinstance(scheduled_at, dt.datetime):
        raise ValidationError({"scheduled_at": _("请填写会议时间")})
    return Meeting.objects.create(
        deliberation=deliberation,
        body=body,
        grid=grid,
        title=clean_text(title, field="title", label=_("会议名称"), max_length=200),
        agenda=clean_text(agenda, field="agenda", label=_("议程"), max_length=4000),
        place=clean_text(place, field="place", label=_("地点"), max_length=200),
        scheduled_at=scheduled_at,
        created_by=by,
    )


@transaction.atomic
def meeting_record_minutes(
    *,
    meeting: Meeting,
    by: Actor,
    minutes: str,
    households: Iterable[Household] = (),
    org_kinds: Iterable[str] = (),
    representatives: dict[int, str] | None = None,
) -> Meeting:
    """Record that the meeting was held: minutes and attendees. Recorded once."""
    locked = Meeting.objects.select_for_update().select_related("grid").get(pk=meeting.pk)
    require_staff_in(by, locked.grid)
    if locked.held:
        raise ValidationError(_("会议纪要已记录,不能修改"))
    text = clean_text(minutes, field="minutes", label=_("会议纪要"), max_length=20000)
    households = list(dict.fromkeys(households))
    org_kinds = list(dict.fromkeys(org_kinds))
    representatives = representatives or {}
    if not households and not org_kinds:
        raise ValidationError({"households": _("请至少登记一位参会者(户或组织)")})
    for h in households:
        if not household_under(h, locked.grid):
            raise ValidationError(
                {"households": _("户 %(house)s 不在议事范围内") % {"house": h.house_number}}
            )
    bad = [k for k in org_kinds if k not in OrgKind.values]
    if bad:
        raise ValidationError({"org_kinds": _("未知的组织类型")})
    MeetingAttendance.objects.bulk_create(
        [
            MeetingAttendance(
                meeting=locked,
                household=h,
                representative=clean_text(
                    representatives.get(h.pk, ""),
                    field="representatives",
                    label=_("代表姓名"),
                    max_length=50,
                    required=False,
                ),
            )
            for h in households
        ]
        + [MeetingAttendance(meeting=locked, org_kind=k) for k in org_kinds]
    )
    locked.minutes = text
    locked.minutes_recorded_at = clock.now()
    locked.minutes_by = by
    locked.save(update_fields=["minutes", "minutes_recorded_at", "minutes_by"])
    meeting.__dict__.update({k: v for k, v in locked.__dict__.items() if k != "_state"})
    return locked
