"""Configuration tables: the category catalogue, time-limit policies and the holiday calendar."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.core import clock

# Datatypes follow Open311 GeoReport v2 service attributes, so categories map 1:1.
EXTRA_DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")


class Category(models.Model):
    """Two-level catalogue (REFERENCE §6). `code` doubles as the Open311 service_code."""

    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("上级类别"),
    )
    code = models.CharField(_("编码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    keywords = models.CharField(_("关键词"), max_length=200, blank=True)
    # [{"code", "label", "datatype", "required", "values": [{"key", "name"}], "order", ...}]
    extra_fields = models.JSONField(_("附加问题"), default=list, blank=True)
    order = models.PositiveIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("事件类别")
        verbose_name_plural = _("事件类别")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.parent.name}/{self.name}" if self.parent is not None else self.name

    def clean(self) -> None:
        if self.parent is not None and self.parent.parent_id:
            raise ValidationError({"parent": gettext("类别最多两级")})
        validate_extra_fields(self.extra_fields)


def validate_extra_fields(fields: object) -> None:
    if not isinstance(fields, list):
        raise ValidationError({"extra_fields": gettext("附加问题应为列表")})
    codes = set()
    for f in fields:
        if not isinstance(f, dict) or not f.get("code") or not f.get("label"):
            raise ValidationError({"extra_fields": gettext("每个附加问题需要 code 和 label")})
        if f.get("datatype", "string") not in EXTRA_DATATYPES:
            raise ValidationError(
                {
                    "extra_fields": gettext("附加问题「%(label)s」的类型不正确")
                    % {"label": f["label"]}
                }
            )
        if f["code"] in codes:
            raise ValidationError(
                {"extra_fields": gettext("附加问题编码重复:%(code)s") % {"code": f["code"]}}
            )
        codes.add(f["code"])


class Urgency(models.TextChoices):
    URGENT = "urgent", _("紧急")
    NORMAL = "normal", _("一般")
    COMPLEX = "complex", _("疑难复杂")


class Phase(models.TextChoices):
    ACCEPT = "accept", _("受理")
    HANDLE = "handle", _("办理")
    VERIFY = "verify", _("核查")


class LimitUnit(models.TextChoices):
    MINUTES = "minutes", _("分钟")
    HOURS = "hours", _("小时(连续计时)")
    WORKING_DAYS = "working_days", _("工作日")


class TimeLimitPolicy(models.Model):
    """One row of the time-limit table. Blank category/urgency/level match anything.

    Rows are versioned: a new version is a new set of rows with a later effective_from; a
    case keeps the deadlines it was given until a service recomputes them on purpose.
    """

    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("类别")
    )
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices, blank=True)
    level = models.SmallIntegerField(_("主办层级"), null=True, blank=True)
    phase = models.CharField(_("环节"), max_length=10, choices=Phase.choices)
    yellow = models.PositiveIntegerField(_("黄牌时限"))
    red = models.PositiveIntegerField(_("红牌时限"))
    unit = models.CharField(_("单位"), max_length=15, choices=LimitUnit.choices)
    version = models.PositiveIntegerField(_("版本"), default=1)
    effective_from = models.DateTimeField(_("生效时间"), default=clock.now)

    class Meta:
        verbose_name = _("办理时限")
        verbose_name_plural = _("办理时限")
        ordering = ["-version", "phase"]

    def __str__(self) -> str:
        return f"v{self.version} {self.get_phase_display()} {self.yellow}/{self.red} {self.unit}"

    def clean(self) -> None:
        if self.red < self.yellow:
            raise ValidationError({"red": gettext("红牌时限不能短于黄牌时限")})


class Holiday(models.Model):
    """An exception to Monday–Friday: a statutory holiday, or a make-up working day (调休)."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("调休上班"), default=False)
    name = models.CharField(_("名称"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("节假日")
        verbose_name_plural = _("节假日")
        ordering = ["date"]

    def __str__(self) -> str:
        workday = gettext("(上班)") if self.is_workday else ""
        return f"{self.date} {self.name}{workday}"
