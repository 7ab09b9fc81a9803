"""The care room (关爱工作室): visit plans for care targets, visits, help and overdue alerts.

Care targets are residents carrying a care tag (people.ResidentTag, kind=care).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core import clock
from gongzhi.core.access import RestrictedQuerySet
from gongzhi.people.models import CARE_TAGS, Tag

CARE_TAG_CHOICES = [(t.value, t.label) for t in Tag if t in CARE_TAGS]
DEFAULT_INTERVAL_DAYS = 30


class VisitFrequency(models.Model):
    """How often each care category is visited (configurable; seeded by a migration)."""

    tag = models.CharField(_("关爱类别"), max_length=30, choices=CARE_TAG_CHOICES, unique=True)
    interval_days = models.PositiveSmallIntegerField(_("走访周期(天)"))

    class Meta:
        verbose_name = _("走访频次")
        verbose_name_plural = _("走访频次")

    def __str__(self) -> str:
        return _("%(tag)s 每%(n)d天") % {"tag": self.get_tag_display(), "n": self.interval_days}


class VisitPlan(models.Model):
    scope_paths = ("resident__grid__path",)

    resident = models.OneToOneField(
        "people.Resident",
        on_delete=models.CASCADE,
        related_name="care_plan",
        verbose_name=_("关爱对象"),
    )
    worker = models.ForeignKey(
        "org.Staff",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="care_plans",
        verbose_name=_("责任人"),
    )
    interval_days = models.PositiveSmallIntegerField(_("走访周期(天)"))
    next_due_on = models.DateField(_("下次走访期限"), db_index=True)
    active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(default=clock.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("走访计划")
        verbose_name_plural = _("走访计划")

    def __str__(self) -> str:
        return _("%(resident)s 每%(n)d天") % {"resident": self.resident, "n": self.interval_days}


class Visit(models.Model):
    class Source(models.TextChoices):
        ROOM = "room", _("关爱工作室")
        GRID_WORKER = "grid_worker", _("网格员工作台")

    scope_paths = ("resident__grid__path",)

    resident = models.ForeignKey("people.Resident", on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(
        VisitPlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="visits"
    )
    visited_at = models.DateTimeField(_("走访时间"), db_index=True)
    source = models.CharField(_("来源"), max_length=12, choices=Source.choices)
    note = models.TextField(_("走访情况"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-visited_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.resident} {self.visited_at:%Y-%m-%d}"


class HelpDelivery(models.Model):
    class Kind(models.TextChoices):
        GOODS = "goods", _("物资")
        SERVICE = "service", _("服务")

    scope_paths = ("resident__grid__path",)

    resident = models.ForeignKey("people.Resident", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    description = models.CharField(_("内容"), max_length=200)
    value = models.DecimalField(
        _("折合金额(元)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    delivered_on = models.DateField(_("日期"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("帮扶记录")
        verbose_name_plural = _("帮扶记录")
        ordering = ["-delivered_on", "-pk"]

    def __str__(self) -> str:
        return self.description


class CareAlert(models.Model):
    """A visit that was not made by its due date. One per plan and due date."""

    scope_paths = ("plan__resident__grid__path",)

    plan = models.ForeignKey(VisitPlan, on_delete=models.CASCADE, related_name="alerts")
    due_on = models.DateField(_("应走访日期"))
    raised_at = models.DateTimeField(_("预警时间"))
    resolved_at = models.DateTimeField(_("解除时间"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("走访逾期预警")
        verbose_name_plural = _("走访逾期预警")
        constraints = [models.UniqueConstraint(fields=["plan", "due_on"], name="care_alert_once")]

    def __str__(self) -> str:
        return _("%(plan)s 逾期(%(due)s)") % {"plan": self.plan, "due": self.due_on}
