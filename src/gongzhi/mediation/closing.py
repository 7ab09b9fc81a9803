"""After the agreement: the parties' signatures, performance, follow-up visits and 司法确认
with the court's ruling. One transaction each; Chinese errors; nothing written on error.
services.py re-exports these, so pages and tests call svc.<name>."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.core import clock
from gongzhi.core.access import require
from gongzhi.core.roles import MEDIATE
from gongzhi.core.text import clean_text

from .access import require_record_ruling
from .models import Agreement, Dispute, FollowUpVisit, JudicialConfirmation, Party, Performance
from .workflow import dispute_locked_for

# 人民调解法: the parties may jointly apply for judicial confirmation within 30 days of the
# agreement taking effect (REFERENCE §7; article number not cited until verified).
JUDICIAL_CONFIRMATION_DAYS = 30


def _written(agreement: Agreement, by) -> Agreement:
    require(by, MEDIATE, agreement.dispute.center.grid)
    return agreement


def _not_future(day: dt.date, field: str, label: str) -> None:
    if day > clock.today():
        raise ValidationError({field: _("%(label)s不能晚于今天") % {"label": label}})


@transaction.atomic
def agreement_sign(*, by, party: Party, signed_on: dt.date | None = None) -> Party:
    """Record the date a party signed (or fingerprinted) the written agreement."""
    dispute = party.dispute
    require(by, MEDIATE, dispute.center.grid)
    agreement = Agreement.objects.filter(dispute=dispute).first()
    if agreement is None:
        raise ValidationError(_("尚未达成书面调解协议"))
    signed_on = signed_on or clock.today()
    _not_future(signed_on, "signed_on", _("签字日期"))
    if signed_on < agreement.created_at.date() - dt.timedelta(days=1):
        raise ValidationError({"signed_on": _("签字日期不能早于调解协议书制作日期")})
    Party.objects.filter(pk=party.pk).update(signed_on=signed_on)
    party.signed_on = signed_on
    return party


@transaction.atomic
def performance_record(
    *, by, agreement: Agreement, status: str, note: str = "", on: dt.date | None = None
) -> Performance:
    _written(agreement, by)
    if status not in Performance.Status.values:
        raise ValidationError({"status": _("请选择履行情况")})
    note = clean_text(note, field="note", label=_("说明"), max_length=500, required=False)
    return Performance.objects.create(
        agreement=agreement, status=status, note=note, on=on or clock.today(), recorded_by=by
    )


@transaction.atomic
def follow_up_record(*, by, dispute: Dispute, note: str, on: dt.date | None = None):
    require(by, MEDIATE, dispute.center.grid)
    dispute = dispute_locked_for(dispute, "follow_up")  # the caller's copy may predate the outcome
    note = clean_text(note, field="note", label=_("回访情况"), max_length=4000)
    return FollowUpVisit.objects.create(dispute=dispute, note=note, on=on or clock.today(), by=by)


@transaction.atomic
def judicial_confirmation_apply(
    *, by, agreement: Agreement, court: str, applied_on: dt.date | None = None
) -> JudicialConfirmation:
    _written(agreement, by)
    applied_on = applied_on or clock.today()
    court = clean_text(court, field="court", label=_("受理法院"), max_length=100)
    last = agreement.effective_on + dt.timedelta(days=JUDICIAL_CONFIRMATION_DAYS)
    if not agreement.effective_on <= applied_on <= last:
        raise ValidationError(
            {
                "applied_on": _(
                    "司法确认应在调解协议生效之日(%(effective)s)起%(days)d日内申请,最迟%(last)s"
                )
                % {
                    "effective": f"{agreement.effective_on:%Y-%m-%d}",
                    "days": JUDICIAL_CONFIRMATION_DAYS,
                    "last": f"{last:%Y-%m-%d}",
                }
            }
        )
    if JudicialConfirmation.objects.filter(agreement=agreement).exists():
        raise ValidationError(_("该协议已申请司法确认"))
    return JudicialConfirmation.objects.create(
        agreement=agreement, court=court, applied_on=applied_on, by=by
    )


@transaction.atomic
def judicial_confirmation_decide(
    *,
    by,
    confirmation: JudicialConfirmation,
    result: str,
    decided_on: dt.date | None = None,
    note: str = "",
) -> JudicialConfirmation:
    """The court's ruling: confirmed valid, or rejected. Recorded once, by the mediation room
    or by the court's own officer stationed in the center."""
    require_record_ruling(by, confirmation.agreement.dispute.center)
    locked = JudicialConfirmation.objects.select_for_update().get(pk=confirmation.pk)
    if locked.result != JudicialConfirmation.Result.PENDING:
        raise ValidationError(
            _("法院已裁定(%(result)s),不能重复登记") % {"result": locked.get_result_display()}
        )
    if result not in (JudicialConfirmation.Result.CONFIRMED, JudicialConfirmation.Result.REJECTED):
        raise ValidationError({"result": _("请选择法院裁定结果")})
    decided_on = decided_on or clock.today()
    if decided_on < locked.applied_on:
        raise ValidationError({"decided_on": _("裁定日期不能早于申请日期")})
    _not_future(decided_on, "decided_on", _("裁定日期"))
    note = clean_text(note, field="note", label=_("说明"), max_length=1000, required=False)
    locked.result, locked.decided_on, locked.note = result, decided_on, note
    locked.save(update_fields=["result", "decided_on", "note"])
    return locked
