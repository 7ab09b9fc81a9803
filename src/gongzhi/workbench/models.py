"""The grid workers' workbench: diary (民情日记), inspections, information collection, points."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.core import clock
from gongzhi.core.access import RestrictedQuerySet


class FiveRole(models.TextChoices):
    """五大员: values match org.Staff's flag fields."""

    LEGAL_PUBLICIST = "legal_publicist", _("法治宣传员")
    SECURITY_PATROLLER = "security_patroller", _("治安联防员")
    DISPUTE_MEDIATOR = "dispute_mediator", _("纠纷调解员")
    REHAB_HELPER = "rehab_helper", _("帮教转化员")
    INFO_COLLECTOR = "info_collector", _("信息采集员")


class Duty(models.TextChoices):
    """五项日常工作."""

    INFO_COLLECTION = "info_collection", _("基础信息采集")
    OPINION_GATHERING = "opinion_gathering", _("社情民意收集")
    HAZARD_INSPECTION = "hazard_inspection", _("治安隐患排查")
    DISPUTE_RESOLUTION = "dispute_resolution", _("矛盾纠纷化解")
    LAW_PUBLICITY = "law_publicity", _("政策法律法规宣传")


class DiaryEntry(models.Model):
    scope_paths = ("grid__path",)

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="diary_entries",
        verbose_name=_("网格员"),
    )
    grid = models.ForeignKey(
        "grids.Grid",
        on_delete=models.PROTECT,
        related_name="diary_entries",
        verbose_name=_("网格"),
    )
    date = models.DateField(_("日期"))
    role = models.CharField(_("身份"), max_length=20, choices=FiveRole.choices)
    duty = models.CharField(_("工作类别"), max_length=20, choices=Duty.choices)
    text = models.TextField(_("内容"), max_length=4000)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    residents_met = models.ManyToManyField(
        "people.Resident", blank=True, related_name="+", verbose_name=_("走访对象")
    )
    households_met = models.ManyToManyField(
        "people.Household", blank=True, related_name="+", verbose_name=_("走访户")
    )
    minutes_spent = models.PositiveIntegerField(_("用时(分钟)"), default=0)
    is_public = models.BooleanField(_("向居民公开"), default=False)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001
    created_at = models.DateTimeField(default=clock.now, db_index=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("民情日记")
        verbose_name_plural = _("民情日记")
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "idempotency_key"], name="diary_idempotent_per_worker"
            )
        ]
        indexes = [models.Index(fields=["worker", "date"]), models.Index(fields=["grid", "date"])]

    def __str__(self) -> str:
        return f"{self.date} {self.get_duty_display()}"


class DiaryPhoto(models.Model):
    entry = models.ForeignKey(DiaryEntry, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="diary/%Y/%m/")
    content_type = models.CharField(max_length=50)
    original_name = models.CharField(max_length=200)

    class Meta:
        verbose_name = _("日记照片")
        verbose_name_plural = _("日记照片")

    def __str__(self) -> str:
        return self.original_name


class DiaryComment(models.Model):
    entry = models.ForeignKey(DiaryEntry, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("点评"), max_length=2000)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("日记点评")
        verbose_name_plural = _("日记点评")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:30]


class InspectionChecklist(models.Model):
    """What to check at one type of place (admin-editable)."""

    place_type = models.CharField(_("场所类型"), max_length=50, unique=True)
    category_code = models.CharField(
        _("不合格时的事件类别编码"),
        max_length=20,
        blank=True,
        help_text=_("留空则使用第一个启用的类别"),
    )
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("隐患排查清单")
        verbose_name_plural = _("隐患排查清单")
        ordering = ["place_type"]

    def __str__(self) -> str:
        return self.place_type


class ChecklistItem(models.Model):
    checklist = models.ForeignKey(
        InspectionChecklist, on_delete=models.CASCADE, related_name="items"
    )
    text = models.CharField(_("检查项"), max_length=200)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("检查项")
        verbose_name_plural = _("检查项")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text


class Inspection(models.Model):
    scope_paths = ("grid__path",)

    checklist = models.ForeignKey(InspectionChecklist, on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey("grids.Grid", on_delete=models.PROTECT, related_name="+")
    place = models.CharField(_("场所名称"), max_length=200)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    inspected_at = models.DateTimeField(default=clock.now, db_index=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("隐患排查")
        verbose_name_plural = _("隐患排查")
        ordering = ["-inspected_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspector", "idempotency_key"], name="inspection_idempotent_per_inspector"
            )
        ]

    def __str__(self) -> str:
        return f"{self.place} {self.inspected_at:%Y-%m-%d}"


class InspectionResult(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    passed = models.BooleanField(_("合格"))
    note = models.CharField(_("说明"), max_length=500, blank=True)
    photo = models.FileField(upload_to="inspections/%Y/%m/", blank=True)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("检查结果")
        verbose_name_plural = _("检查结果")

    def __str__(self) -> str:
        verdict = gettext("合格") if self.passed else gettext("不合格")
        return f"{self.item_id} {verdict}"


class ChangeRequest(models.Model):
    """A worker's change to sensitive resident fields, waiting for the community's review.

    The payload holds the new values and is stored encrypted; lists show `summary`, which
    carries masked values only.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已通过")
        REJECTED = "rejected", _("已驳回")

    scope_paths = ("grid__path",)

    resident = models.ForeignKey("people.Resident", on_delete=models.CASCADE, related_name="+")
    grid = models.ForeignKey("grids.Grid", on_delete=models.PROTECT, related_name="+")
    payload_enc = models.TextField(editable=False)
    summary = models.CharField(_("变更摘要"), max_length=300)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=clock.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(_("审核意见"), max_length=300, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("信息变更审核")
        verbose_name_plural = _("信息变更审核")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return self.summary


class SubmissionKey(models.Model):
    """The idempotency key of a workbench write whose record has no key field of its own.

    The browser's offline queue resends an entry until the server confirms it. Households
    and residents belong to people/, and a resident edit may create nothing at all, so the
    key is kept here, written in the same transaction as the record: a replay finds this
    row and is answered with the first result.
    """

    class Kind(models.TextChoices):
        HOUSEHOLD = "household", _("登记新户")
        RESIDENT = "resident", _("添加居民")
        RESIDENT_EDIT = "resident_edit", _("修改居民信息")
        CARE_VISIT = "care_visit", _("关爱走访")

    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    key = models.CharField(max_length=100)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)  # None: nothing was created
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("离线提交记录")
        verbose_name_plural = _("离线提交记录")
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "kind", "key"], name="submission_key_once_per_worker"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"


class ScoreEvent(models.TextChoices):
    DIARY_ENTRY = "diary_entry", _("写民情日记")
    VISIT = "visit", _("走访关爱对象")
    CASE_FOUND = "case_found", _("上报事件")
    CASE_RESOLVED = "case_resolved", _("办结事件")
    INSPECTION = "inspection", _("隐患排查")


class WorkerScoreRule(models.Model):
    """积分表: points per event kind (admin-editable)."""

    event = models.CharField(_("事项"), max_length=20, choices=ScoreEvent.choices, unique=True)
    points = models.IntegerField(_("积分"))

    class Meta:
        verbose_name = _("积分规则")
        verbose_name_plural = _("积分规则")

    def __str__(self) -> str:
        return gettext("%(event)s %(points)s分") % {
            "event": self.get_event_display(),
            "points": self.points,
        }
