"""Text intelligence and early warning (issue 17): classifier versions, followers of a
case ("我也遇到"), early-warning rules (data, editable in the admin) and their alerts."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.core import clock
from gongzhi.core.access import RestrictedQuerySet


class ModelVersion(models.Model):
    """One trained category classifier. The artefact is a joblib dump of a scikit-learn
    pipeline this app built itself (gongzhi.intel.classifier), never an uploaded file;
    exactly one version is active at a time (rolling back = activating an older one)."""

    number = models.PositiveIntegerField(_("版本号"), unique=True)
    created_at = models.DateTimeField(_("训练时间"), default=clock.now)
    source = models.CharField(_("训练数据"), max_length=100, blank=True)
    trained_on = models.PositiveIntegerField(_("训练样本数"), default=0)
    heldout_size = models.PositiveIntegerField(_("留出样本数"), default=0)
    accuracy = models.FloatField(_("留出准确率(一级类别)"), null=True, blank=True)
    leaf_accuracy = models.FloatField(_("留出准确率(具体类别)"), null=True, blank=True)
    # Confusion matrix over top-level codes: confusion[i][j] = true labels[i] predicted labels[j].
    labels = models.JSONField(_("一级类别"), default=list, blank=True)
    confusion = models.JSONField(_("混淆矩阵"), default=list, blank=True)
    classes = models.JSONField(_("可预测类别"), default=list, blank=True)
    params = models.JSONField(_("训练参数"), default=dict, blank=True)
    train_seconds = models.FloatField(_("训练耗时(秒)"), default=0)
    peak_memory_mb = models.FloatField(_("内存峰值(MB)"), null=True, blank=True)
    artefact = models.BinaryField(editable=False)
    size_bytes = models.PositiveIntegerField(_("模型大小(字节)"), default=0)
    active = models.BooleanField(_("启用"), default=False)
    activated_at = models.DateTimeField(_("启用时间"), null=True, blank=True)
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("启用人"),
    )

    class Meta:
        verbose_name = _("类别识别模型版本")
        verbose_name_plural = _("类别识别模型版本")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=Q(active=True), name="intel_one_active_model"
            )
        ]

    def __str__(self) -> str:
        return f"v{self.number}"


class CaseFollower(models.Model):
    """A resident who joined a case instead of reporting it again ("我也遇到"): they hear of
    its changes like its reporter (cases.resident_notify) and may rate it (workflow)."""

    class Via(models.TextChoices):
        JOIN = "join", _("我也遇到")

    scope_paths = ("case__grid__path",)

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="followers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    via = models.CharField(max_length=10, choices=Via.choices, default=Via.JOIN)
    created_at = models.DateTimeField(default=clock.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("事件关注人")
        verbose_name_plural = _("事件关注人")
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="intel_follow_once")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.case_id}"


class AlertKind(models.TextChoices):
    REPEAT_DISPUTE = "repeat_dispute", _("同一当事人反复纠纷")
    SURGE = "surge", _("同类事件激增")
    CASE_STUCK = "case_stuck", _("事件反复重办或逐级超时")
    SPECIAL_PERSON = "special_person", _("重点人员涉事")
    CARE_CALL = "care_call", _("关爱对象走访逾期并求助")


class Severity(models.TextChoices):
    LOW = "low", _("一般")
    MEDIUM = "medium", _("较重")
    HIGH = "high", _("严重")


class AlertRule(models.Model):
    """An early-warning rule's thresholds (one row per kind; defaults from a migration).

    Which fields a kind reads is in docs/decisions.md ("Early warning"); the admin shows it."""

    kind = models.CharField(_("预警类型"), max_length=20, choices=AlertKind.choices, unique=True)
    enabled = models.BooleanField(_("启用"), default=True)
    severity = models.CharField(
        _("预警级别"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM
    )
    window_days = models.PositiveSmallIntegerField(_("统计窗口(天)"), default=7)
    baseline_days = models.PositiveSmallIntegerField(_("基线窗口(天)"), default=56)
    min_count = models.PositiveSmallIntegerField(_("最少次数"), default=2)
    threshold = models.FloatField(_("显著性阈值"), default=0.001)
    grid_level = models.PositiveSmallIntegerField(_("统计网格层级"), default=3)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("预警规则")
        verbose_name_plural = _("预警规则")
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.get_kind_display()


class AlertState(models.TextChoices):
    OPEN = "open", _("待处理")
    ACKNOWLEDGED = "acknowledged", _("已签收")
    CLOSED = "closed", _("已关闭")


class Alert(models.Model):
    """One early warning (预警). `cause_key` names the situation and its evidence (unique:
    evaluating twice raises nothing new); `subject` names who or what it is about, with at
    most one alert per subject not yet closed."""

    scope_paths = ("grid__path",)

    kind = models.CharField(_("预警类型"), max_length=20, choices=AlertKind.choices)
    severity = models.CharField(_("预警级别"), max_length=10, choices=Severity.choices)
    grid = models.ForeignKey(
        "grids.Grid", on_delete=models.PROTECT, related_name="+", verbose_name=_("网格")
    )
    reason = models.TextField(_("预警原因"))
    cases = models.ManyToManyField(
        "cases.Case", blank=True, related_name="alerts", verbose_name=_("关联事件")
    )
    subject = models.CharField(max_length=120)
    cause_key = models.CharField(max_length=160, unique=True)
    state = models.CharField(
        _("状态"), max_length=15, choices=AlertState.choices, default=AlertState.OPEN
    )
    note = models.TextField(_("处理说明"), blank=True)
    created_at = models.DateTimeField(_("预警时间"), default=clock.now, db_index=True)
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject"], condition=~Q(state="closed"), name="intel_alert_subject_open"
            )
        ]
        indexes = [models.Index(fields=["state", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"
