"""Joint consultation (会诊研判), the in-app inbox, outbound messages and the sweep lease."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core import clock
from gongzhi.core.access import RestrictedQuerySet

if TYPE_CHECKING:
    import datetime as dt

    from gongzhi.org.models import Department, Room


class Consultation(models.Model):
    """会诊研判, convened by a center on a case, a dispute or an alert (exactly one of them)."""

    # The convening center's area; a case's grid too, so the case's own workers see it, and an
    # alert's resident, so the care target's workers do.
    scope_paths = (
        "center__grid__path",
        "case__grid__path",
        "care_alert__plan__resident__grid__path",
    )

    center = models.ForeignKey(
        "org.Center",
        null=True,
        on_delete=models.PROTECT,
        related_name="consultations",
        verbose_name=_("组织中心"),
    )
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="consultations"
    )
    dispute = models.ForeignKey(
        "mediation.Dispute",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="consultations",
        verbose_name=_("矛盾纠纷"),
    )
    care_alert = models.ForeignKey(
        "care.CareAlert",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="consultations",
        verbose_name=_("预警"),
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    topic = models.CharField(_("议题"), max_length=200)
    scheduled_at = models.DateTimeField(_("会商时间"))
    rooms = models.ManyToManyField("org.Room", blank=True, verbose_name=_("参加科室"))
    departments = models.ManyToManyField("org.Department", blank=True, verbose_name=_("参加部门"))
    minutes = models.TextField(_("会议纪要"), blank=True)
    decision = models.TextField(_("研判结论"), blank=True)
    decided_at = models.DateTimeField(_("形成结论时间"), null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("会诊研判")
        verbose_name_plural = _("会诊研判")
        constraints = [
            models.CheckConstraint(
                name="consultation_one_subject",
                condition=(
                    models.Q(case__isnull=False, dispute__isnull=True, care_alert__isnull=True)
                    | models.Q(case__isnull=True, dispute__isnull=False, care_alert__isnull=True)
                    | models.Q(case__isnull=True, dispute__isnull=True, care_alert__isnull=False)
                ),
            )
        ]

    def __str__(self) -> str:
        return self.topic

    @property
    def subject_kind(self) -> str:
        if self.case_id:
            return "case"
        return "dispute" if self.dispute_id else "alert"


class ConsultationParticipant(models.Model):
    """One invited staff member and whether they confirmed; the room or department they speak for."""

    class Status(models.TextChoices):
        INVITED = "invited", _("待确认")
        CONFIRMED = "confirmed", _("已确认参加")
        DECLINED = "declined", _("不能参加")

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="participants"
    )
    staff = models.ForeignKey("org.Staff", on_delete=models.CASCADE, related_name="+")
    room = models.ForeignKey(
        "org.Room", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    department = models.ForeignKey(
        "org.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("确认情况"), max_length=10, choices=Status.choices, default=Status.INVITED
    )
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("会诊参加人")
        verbose_name_plural = _("会诊参加人")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "staff"], name="participant_once")
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} → {self.consultation_id}"

    @property
    def represents(self) -> str:
        unit = self.room or self.department
        return unit.name if unit else ""


class ConsultationOpinion(models.Model):
    """意见: what one invited department (or room) says, by its officer or recorded for it."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="opinions"
    )
    department = models.ForeignKey(
        "org.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("部门"),
    )
    room = models.ForeignKey(
        "org.Room",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("科室"),
    )
    speaker = models.CharField(_("发表意见人"), max_length=50)
    text = models.TextField(_("意见"), max_length=4000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("会诊意见")
        verbose_name_plural = _("会诊意见")
        ordering = ["recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="opinion_one_unit",
                condition=models.Q(department__isnull=False, room__isnull=True)
                | models.Q(department__isnull=True, room__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["consultation", "department"],
                name="opinion_once_per_department",
                condition=models.Q(department__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["consultation", "room"],
                name="opinion_once_per_room",
                condition=models.Q(room__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.speaker}"

    @property
    def unit(self) -> Department | Room | None:
        return self.department or self.room


class ConsultationTask(models.Model):
    """A task from the decision, for an invited person or a whole department, with a deadline."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("任务"), max_length=200)
    assignee = models.ForeignKey(
        "org.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "org.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("承办部门"),
    )
    due_date = models.DateField(_("完成期限"))
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("会诊任务")
        verbose_name_plural = _("会诊任务")
        constraints = [
            models.CheckConstraint(
                name="consultation_task_one_assignee",
                condition=models.Q(assignee__isnull=False, department__isnull=True)
                | models.Q(assignee__isnull=True, department__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def assignee_label(self) -> str:
        if self.assignee is not None:
            return self.assignee.name
        return self.department.name if self.department is not None else ""

    def overdue(self, today: dt.date) -> bool:
        return self.done_at is None and self.due_date < today


class Notification(models.Model):
    """In-app inbox row for one user."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=30)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    created_at = models.DateTimeField(default=clock.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # A page to open when the notice is not about a case (a dispute's consultation). Last:
    # cases.create_sql inserts the columns in this order.
    link = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title


class OutboundMessage(models.Model):
    """An SMS or WeChat template message; the default backend only stores and logs it."""

    class Channel(models.TextChoices):
        SMS = "sms", _("短信")
        WECHAT = "wechat", _("微信模板消息")

    class Status(models.TextChoices):
        QUEUED = "queued", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    channel = models.CharField(max_length=10, choices=Channel.choices)
    to = models.CharField(max_length=100)
    template = models.CharField(max_length=50)
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    backend = models.CharField(max_length=200, blank=True)
    error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("外发消息")
        verbose_name_plural = _("外发消息")

    def __str__(self) -> str:
        return f"{self.channel} {self.template} → {self.to}"


class SweepLease(models.Model):
    """Who runs the next periodic sweep: claimed with a conditional UPDATE, so one chain lives."""

    name = models.CharField(max_length=30, primary_key=True)
    next_run_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} @ {self.next_run_at}"
