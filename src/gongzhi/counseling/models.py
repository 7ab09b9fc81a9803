"""The counselling room (心理咨询室): calendars, appointments and confidential session notes.

Session notes are health records (PIPL art. 28). Their text is encrypted at rest and can be
read only by the counsellor who wrote it and a supervisor that counsellor was explicitly
assigned to: never through grid scope, and never by an administrator or superuser.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.core import clock, crypto
from gongzhi.core.access import RestrictedQuerySet


class CounselorSlot(models.Model):
    """One bookable period in a counsellor's calendar."""

    scope_paths = ("center__grid__path",)

    counselor = models.ForeignKey(
        "org.Staff",
        on_delete=models.CASCADE,
        related_name="counseling_slots",
        verbose_name=_("心理咨询师"),
    )
    center = models.ForeignKey("org.Center", on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField(_("开始时间"), db_index=True)
    ends_at = models.DateTimeField(_("结束时间"))
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("咨询时段")
        verbose_name_plural = _("咨询时段")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["counselor", "starts_at"], name="slot_once"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="slot_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.counselor.name} {self.starts_at:%Y-%m-%d %H:%M}"


class Source(models.TextChoices):
    STAFF = "staff", _("工作人员预约")
    CASE = "case", _("事件转介")
    CARE_VISIT = "care_visit", _("关爱走访转介")
    RESIDENT = "resident", _("居民自助预约")
    HALL = "hall", _("大厅窗口转介")


class Appointment(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("已预约")
        DONE = "done", _("已咨询")
        CANCELLED = "cancelled", _("已取消")
        NO_SHOW = "no_show", _("未到")

    ACTIVE = (Status.BOOKED, Status.DONE)
    scope_paths = ("slot__center__grid__path",)

    slot = models.ForeignKey(CounselorSlot, on_delete=models.PROTECT, related_name="appointments")
    resident = models.ForeignKey(
        "people.Resident", on_delete=models.PROTECT, related_name="+", verbose_name=_("来访居民")
    )
    source = models.CharField(_("预约来源"), max_length=12, choices=Source.choices)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    care_visit = models.ForeignKey(
        "care.Visit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.BOOKED
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    booked_at = models.DateTimeField(default=clock.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("咨询预约")
        verbose_name_plural = _("咨询预约")
        ordering = ["slot__starts_at"]
        constraints = [
            # The database, not only the service, refuses a second live booking of a slot.
            models.UniqueConstraint(
                fields=["slot"],
                condition=Q(status__in=["booked", "done"]),
                name="slot_booked_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.slot} {self.resident}"


class AppointmentRequest(models.Model):
    """A wish for an appointment that the counselling room schedules into a slot: a hall
    referral, or a resident's own request from the portal. It carries no topic or complaint
    (those are told to the counsellor only), so listing it reveals no health information."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待安排")
        BOOKED = "booked", _("已安排")
        DECLINED = "declined", _("未安排")

    scope_paths = ("center__grid__path",)

    center = models.ForeignKey("org.Center", on_delete=models.CASCADE, related_name="+")
    resident = models.ForeignKey("people.Resident", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("来源"), max_length=12, choices=Source.choices)
    referral = models.OneToOneField(
        "hall.RoomReferral",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="counseling_request",
    )
    preferred = models.CharField(_("希望时间"), max_length=100, blank=True)
    contact_ok = models.BooleanField(_("同意电话联系"), default=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    appointment = models.OneToOneField(
        Appointment, null=True, blank=True, on_delete=models.SET_NULL, related_name="request"
    )
    decline_reason = models.CharField(_("未安排原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("咨询申请")
        verbose_name_plural = _("咨询申请")
        ordering = ["created_at", "pk"]
        constraints = [
            # One open request per resident and center: a double tap does not queue twice.
            models.UniqueConstraint(
                fields=["center", "resident"],
                condition=Q(status="pending"),
                name="counseling_request_open_once",
            ),
        ]

    def __str__(self) -> str:
        return _("咨询申请#%(pk)s") % {"pk": self.pk}


class CounselingSupervisor(models.Model):
    """An explicit grant: `supervisor` may read the notes of `counselor`."""

    supervisor = models.ForeignKey("org.Staff", on_delete=models.CASCADE, related_name="+")
    counselor = models.ForeignKey("org.Staff", on_delete=models.CASCADE, related_name="+")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(default=clock.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("督导授权")
        verbose_name_plural = _("督导授权")
        constraints = [
            models.UniqueConstraint(
                fields=["supervisor", "counselor"],
                condition=Q(revoked_at__isnull=True),
                name="supervision_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supervisor_id} → {self.counselor_id}"


class RiskFlag(models.TextChoices):
    NONE = "", _("无")
    SELF_HARM = "self_harm", _("自伤自杀风险")
    HARM_OTHERS = "harm_others", _("伤害他人风险")
    CRISIS = "crisis", _("其他心理危机")


def readable_notes_q(user) -> Q:
    """Notes the user may read: written by them, or by a counsellor they supervise."""
    staff = getattr(user, "staff", None) if getattr(user, "is_authenticated", False) else None
    if staff is None or not staff.active:
        return Q(pk__in=[])
    supervised = CounselingSupervisor.objects.filter(supervisor=staff, revoked_at__isnull=True)
    return Q(counselor=staff) | Q(counselor__in=supervised.values("counselor"))


class SessionNoteQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        # Deliberately not core.access.restrict: grid scope and admin roles grant nothing here.
        return self.filter(readable_notes_q(user))


class SessionNote(models.Model):
    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.PROTECT, related_name="notes"
    )
    counselor = models.ForeignKey("org.Staff", on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey("people.Resident", on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=clock.now)
    content_enc = models.TextField(editable=False)
    risk_flag = models.CharField(
        _("风险标记"), max_length=12, choices=RiskFlag.choices, default=RiskFlag.NONE, blank=True
    )

    objects = SessionNoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("咨询记录")
        verbose_name_plural = _("咨询记录")
        ordering = ["-written_at", "-pk"]

    def __str__(self) -> str:
        return _("咨询记录#%(pk)s") % {"pk": self.pk}  # never the content

    def set_content(self, text: str) -> None:
        self.content_enc = crypto.encrypt(text)

    def decrypt_content(self) -> str:
        """Only counseling.selectors.session_note_read may call this (it checks and audits)."""
        return crypto.decrypt(self.content_enc)
