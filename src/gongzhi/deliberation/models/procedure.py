"""Proposals (提议), the deliberation procedure (议事) and its meetings (议事会议)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.core import clock
from gongzhi.core.access import RestrictedQuerySet
from gongzhi.core.masking import mask_name

from .bodies import OrgKind


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("征集支持中")
    ADOPTED = "adopted", _("已进入议事")
    DECLINED = "declined", _("未采纳")


class Proposal(models.Model):
    scope_paths = ("grid__path",)

    grid = models.ForeignKey(
        "grids.Grid", on_delete=models.PROTECT, related_name="proposals", verbose_name=_("网格")
    )
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("内容"), max_length=4000)
    # Exactly one proposer: a resident (portal / recorded by staff) or a staff member.
    proposer_resident = models.ForeignKey(
        "people.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposer_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.OPEN
    )
    created_at = models.DateTimeField(_("提出时间"), default=clock.now, db_index=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("议事提议")
        verbose_name_plural = _("议事提议")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def proposer_display(self) -> str:
        if self.proposer_resident is not None:
            return _("居民 %(name)s") % {"name": self.proposer_resident.masked_name}
        staff = getattr(self.proposer_user, "staff", None)
        return _("工作人员 %(name)s") % {"name": staff.name if staff else self.proposer_user}


class ProposalSupport(models.Model):
    scope_paths = ("proposal__grid__path",)

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    resident = models.ForeignKey("people.Resident", on_delete=models.CASCADE, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("附议")
        verbose_name_plural = _("附议")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "resident"], name="support_once")
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}/{self.resident_id}"


class DeliberationStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("议事中")
    VOTING = "voting", _("表决中")
    CLOSED = "closed", _("已结束")


class Deliberation(models.Model):
    """A 社区议事程序 for the households under one grid subtree."""

    scope_paths = ("grid__path",)

    grid = models.ForeignKey(
        "grids.Grid",
        on_delete=models.PROTECT,
        related_name="deliberations",
        verbose_name=_("议事范围"),
    )
    title = models.CharField(_("议题"), max_length=200)
    description = models.TextField(_("说明"), max_length=4000, blank=True)
    proposal = models.OneToOneField(
        Proposal,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliberation",
        verbose_name=_("来源提议"),
    )
    status = models.CharField(_("状态"), max_length=10, choices=DeliberationStatus.choices)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("发起人"),
    )
    created_at = models.DateTimeField(_("发起时间"), default=clock.now, db_index=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("议事")
        verbose_name_plural = _("议事")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Meeting(models.Model):
    """A meeting of a deliberation (议事会) or a courtyard body's regular meeting (例会)."""

    scope_paths = ("grid__path",)

    deliberation = models.ForeignKey(
        Deliberation, null=True, blank=True, on_delete=models.CASCADE, related_name="meetings"
    )
    body = models.ForeignKey(
        "deliberation.CourtyardBody",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="meetings",
    )
    # The owner's grid, copied so the scope filter needs no join through either owner.
    grid = models.ForeignKey("grids.Grid", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("会议名称"), max_length=200)
    agenda = models.TextField(_("议程"), max_length=4000)
    place = models.CharField(_("地点"), max_length=200)
    scheduled_at = models.DateTimeField(_("会议时间"))
    minutes = models.TextField(_("会议纪要"), max_length=20000, blank=True)
    minutes_recorded_at = models.DateTimeField(null=True, blank=True)
    minutes_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering = ["-scheduled_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deliberation__isnull=True) ^ Q(body__isnull=True),
                name="meeting_has_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def held(self) -> bool:
        return self.minutes_recorded_at is not None


class MeetingAttendance(models.Model):
    """One attendee: a household (or its representative) or one of the four organisations."""

    scope_paths = ("meeting__grid__path",)

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    household = models.ForeignKey(
        "people.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    org_kind = models.CharField(_("组织"), max_length=20, choices=OrgKind.choices, blank=True)
    representative = models.CharField(_("代表"), max_length=50, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("参会")
        verbose_name_plural = _("参会")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "household"],
                condition=Q(household__isnull=False),
                name="attend_household_once",
            ),
            models.UniqueConstraint(
                fields=["meeting", "org_kind"],
                condition=~Q(org_kind=""),
                name="attend_org_once",
            ),
        ]

    def __str__(self) -> str:
        return self.get_org_kind_display() or str(self.household_id)

    @property
    def masked_representative(self) -> str:
        return mask_name(self.representative)
