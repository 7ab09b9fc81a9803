"""Writes for cost sharing (集资): the ledger, payments, exemptions, expenditures and the work."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from gongzhi.core import clock

from ..models import (
    CostShare,
    Deliberation,
    Expenditure,
    LedgerEntry,
    Payment,
    WorkPhoto,
    WorkTask,
)
from .common import (
    check_upload,
    clean_amount,
    clean_text,
    households_under,
    require_staff_in,
)
from .procedure import locked_deliberation

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile
    from django.db.models.fields.files import FieldFile

    from gongzhi.cases.attachments import CheckedFile
    from gongzhi.cases.models import Case
    from gongzhi.core.types import Actor


MAX_PHOTOS = 9


@transaction.atomic
def cost_share_create(
    *, deliberation: Deliberation, by: Actor, purpose: str, amount_per_household: Any
) -> CostShare:
    """Open a 集资 after the households voted for it; every household under the grid owes it."""
    locked = locked_deliberation(deliberation)
    require_staff_in(by, locked.grid)
    amount = clean_amount(amount_per_household, field="amount_per_household", label=_("每户金额"))
    purpose = clean_text(purpose, field="purpose", label=_("集资用途"), max_length=200)
    vote = getattr(locked, "vote", None)
    if vote is None or not vote.passed:
        raise ValidationError(_("集资须经本次议事的户表决通过后才能发起"))
    if CostShare.objects.filter(deliberation=locked).exists():
        raise ValidationError(_("本次议事已发起过集资"))
    households = list(households_under(locked.grid).only("pk"))
    if not households:
        raise ValidationError(_("议事范围内没有登记的户"))
    share = CostShare.objects.create(
        deliberation=locked, purpose=purpose, amount_per_household=amount, created_by=by
    )
    LedgerEntry.objects.bulk_create(
        LedgerEntry(cost_share=share, household=h, due=amount) for h in households
    )
    return share


def _paid(entry: LedgerEntry) -> Decimal:
    return entry.payments.aggregate(s=Sum("amount"))["s"] or Decimal("0")


def _locked_entry(entry: LedgerEntry) -> LedgerEntry:
    return (
        LedgerEntry.objects.select_for_update().select_related("household__unit").get(pk=entry.pk)
    )


@transaction.atomic
def payment_record(
    *, entry: LedgerEntry, by: Actor, amount: Any, method: str = Payment.Method.CASH, note: str = ""
) -> Payment:
    """Record one payment (a household may pay in several); never more than is still due."""
    locked = _locked_entry(entry)
    require_staff_in(by, locked.household.unit, _("您无权为该户登记缴款"))
    amount = clean_amount(amount, label=_("缴款金额"))
    if method not in Payment.Method.values:
        raise ValidationError({"method": _("请选择缴款方式")})
    if locked.exempt:
        raise ValidationError(_("该户已免缴,不能登记缴款"))
    outstanding = locked.due - _paid(locked)
    if outstanding <= 0:
        raise ValidationError({"amount": _("该户已缴清,无需再缴")})
    if amount > outstanding:
        raise ValidationError(
            {
                "amount": _("缴款金额 %(amount)s 元超过该户尚欠的 %(outstanding)s 元")
                % {"amount": amount, "outstanding": outstanding}
            }
        )
    return Payment.objects.create(
        entry=locked,
        amount=amount,
        method=method,
        recorded_by=by,
        note=clean_text(note, field="note", label=_("备注"), max_length=200, required=False),
    )


@transaction.atomic
def ledger_exempt(*, entry: LedgerEntry, by: Actor, reason: str) -> LedgerEntry:
    locked = _locked_entry(entry)
    require_staff_in(by, locked.household.unit, _("您无权为该户办理免缴"))
    reason = clean_text(reason, field="reason", label=_("免缴原因"), max_length=200)
    if locked.exempt:
        raise ValidationError(_("该户已免缴"))
    if locked.payments.exists():
        raise ValidationError(_("该户已有缴款记录,不能改为免缴"))
    locked.exempt, locked.exempt_reason, locked.exempted_by = True, reason, by
    locked.save(update_fields=["exempt", "exempt_reason", "exempted_by"])
    return locked


def _store(field_file: FieldFile, checked: CheckedFile, prefix: str) -> None:
    field_file.save(
        f"{prefix}-{os.urandom(4).hex()}{checked.ext}", ContentFile(checked.data), save=False
    )


@transaction.atomic
def expenditure_record(
    *,
    cost_share: CostShare,
    by: Actor,
    amount: Any,
    description: str,
    spent_on: dt.date,
    receipt: UploadedFile,
) -> Expenditure:
    """A spending with its receipt (票据: a photo or a PDF, checked by content)."""
    share = (
        CostShare.objects.select_for_update()
        .select_related("deliberation__grid")
        .get(pk=cost_share.pk)
    )
    require_staff_in(by, share.deliberation.grid)
    amount = clean_amount(amount, label=_("支出金额"))
    description = clean_text(description, field="description", label=_("支出事项"), max_length=200)
    if not isinstance(spent_on, dt.date):
        raise ValidationError({"spent_on": _("请填写支出日期")})
    if spent_on > clock.today():
        raise ValidationError({"spent_on": _("支出日期不能晚于今天")})
    if receipt is None:
        raise ValidationError({"receipt": _("请上传票据")})
    checked = check_upload(receipt, field="receipt", images_only=False)
    exp = Expenditure(
        cost_share=share,
        amount=amount,
        description=description,
        spent_on=spent_on,
        receipt_type=checked.content_type,
        recorded_by=by,
    )
    _store(exp.receipt, checked, f"receipt-{share.pk}")
    exp.save()
    return exp


@transaction.atomic
def work_task_create(
    *,
    deliberation: Deliberation,
    by: Actor,
    title: str,
    description: str = "",
    case: Case | None = None,
) -> WorkTask:
    locked = locked_deliberation(deliberation)
    require_staff_in(by, locked.grid)
    if case is not None:
        from gongzhi.cases.models import Case

        if not Case.objects.restrict(by).filter(pk=case.pk).exists():
            raise ValidationError({"case": _("关联的事件不存在或不在您的管辖范围内")})
    return WorkTask.objects.create(
        deliberation=locked,
        title=clean_text(title, field="title", label=_("任务"), max_length=200),
        description=clean_text(
            description, field="description", label=_("说明"), max_length=4000, required=False
        ),
        case=case,
        created_by=by,
    )


@transaction.atomic
def work_task_complete(*, task: WorkTask, by: Actor, photos: Sequence, note: str = "") -> WorkTask:
    """Mark the work done with completion photos; every photo must really be an image."""
    locked = (
        WorkTask.objects.select_for_update().select_related("deliberation__grid").get(pk=task.pk)
    )
    require_staff_in(by, locked.deliberation.grid)
    if locked.status == WorkTask.Status.COMPLETED:
        raise ValidationError(_("该任务已完成"))
    photos = [p for p in photos if p]
    if not photos:
        raise ValidationError({"photos": _("请上传至少一张完工照片")})
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": _("最多上传 %(n)d 张照片") % {"n": MAX_PHOTOS}})
    checked = [check_upload(p, field="photos", images_only=True) for p in photos]  # all, first
    for item in checked:
        photo = WorkPhoto(task=locked, content_type=item.content_type, original_name=item.name)
        _store(photo.file, item, f"task-{locked.pk}")
        photo.save()
    locked.status, locked.completed_at, locked.completed_by = (
        WorkTask.Status.COMPLETED,
        clock.now(),
        by,
    )
    locked.completion_note = clean_text(
        note, field="note", label=_("完成情况"), max_length=4000, required=False
    )
    locked.save()
    task.__dict__.update({k: v for k, v in locked.__dict__.items() if k != "_state"})
    return locked
