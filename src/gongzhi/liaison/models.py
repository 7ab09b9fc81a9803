"""The police liaison room (警民联络室): referrals to the police, security hazards, the
community police duty roster and joint patrols."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core import clock
from gongzhi.core.access import RestrictedQuerySet


class PoliceReferral(models.Model):
    """转公安: a case referred to the police, with its receipt (回执) and feedback."""

    class Status(models.TextChoices):
        SENT = "sent", _("已移送")
        RECEIVED = "received", _("公安已接收")
        FEEDBACK = "feedback", _("已反馈")
        CLOSED = "closed", _("已办结")

    scope_paths = ("case__grid__path",)

    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        related_name="police_referrals",
        verbose_name=_("事件"),
    )
    center = models.ForeignKey("org.Center", on_delete=models.PROTECT, related_name="+")
    police_unit = models.CharField(_("接收单位"), max_length=100)
    reason = models.TextField(_("移送理由"), max_length=2000)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.SENT, db_index=True
    )
    receipt_number = models.CharField(_("回执编号"), max_length=50, blank=True)
    feedback = models.TextField(_("公安反馈"), blank=True)
    close_note = models.TextField(_("办结说明"), blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(_("移送时间"), default=clock.now)
    received_at = models.DateTimeField(_("接收时间"), null=True, blank=True)
    feedback_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("转公安")
        verbose_name_plural = _("转公安")
        ordering = ["-sent_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.case} → {self.police_unit}"


class SecurityHazard(models.Model):
    """治安隐患 found by grid workers, tracked until closed."""

    class Status(models.TextChoices):
        OPEN = "open", _("待整改")
        RECTIFYING = "rectifying", _("整改中")
        CLOSED = "closed", _("已销号")

    scope_paths = ("grid__path",)

    grid = models.ForeignKey(
        "grids.Grid", on_delete=models.PROTECT, related_name="hazards", verbose_name=_("所在网格")
    )
    location = models.CharField(_("具体位置"), max_length=200)
    description = models.TextField(_("隐患描述"), max_length=4000)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_at = models.DateTimeField(_("发现时间"), default=clock.now)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("治安隐患")
        verbose_name_plural = _("治安隐患")
        ordering = ["-reported_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.location}:{self.description[:20]}"


class HazardUpdate(models.Model):
    """One step in a hazard's tracking: a status change or a progress note."""

    scope_paths = ("hazard__grid__path",)

    hazard = models.ForeignKey(SecurityHazard, on_delete=models.CASCADE, related_name="updates")
    from_status = models.CharField(max_length=12, choices=SecurityHazard.Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=SecurityHazard.Status.choices)
    note = models.TextField(_("说明"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=clock.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.hazard_id} {self.from_status}→{self.to_status}"


class HazardPhoto(models.Model):
    scope_paths = ("hazard__grid__path",)

    hazard = models.ForeignKey(SecurityHazard, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="hazards/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=clock.now)

    objects = RestrictedQuerySet.as_manager()

    def __str__(self) -> str:
        return self.original_name


class DutyShift(models.TextChoices):
    DAY = "day", _("白班")
    NIGHT = "night", _("夜班")
    ALL_DAY = "all_day", _("全天")


class PoliceDutyRoster(models.Model):
    """社区民警值班表: one officer on duty at a center on a day."""

    scope_paths = ("center__grid__path",)

    center = models.ForeignKey(
        "org.Center", on_delete=models.CASCADE, related_name="+", verbose_name=_("综治中心")
    )
    date = models.DateField(_("日期"), db_index=True)
    officer = models.ForeignKey(
        "org.Staff", on_delete=models.PROTECT, related_name="+", verbose_name=_("值班民警")
    )
    shift = models.CharField(
        _("班次"), max_length=10, choices=DutyShift.choices, default=DutyShift.ALL_DAY
    )
    phone = models.CharField(_("值班电话"), max_length=20, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("民警值班")
        verbose_name_plural = _("民警值班")
        ordering = ["date", "shift"]
        constraints = [
            models.UniqueConstraint(fields=["center", "date", "officer"], name="duty_once")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.officer}"


class JointPatrol(models.Model):
    """联合巡逻: police, grid workers and volunteers patrol a route together."""

    scope_paths = ("center__grid__path",)

    center = models.ForeignKey(
        "org.Center", on_delete=models.CASCADE, related_name="+", verbose_name=_("综治中心")
    )
    date = models.DateField(_("巡逻日期"), db_index=True)
    staff = models.ManyToManyField("org.Staff", blank=True, verbose_name=_("参加人员"))
    other_participants = models.CharField(_("其他参加人员"), max_length=300, blank=True)
    route = models.CharField(_("巡逻路线"), max_length=300)
    findings = models.TextField(_("巡逻发现"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("联合巡逻")
        verbose_name_plural = _("联合巡逻")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.date} {self.route[:20]}"


# --- 重点人员: special-population residents under 帮教/管控 -------------------------------------


class RiskLevel(models.TextChoices):
    LOW = "low", _("低风险")
    MEDIUM = "medium", _("中风险")
    HIGH = "high", _("高风险")


class KeyPerson(models.Model):
    """A special-population resident under management: the risk level, who is responsible,
    and how often they are to be seen (报到/见面). Need-to-know: VIEW_SPECIAL in scope."""

    scope_paths = ("resident__grid__path",)

    resident = models.OneToOneField(
        "people.Resident",
        on_delete=models.PROTECT,
        related_name="key_person",
        verbose_name=_("居民"),
    )
    category = models.CharField(_("人员类别"), max_length=30)  # a special people.Tag value
    risk_level = models.CharField(
        _("风险等级"), max_length=10, choices=RiskLevel.choices, default=RiskLevel.LOW
    )
    responsible = models.ForeignKey(
        "org.Staff",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("责任人"),
    )
    interval_days = models.PositiveSmallIntegerField(_("见面间隔(天)"))
    next_due_on = models.DateField(_("下次见面期限"), db_index=True)
    active = models.BooleanField(_("在管"), default=True)
    opened_at = models.DateTimeField(_("建档时间"), default=clock.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("重点人员")
        verbose_name_plural = _("重点人员")
        ordering = ["next_due_on", "pk"]

    def __str__(self) -> str:
        return self.resident.masked_name

    @property
    def category_label(self) -> str:
        from gongzhi.people.models import Tag

        return str(dict(Tag.choices).get(self.category, self.category))


class KeyPersonRiskChange(models.Model):
    """One change of the risk level, with why: the level's history."""

    scope_paths = ("person__resident__grid__path",)

    person = models.ForeignKey(KeyPerson, on_delete=models.CASCADE, related_name="risk_changes")
    from_level = models.CharField(max_length=10, choices=RiskLevel.choices, blank=True)
    to_level = models.CharField(_("风险等级"), max_length=10, choices=RiskLevel.choices)
    reason = models.CharField(_("调整理由"), max_length=500)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=clock.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("风险等级变更")
        verbose_name_plural = _("风险等级变更")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.from_level}→{self.to_level}"


class KeyPersonRecord(models.Model):
    """帮教/管控 work and each time the person was seen (见面/报到)."""

    class Kind(models.TextChoices):
        CHECK_IN = "check_in", _("见面/报到")
        REHAB = "rehab", _("帮教")
        CONTROL = "control", _("管控")

    scope_paths = ("person__resident__grid__path",)

    person = models.ForeignKey(KeyPerson, on_delete=models.CASCADE, related_name="records")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    note = models.TextField(_("情况"), max_length=2000)
    at = models.DateTimeField(_("时间"), default=clock.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("帮教管控记录")
        verbose_name_plural = _("帮教管控记录")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind}"


class KeyPersonAlert(models.Model):
    """A check-in not made by its due date. One per person and due date."""

    scope_paths = ("person__resident__grid__path",)

    person = models.ForeignKey(KeyPerson, on_delete=models.CASCADE, related_name="alerts")
    due_on = models.DateField(_("应见面日期"))
    raised_at = models.DateTimeField(_("预警时间"))
    resolved_at = models.DateTimeField(_("解除时间"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("重点人员逾期预警")
        verbose_name_plural = _("重点人员逾期预警")
        constraints = [
            models.UniqueConstraint(fields=["person", "due_on"], name="key_person_alert_once")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.due_on}"


class KeyPersonHandover(models.Model):
    """移交: the person moved to another grid and the file passed to its people."""

    scope_paths = ("person__resident__grid__path", "from_grid__path")

    person = models.ForeignKey(KeyPerson, on_delete=models.CASCADE, related_name="handovers")
    from_grid = models.ForeignKey("grids.Grid", on_delete=models.PROTECT, related_name="+")
    to_grid = models.ForeignKey("grids.Grid", on_delete=models.PROTECT, related_name="+")
    from_staff = models.ForeignKey(
        "org.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_staff = models.ForeignKey(
        "org.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("移交说明"), max_length=500)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=clock.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("重点人员移交")
        verbose_name_plural = _("重点人员移交")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.from_grid_id}→{self.to_grid_id}"
