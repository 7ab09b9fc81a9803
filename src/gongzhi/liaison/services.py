"""Writes for the police liaison room. One transaction each; Chinese errors; nothing is
written on error. A referral changes its case's state only through cases.services.case_act."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.cases.attachments import attachment_check
from gongzhi.cases.models import Case, CaseEvent, State
from gongzhi.cases.services import case_act
from gongzhi.cases.workflow import OPEN_STATES, allowed_actions
from gongzhi.core import clock
from gongzhi.core.access import require
from gongzhi.core.roles import HAZARD, POLICE_DUTY, POLICE_RECORD, POLICE_REFER, has
from gongzhi.core.text import clean_text
from gongzhi.grids.models import Grid
from gongzhi.org.models import Center, DepartmentKind, Staff

from .models import (
    DutyShift,
    HazardPhoto,
    HazardUpdate,
    JointPatrol,
    PoliceDutyRoster,
    PoliceReferral,
    SecurityHazard,
)

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


MAX_PHOTOS = 9
R = PoliceReferral.Status
H = SecurityHazard.Status


def center_of(grid: Grid) -> Center | None:
    """The nearest center at or above a grid."""
    paths = [grid.path[:i] for i in range(Grid.steplen, len(grid.path) + 1, Grid.steplen)]
    return Center.objects.filter(grid__path__in=paths).order_by("-grid__depth").first()


def _note(case: Case, by: Actor, action: str, comment: str, **data: Any) -> None:
    # A timeline line with no state change, like the consultation events.
    CaseEvent.objects.create(case=case, actor=by, action=action, comment=comment, data=data)


# --- referrals to the police (转公安) ---------------------------------------------------------


@transaction.atomic
def police_referral_send(*, by: Actor, case: Case, police_unit: str, reason: str) -> PoliceReferral:
    require(by, POLICE_REFER, case.grid, _("您无权将该事件移送公安"))
    police_unit = clean_text(police_unit, field="police_unit", label=_("接收单位"), max_length=100)
    reason = clean_text(reason, field="reason", label=_("移送理由"), max_length=2000)
    case = Case.objects.select_related("grid").get(pk=case.pk)
    if case.state not in OPEN_STATES:
        raise ValidationError(
            {"case": _("事件已%(state)s,不能移送公安") % {"state": case.get_state_display()}}
        )
    if PoliceReferral.objects.filter(case=case).exclude(status=R.CLOSED).exists():
        raise ValidationError({"case": _("该事件已有未办结的移送公安记录")})
    center = center_of(case.grid)
    if center is None:
        raise ValidationError({"case": _("该事件所在网格没有综治中心")})
    referral = PoliceReferral.objects.create(
        case=case,
        center=center,
        police_unit=police_unit,
        reason=reason,
        sent_by=by,
        sent_at=clock.now(),
    )
    police = center.departments.filter(kind=DepartmentKind.POLICE).first()
    dispatchable = case.state in (State.ACCEPTED, State.RETURNED, State.ESCALATED)
    # Hand the case itself to the stationed police through the workflow, when allowed.
    if police is not None and dispatchable and "dispatch" in allowed_actions(case, by):
        case_act(
            case=case,
            by=by,
            action="dispatch",
            expected_version=case.version,
            comment=f"转公安:{reason}",
            to_department=police,
        )
    _note(case, by, "police_referral", f"移送{police_unit}:{reason}", referral=referral.pk)
    return referral


def _step(
    referral: PoliceReferral, *, by: Actor, capability: str, source: str, message: str
) -> PoliceReferral:
    locked = (
        PoliceReferral.objects.select_for_update().select_related("case__grid").get(pk=referral.pk)
    )
    require(by, capability, locked.case.grid, message)
    if locked.status != source:
        raise ValidationError(
            {
                "status": _("移送记录当前为「%(status)s」,不能执行此操作")
                % {"status": locked.get_status_display()}
            }
        )
    return locked


@transaction.atomic
def police_referral_receive(
    *, by: Actor, referral: PoliceReferral, receipt_number: str
) -> PoliceReferral:
    receipt = clean_text(receipt_number, field="receipt_number", label=_("回执编号"), max_length=50)
    r = _step(
        referral, by=by, capability=POLICE_RECORD, source=R.SENT, message=_("您无权登记公安回执")
    )
    r.status, r.receipt_number, r.received_at = R.RECEIVED, receipt, clock.now()
    r.save(update_fields=["status", "receipt_number", "received_at"])
    _note(r.case, by, "police_receipt", f"公安已接收,回执编号 {receipt}", referral=r.pk)
    return r


@transaction.atomic
def police_referral_feedback(
    *, by: Actor, referral: PoliceReferral, feedback: str
) -> PoliceReferral:
    feedback = clean_text(feedback, field="feedback", label=_("反馈内容"), max_length=4000)
    r = _step(
        referral,
        by=by,
        capability=POLICE_RECORD,
        source=R.RECEIVED,
        message=_("您无权登记公安反馈"),
    )
    r.status, r.feedback, r.feedback_at = R.FEEDBACK, feedback, clock.now()
    r.save(update_fields=["status", "feedback", "feedback_at"])
    _note(r.case, by, "police_feedback", feedback, referral=r.pk)
    return r


@transaction.atomic
def police_referral_close(*, by: Actor, referral: PoliceReferral, note: str = "") -> PoliceReferral:
    note = clean_text(
        note, field="close_note", label=_("办结说明"), max_length=2000, required=False
    )
    r = _step(
        referral,
        by=by,
        capability=POLICE_REFER,
        source=R.FEEDBACK,
        message=_("您无权办结该移送记录"),
    )
    r.status, r.close_note, r.closed_at = R.CLOSED, note, clock.now()
    r.save(update_fields=["status", "close_note", "closed_at"])
    return r


# --- security hazards (治安隐患) -------------------------------------------------------------


def _check_photos(photos: Iterable) -> list:
    photos = [p for p in photos if p]
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": _("最多上传%(n)d张照片") % {"n": MAX_PHOTOS}})
    checked = []
    for p in photos:
        c = attachment_check(p)  # the type comes from the bytes, never the name
        if not c.content_type.startswith("image/"):
            raise ValidationError(
                {
                    "photos": _("文件「%(name)s」不是图片,隐患照片只能是 JPEG/PNG/GIF/WebP")
                    % {"name": c.name}
                }
            )
        checked.append(c)
    return checked


@transaction.atomic
def hazard_report(
    *, by: Actor, grid: Grid, location: str, description: str, photos: Iterable = ()
) -> SecurityHazard:
    if grid is None:
        raise ValidationError({"grid": _("请选择隐患所在网格")})
    require(by, HAZARD, grid, _("您无权在该网格登记治安隐患"))
    location = clean_text(location, field="location", label=_("具体位置"), max_length=200)
    description = clean_text(description, field="description", label=_("隐患描述"), max_length=4000)
    checked = _check_photos(photos)  # all checked before anything is written
    now = clock.now()
    hazard = SecurityHazard.objects.create(
        grid=grid, location=location, description=description, reported_by=by, reported_at=now
    )
    HazardUpdate.objects.create(hazard=hazard, to_status=H.OPEN, note="发现隐患", by=by, at=now)
    for c in checked:
        photo = HazardPhoto(
            hazard=hazard, original_name=c.name, content_type=c.content_type, size=len(c.data)
        )
        photo.file.save(
            f"hazard-{hazard.pk}-{os.urandom(4).hex()}{c.ext}", ContentFile(c.data), save=False
        )
        photo.save()
    return hazard


HAZARD_MOVES: dict[str, set[str]] = {
    H.OPEN: {H.OPEN, H.RECTIFYING, H.CLOSED},
    H.RECTIFYING: {H.RECTIFYING, H.CLOSED},
}


@transaction.atomic
def hazard_update(
    *, by: Actor, hazard: SecurityHazard, to_status: str, note: str
) -> SecurityHazard:
    """Move a hazard on (待整改 → 整改中 → 已销号) or add a progress note (same status)."""
    locked = SecurityHazard.objects.select_for_update().select_related("grid").get(pk=hazard.pk)
    require(by, HAZARD, locked.grid, _("您无权处理该网格的治安隐患"))
    note = clean_text(note, field="note", label=_("整改情况说明"), max_length=2000)
    if to_status not in HAZARD_MOVES.get(locked.status, set()):
        raise ValidationError(
            {
                "to_status": _("隐患当前为「%(status)s」,不能改为该状态")
                % {"status": locked.get_status_display()}
            }
        )
    now = clock.now()
    HazardUpdate.objects.create(
        hazard=locked, from_status=locked.status, to_status=to_status, note=note, by=by, at=now
    )
    locked.status = to_status
    locked.closed_at = now if to_status == H.CLOSED else None
    locked.save(update_fields=["status", "closed_at"])
    return locked


# --- duty roster and joint patrols ----------------------------------------------------------


@transaction.atomic
def duty_set(
    *, by: Actor, center: Center, date: dt.date, officer: Staff, shift: str, phone: str = ""
) -> PoliceDutyRoster:
    require(by, POLICE_RECORD, center.grid, _("您无权编排该中心的民警值班"))
    if date is None:
        raise ValidationError({"date": _("请选择值班日期")})
    if officer is None or not has(officer.role, POLICE_DUTY) or not officer.active:
        raise ValidationError({"officer": _("请选择在岗的民警")})
    if shift not in DutyShift.values:
        raise ValidationError({"shift": _("班次无效")})
    phone = clean_text(phone, field="phone", label=_("值班电话"), max_length=20, required=False)
    if PoliceDutyRoster.objects.filter(center=center, date=date, officer=officer).exists():
        raise ValidationError({"officer": _("该民警当天已在值班表中")})
    return PoliceDutyRoster.objects.create(
        center=center, date=date, officer=officer, shift=shift, phone=phone
    )


@transaction.atomic
def patrol_record(
    *,
    by: Actor,
    center: Center,
    date: dt.date,
    route: str,
    staff: Iterable[Staff] = (),
    other_participants: str = "",
    findings: str = "",
) -> JointPatrol:
    require(by, HAZARD, center.grid, _("您无权登记该中心的联合巡逻"))
    if date is None:
        raise ValidationError({"date": _("请选择巡逻日期")})
    if date > clock.today():
        raise ValidationError({"date": _("巡逻日期不能晚于今天")})
    route = clean_text(route, field="route", label=_("巡逻路线"), max_length=300)
    others = clean_text(
        other_participants,
        field="other_participants",
        label=_("其他参加人员"),
        max_length=300,
        required=False,
    )
    staff = list(staff)
    if not staff and not others:
        raise ValidationError({"staff": _("请选择或填写参加人员")})
    findings = clean_text(
        findings, field="findings", label=_("巡逻发现"), max_length=4000, required=False
    )
    patrol = JointPatrol.objects.create(
        center=center,
        date=date,
        route=route,
        other_participants=others,
        findings=findings,
        by=by,
    )
    patrol.staff.set(staff)
    return patrol
