"""The mediation room (矛盾纠纷调解室): disputes, parties, consent, sessions and agreements."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core import clock, crypto
from gongzhi.core.access import RestrictedQuerySet
from gongzhi.core.masking import mask_id_number

# REFERENCE §6: the 28 subtypes of 矛盾纠纷 (same names as the cases catalogue).
DISPUTE_TYPES = [
    "婚姻家庭",
    "邻里纠纷",
    "房屋和宅基地",
    "山林土地",
    "劳资纠纷",
    "物业管理",
    "征地拆迁",
    "医患纠纷",
    "合同履行",
    "损害赔偿",
    "环境生态",
    "建筑工程",
    "交通及生产安全",
    "村(社区)务管理",
    "经济活动",
    "行政执法活动",
    "信访问题",
    "民族宗教",
    "企业改制",
    "农村“三资”",
    "农民负担",
    "院校问题",
    "军人安置",
    "干部作风",
    "司法活动",
    "计划生育",
    "不稳定因素",
    "其他",
]
DISPUTE_TYPE_CHOICES = [(t, t) for t in DISPUTE_TYPES]


class MediationKind(models.TextChoices):
    PEOPLE = "people", _("人民调解")
    PROFESSIONAL = "professional", _("专业调解")
    ADMINISTRATIVE = "administrative", _("行政调解")
    JUDICIAL = "judicial", _("司法调解")
    LAWYER = "lawyer", _("律师调解")


class RiskGrade(models.TextChoices):
    LOW = "low", _("低")
    MEDIUM = "medium", _("中")
    HIGH = "high", _("高")


class Outcome(models.TextChoices):
    PENDING = "", _("调解中")
    WRITTEN = "written", _("达成书面协议")
    ORAL = "oral", _("达成口头协议")
    FAILED = "failed", _("调解不成")


class MediationCounter(models.Model):
    """Last number issued per center and year; its locked row serialises numbering."""

    center = models.ForeignKey("org.Center", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["center", "year"], name="mediation_counter_once")
        ]

    def __str__(self) -> str:
        return f"{self.center_id}/{self.year} #{self.last}"


class Dispute(models.Model):
    scope_paths = ("center__grid__path",)

    number = models.CharField(_("案号"), max_length=80)
    center = models.ForeignKey(
        "org.Center", on_delete=models.PROTECT, related_name="disputes", verbose_name=_("综治中心")
    )
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="disputes",
        verbose_name=_("关联事件"),
    )
    title = models.CharField(_("纠纷名称"), max_length=200)
    facts = models.TextField(_("主要事实"), max_length=4000)
    dispute_type = models.CharField(
        _("纠纷类型"), max_length=20, choices=DISPUTE_TYPE_CHOICES, db_index=True
    )
    amount = models.DecimalField(
        _("争议金额(元)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    kinds = models.JSONField(_("调解方式"), default=list)  # MediationKind values
    risk_grade = models.CharField(
        _("稳定风险等级"), max_length=10, choices=RiskGrade.choices, default=RiskGrade.LOW
    )
    consultation = models.ForeignKey(
        "cases.Consultation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("会诊研判"),
    )
    # Set when a high grade could not open a consultation itself (no supervisor acting).
    consultation_requested = models.BooleanField(_("已提请会诊研判"), default=False)
    outcome = models.CharField(
        _("调解结果"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING, blank=True
    )
    outcome_note = models.TextField(_("结果说明"), blank=True)
    oral_terms = models.TextField(_("口头协议内容"), blank=True)
    routes_explained = models.BooleanField(_("已告知仲裁、行政处理、诉讼等途径"), default=False)
    outcome_at = models.DateTimeField(_("结果时间"), null=True, blank=True)
    opened_at = models.DateTimeField(_("受理时间"), default=clock.now, db_index=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_synthetic = models.BooleanField(_("演示数据"), default=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("矛盾纠纷")
        verbose_name_plural = _("矛盾纠纷")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["center", "number"], name="dispute_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def kind_labels(self) -> list[str]:
        return [str(MediationKind(k).label) for k in self.kinds if k in MediationKind.values]


class Party(models.Model):
    class Side(models.TextChoices):
        APPLICANT = "applicant", _("申请人")
        RESPONDENT = "respondent", _("被申请人")

    class Kind(models.TextChoices):
        PERSON = "person", _("自然人")
        ORGANISATION = "organisation", _("单位")

    scope_paths = ("dispute__center__grid__path",)

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="parties")
    side = models.CharField(_("身份"), max_length=12, choices=Side.choices)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField(_("姓名或名称"), max_length=100)
    resident = models.ForeignKey(
        "people.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    gender = models.CharField(_("性别"), max_length=4, blank=True)
    age = models.PositiveSmallIntegerField(_("年龄"), null=True, blank=True)
    address = models.CharField(_("住址或所在地"), max_length=200, blank=True)
    representative = models.CharField(_("代理人或法定代表人"), max_length=100, blank=True)
    # The ID number is kept encrypted; pages and the agreement print only the masked form.
    id_number_enc = models.TextField(blank=True, editable=False)
    id_masked = models.CharField(_("身份证号"), max_length=18, blank=True, editable=False)
    signed_on = models.DateField(_("签字日期"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")
        ordering = ["side", "pk"]

    def __str__(self) -> str:
        return self.name

    def set_id_number(self, number: str) -> None:
        self.id_number_enc = crypto.encrypt(number) if number else ""
        self.id_masked = mask_id_number(number)


class Mediator(models.Model):
    """A staff mediator, or a volunteer named with their organisation (和事佬协会, …)."""

    scope_paths = ("dispute__center__grid__path",)

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="mediators")
    kind = models.CharField(_("调解方式"), max_length=20, choices=MediationKind.choices)
    staff = models.ForeignKey(
        "org.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    volunteer_name = models.CharField(_("志愿调解员"), max_length=50, blank=True)
    volunteer_org = models.CharField(_("所在组织"), max_length=100, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("调解员")
        verbose_name_plural = _("调解员")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.staff is not None:
            return self.staff.name
        return (
            f"{self.volunteer_name}({self.volunteer_org})"
            if self.volunteer_org
            else (self.volunteer_name)
        )


class Consent(models.Model):
    """A party's recorded answer to "do you agree to mediation" (人民调解法: both must agree)."""

    scope_paths = ("party__dispute__center__grid__path",)

    party = models.OneToOneField(Party, on_delete=models.CASCADE, related_name="consent")
    consented = models.BooleanField(_("同意调解"))
    on = models.DateField(_("日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("调解意愿")
        verbose_name_plural = _("调解意愿")

    def __str__(self) -> str:
        verdict = _("同意") if self.consented else _("不同意")
        return f"{self.party} {verdict}"


class Session(models.Model):
    scope_paths = ("dispute__center__grid__path",)

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="sessions")
    held_at = models.DateTimeField(_("调解时间"))
    place = models.CharField(_("地点"), max_length=100, blank=True)
    notes = models.TextField(_("调解记录"))
    attendees = models.ManyToManyField(Party, blank=True, verbose_name=_("到场当事人"))
    other_attendees = models.CharField(_("其他参加人员"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("调解记录")
        verbose_name_plural = _("调解记录")
        ordering = ["held_at", "pk"]

    def __str__(self) -> str:
        return f"{self.dispute.number} {self.held_at:%Y-%m-%d}"


class Agreement(models.Model):
    """调解协议书 (REFERENCE §7)."""

    scope_paths = ("dispute__center__grid__path",)

    dispute = models.OneToOneField(Dispute, on_delete=models.CASCADE, related_name="agreement")
    facts = models.TextField(_("纠纷主要事实"))
    disputed_matters = models.TextField(_("争议事项"))
    responsibilities = models.TextField(_("各方责任"))
    terms = models.TextField(_("协议内容"))
    performance_method = models.CharField(_("履行方式"), max_length=200)
    performance_place = models.CharField(_("履行地点"), max_length=200, blank=True)
    performance_deadline = models.DateField(_("履行期限"))
    compensation = models.DecimalField(
        _("赔偿金额(元)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    effective_on = models.DateField(_("生效日期"))
    copies = models.PositiveSmallIntegerField(_("协议份数"), default=3)
    mediator_names = models.CharField(_("调解员"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("调解协议书")
        verbose_name_plural = _("调解协议书")

    def __str__(self) -> str:
        return _("%(number)s 调解协议书") % {"number": self.dispute.number}


class Performance(models.Model):
    class Status(models.TextChoices):
        PERFORMED = "performed", _("已履行")
        PARTLY = "partly", _("部分履行")
        NOT = "not", _("未履行")

    scope_paths = ("agreement__dispute__center__grid__path",)

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="performances")
    status = models.CharField(_("履行情况"), max_length=10, choices=Status.choices)
    note = models.TextField(_("说明"), blank=True)
    on = models.DateField(_("日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("履行情况")
        verbose_name_plural = _("履行情况")
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return self.get_status_display()


class FollowUpVisit(models.Model):
    scope_paths = ("dispute__center__grid__path",)

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="follow_ups")
    on = models.DateField(_("回访日期"))
    note = models.TextField(_("回访情况"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("回访")
        verbose_name_plural = _("回访")
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.dispute.number} {self.on}"


class JudicialConfirmation(models.Model):
    """司法确认: a joint application to a court within 30 days of the agreement taking effect."""

    class Result(models.TextChoices):
        PENDING = "pending", _("审查中")
        CONFIRMED = "confirmed", _("裁定确认有效")
        REJECTED = "rejected", _("裁定驳回")

    scope_paths = ("agreement__dispute__center__grid__path",)

    agreement = models.OneToOneField(
        Agreement, on_delete=models.CASCADE, related_name="judicial_confirmation"
    )
    court = models.CharField(_("受理法院"), max_length=100)
    applied_on = models.DateField(_("申请日期"))
    result = models.CharField(
        _("结果"), max_length=10, choices=Result.choices, default=Result.PENDING
    )
    decided_on = models.DateField(_("裁定日期"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("司法确认")
        verbose_name_plural = _("司法确认")

    def __str__(self) -> str:
        return f"{self.agreement} {self.get_result_display()}"
