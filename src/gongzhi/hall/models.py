"""The reception hall (群众接待大厅): services, windows, queue tickets, window visits,
referrals to the rooms, and the policy publicity area (政策宣传区)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core import clock
from gongzhi.core.access import RestrictedQuerySet


class Service(models.Model):
    """A matter the hall handles (e.g. 矛盾调解, 证件办理); each issues its own ticket numbers."""

    scope_paths = ("center__grid__path",)

    center = models.ForeignKey(
        "org.Center",
        on_delete=models.CASCADE,
        related_name="hall_services",
        verbose_name=_("综治中心"),
    )
    name = models.CharField(_("服务事项"), max_length=50)
    prefix = models.CharField(_("号码字头"), max_length=2, help_text=_("如 A、B"))
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("服务事项")
        verbose_name_plural = _("服务事项")
        ordering = ["center", "order", "prefix"]
        constraints = [
            models.UniqueConstraint(fields=["center", "prefix"], name="hall_prefix_once")
        ]

    def __str__(self) -> str:
        return f"{self.prefix} {self.name}"


class Window(models.Model):
    """窗口: a desk in the hall serving one or more services."""

    scope_paths = ("center__grid__path",)

    center = models.ForeignKey(
        "org.Center",
        on_delete=models.CASCADE,
        related_name="hall_windows",
        verbose_name=_("综治中心"),
    )
    name = models.CharField(_("窗口名称"), max_length=30, help_text=_("如 1号窗口"))
    services = models.ManyToManyField(Service, related_name="windows", verbose_name=_("办理事项"))
    active = models.BooleanField(_("启用"), default=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("窗口")
        verbose_name_plural = _("窗口")
        ordering = ["center", "name"]
        constraints = [models.UniqueConstraint(fields=["center", "name"], name="window_once")]

    def __str__(self) -> str:
        return self.name


class TicketCounter(models.Model):
    """Last number issued per service and local day; its locked row serialises issuing."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "day"], name="ticket_counter_once")
        ]

    def __str__(self) -> str:
        return f"{self.service_id}/{self.day} #{self.last}"


class Ticket(models.Model):
    """取号: one queue number. waiting → called → serving → done, or → no_show."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("等候中")
        CALLED = "called", _("已叫号")
        SERVING = "serving", _("办理中")
        DONE = "done", _("已办结")
        NO_SHOW = "no_show", _("过号未到")

    scope_paths = ("center__grid__path",)

    center = models.ForeignKey("org.Center", on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="tickets")
    day = models.DateField(_("日期"))
    seq = models.PositiveIntegerField()
    number = models.CharField(_("号码"), max_length=10)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    window = models.ForeignKey(
        Window,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
        verbose_name=_("窗口"),
    )
    resident = models.ForeignKey(
        "people.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(_("取号时间"), default=clock.now)
    called_at = models.DateTimeField(_("叫号时间"), null=True, blank=True)
    # The latest announcement (a recall repeats it); called_at stays the first call.
    announced_at = models.DateTimeField(null=True, blank=True, db_index=True)
    started_at = models.DateTimeField(_("开始办理"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("排队号")
        verbose_name_plural = _("排队号")
        ordering = ["issued_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["service", "day", "seq"], name="ticket_once")
        ]
        indexes = [
            models.Index(fields=["service", "status", "issued_at"]),
            models.Index(fields=["center", "day", "called_at"]),
        ]

    def __str__(self) -> str:
        return self.number


class Outcome(models.TextChoices):
    REFERRED = "referred", _("转交科室")
    CASE = "case", _("登记事件")
    DISPUTE = "dispute", _("转矛盾纠纷调解")
    SETTLED = "settled", _("窗口当场办结")


class WindowVisit(models.Model):
    """窗口登记: one visitor's matter, recorded at a window, and where it went."""

    scope_paths = ("center__grid__path",)

    center = models.ForeignKey(
        "org.Center", on_delete=models.PROTECT, related_name="+", verbose_name=_("综治中心")
    )
    window = models.ForeignKey(
        Window,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visits",
        verbose_name=_("窗口"),
    )
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="visits"
    )
    resident = models.ForeignKey(
        "people.Resident",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="window_visits",
        verbose_name=_("来访居民"),
    )
    title = models.CharField(_("事项摘要"), max_length=100)
    matter = models.TextField(_("诉求内容"), max_length=4000)
    outcome = models.CharField(_("处理方式"), max_length=10, choices=Outcome.choices)
    outcome_note = models.TextField(_("办理结果"), blank=True)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dispute = models.ForeignKey(
        "mediation.Dispute", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), default=clock.now, db_index=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("窗口登记")
        verbose_name_plural = _("窗口登记")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class RoomReferral(models.Model):
    """A visitor handed from the hall to one of the five rooms."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待接收")
        RECEIVED = "received", _("已接收")

    scope_paths = ("room__center__grid__path",)

    visit = models.OneToOneField(WindowVisit, on_delete=models.CASCADE, related_name="referral")
    room = models.ForeignKey(
        "org.Room",
        on_delete=models.PROTECT,
        related_name="hall_referrals",
        verbose_name=_("转交科室"),
    )
    resident = models.ForeignKey(
        "people.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("转交说明"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(default=clock.now)
    received_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("转交科室")
        verbose_name_plural = _("转交科室")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.visit} → {self.room}"


class PolicyArticle(models.Model):
    """政策宣传: public policy content, shown in the hall, the portal and the kiosk."""

    title = models.CharField(_("标题"), max_length=200)
    category = models.CharField(_("栏目"), max_length=50, blank=True)
    summary = models.CharField(_("摘要"), max_length=300, blank=True)
    body = models.TextField(_("正文"), max_length=20000)
    published = models.BooleanField(_("发布"), default=True, db_index=True)
    published_at = models.DateTimeField(_("发布时间"), default=clock.now, db_index=True)
    updated_at = models.DateTimeField(default=clock.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("政策宣传")
        verbose_name_plural = _("政策宣传")
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class FAQ(models.Model):
    question = models.CharField(_("问题"), max_length=200)
    answer = models.TextField(_("解答"), max_length=5000)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    published = models.BooleanField(_("发布"), default=True, db_index=True)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("常见问题")
        verbose_name_plural = _("常见问题")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.question
