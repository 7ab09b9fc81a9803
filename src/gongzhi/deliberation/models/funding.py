"""集资 (cost sharing): per-household ledger, payments, expenditures, and the work it paid for."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core import clock
from gongzhi.core.access import RestrictedQuerySet

from .procedure import Deliberation
from .voting import new_token

MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2}


class CostShare(models.Model):
    scope_paths = ("deliberation__grid__path",)

    deliberation = models.OneToOneField(
        Deliberation, on_delete=models.PROTECT, related_name="cost_share"
    )
    purpose = models.CharField(_("集资用途"), max_length=200)
    amount_per_household = models.DecimalField(_("每户金额(元)"), **MONEY)
    public_token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("集资")
        verbose_name_plural = _("集资")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_per_household__gt=0), name="cost_share_amount_positive"
            )
        ]

    def __str__(self) -> str:
        return self.purpose


class LedgerEntry(models.Model):
    """What one household owes; paid = the sum of its payments."""

    scope_paths = ("household__unit__path",)

    cost_share = models.ForeignKey(CostShare, on_delete=models.PROTECT, related_name="entries")
    household = models.ForeignKey("people.Household", on_delete=models.PROTECT, related_name="+")
    due = models.DecimalField(_("应缴(元)"), **MONEY)
    exempt = models.BooleanField(_("免缴"), default=False)
    exempt_reason = models.CharField(_("免缴原因"), max_length=200, blank=True)
    exempted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("集资台账")
        verbose_name_plural = _("集资台账")
        ordering = ["household__unit__path", "household__house_number"]
        constraints = [
            models.UniqueConstraint(fields=["cost_share", "household"], name="ledger_once"),
            models.CheckConstraint(condition=models.Q(due__gte=0), name="ledger_due_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.cost_share_id}/{self.household_id}"


class Payment(models.Model):
    scope_paths = ("entry__household__unit__path",)

    class Method(models.TextChoices):
        CASH = "cash", _("现金")
        TRANSFER = "transfer", _("转账")
        OTHER = "other", _("其他")

    entry = models.ForeignKey(LedgerEntry, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("金额(元)"), **MONEY)
    method = models.CharField(_("方式"), max_length=10, choices=Method.choices, default="cash")
    paid_at = models.DateTimeField(_("缴款时间"), default=clock.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("缴款")
        verbose_name_plural = _("缴款")
        ordering = ["paid_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_positive")
        ]

    def __str__(self) -> str:
        return _("%(amount)s 元") % {"amount": self.amount}


class Expenditure(models.Model):
    scope_paths = ("cost_share__deliberation__grid__path",)

    cost_share = models.ForeignKey(CostShare, on_delete=models.PROTECT, related_name="expenditures")
    amount = models.DecimalField(_("金额(元)"), **MONEY)
    description = models.CharField(_("支出事项"), max_length=200)
    spent_on = models.DateField(_("支出日期"))
    receipt = models.FileField(_("票据"), upload_to="deliberation/receipts/%Y/%m/")
    receipt_type = models.CharField(max_length=50)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=clock.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("支出")
        verbose_name_plural = _("支出")
        ordering = ["spent_on", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="expenditure_positive")
        ]

    def __str__(self) -> str:
        return self.description


class WorkTask(models.Model):
    """The work a deliberation decided on (e.g. installing street lights)."""

    class Status(models.TextChoices):
        OPEN = "open", _("实施中")
        COMPLETED = "completed", _("已完成")

    scope_paths = ("deliberation__grid__path",)

    deliberation = models.ForeignKey(Deliberation, on_delete=models.PROTECT, related_name="tasks")
    title = models.CharField(_("任务"), max_length=200)
    description = models.TextField(_("说明"), max_length=4000, blank=True)
    # The work may also be tracked as a case (事件); optional.
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("关联事件"),
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default="open")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completion_note = models.TextField(_("完成情况"), max_length=4000, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("实施任务")
        verbose_name_plural = _("实施任务")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.title


class WorkPhoto(models.Model):
    scope_paths = ("task__deliberation__grid__path",)

    task = models.ForeignKey(WorkTask, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="deliberation/photos/%Y/%m/")
    content_type = models.CharField(max_length=50)
    original_name = models.CharField(max_length=200)
    uploaded_at = models.DateTimeField(default=clock.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("完工照片")
        verbose_name_plural = _("完工照片")

    def __str__(self) -> str:
        return self.original_name
