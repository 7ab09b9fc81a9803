"""The case (事件), its immutable timeline, attachments and follow-up ratings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models, router
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.core import clock
from gongzhi.core.access import RestrictedQuerySet
from gongzhi.core.masking import mask_name, mask_phone
from gongzhi.core.partitions import case_ids_assign

from .catalog import Urgency


class Channel(models.TextChoices):
    MESSAGE_BOARD = "message_board", _("留言板")
    HOTLINE = "hotline", _("热线")
    WINDOW = "window", _("窗口")
    PATROL = "patrol", _("网格员巡查")
    CALL_BUTTON = "call_button", _("呼叫键")
    LIVE_ROOM = "live_room", _("直播间")
    KIOSK = "kiosk", _("自助终端")
    OPEN311 = "open311", _("开放接口")


class State(models.TextChoices):
    REPORTED = "reported", _("上报")
    ACCEPTED = "accepted", _("已受理")
    REJECTED = "rejected", _("不予受理")
    SELF_HANDLING = "self_handling", _("网格内自办")
    DISPATCHED = "dispatched", _("已派遣")
    ESCALATED = "escalated", _("已上报上级")
    SIGNED = "signed", _("已签收")
    IN_PROGRESS = "in_progress", _("处置中")
    EXTENSION_REQUESTED = "extension_requested", _("延期申请中")
    RETURNED = "returned", _("已退回")
    RESOLVED = "resolved", _("已办结待核查")
    VERIFIED = "verified", _("核查通过")
    CLOSED = "closed", _("已结案")
    FOLLOWED_UP = "followed_up", _("已回访")
    ARCHIVED = "archived", _("已归档")
    MERGED = "merged", _("重复件已合并")
    DIVERTED = "diverted", _("已转诉讼/仲裁/信访")
    TERMINATED = "terminated", _("已终止")


class OwningLevel(models.IntegerChoices):
    """The escalation ladder. Grid levels keep their numbers; larger = closer to the resident."""

    UNIT = 5, _("五级网格")
    BUILDING = 4, _("四级网格")
    COMPOUND = 3, _("三级网格")
    VILLAGE = 2, _("二级网格")
    TOWNSHIP_GRID = 1, _("一级网格")
    COMMUNITY_CENTER = 0, _("社区(乡镇)综治中心")
    DISTRICT_CENTER = -1, _("区综治中心")


class Supervision(models.TextChoices):
    NONE = "none", _("无")
    YELLOW = "yellow", _("黄牌督办")
    RED = "red", _("红牌督办")


class DivertRoute(models.TextChoices):
    LITIGATION = "litigation", _("诉讼")
    ARBITRATION = "arbitration", _("仲裁")
    PETITION = "petition", _("信访")


class DailyCounter(models.Model):
    """Last number issued per local day on SQLite (PostgreSQL uses a sequence per day)."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day} #{self.last}"


class CaseQuerySet(RestrictedQuerySet):
    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> Any:
        objs = list(objs)
        case_ids_assign(objs, self.db)  # PostgreSQL: the id picks the year partition
        return super().bulk_create(objs, *args, **kwargs)


# (field, index name): indexed only where not null. handle_red_at: KPI denominators select
# by deadline; followed_up_at: by the rating, under KPI_RATED_COUNTS_AT=rating (docs/kpis.md).
PARTIAL_INDEXES = (
    ("reporter_resident", "case_reporter_resident_idx"),
    ("reporter_user", "case_reporter_user_idx"),
    ("created_by", "case_created_by_idx"),
    ("assignee_staff", "case_assignee_staff_idx"),
    ("assignee_room", "case_assignee_room_idx"),
    ("assignee_department", "case_assignee_dept_idx"),
    ("merged_into", "case_merged_into_idx"),
    ("closed_at", "case_closed_at_idx"),
    ("handle_red_at", "case_handle_red_idx"),
    ("followed_up_at", "case_followed_up_idx"),
)


class Case(models.Model):
    scope_paths = ("grid__path",)

    number = models.CharField(_("编号"), max_length=20, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("描述"), max_length=4000)
    category = models.ForeignKey(
        "cases.Category", on_delete=models.PROTECT, related_name="cases", verbose_name=_("类别")
    )
    extra = models.JSONField(_("附加信息"), default=dict, blank=True)
    channel = models.CharField(_("来源渠道"), max_length=20, choices=Channel.choices)
    grid = models.ForeignKey(
        "grids.Grid",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("所在网格"),
        db_index=False,  # (grid, created_at) below serves it
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    # Reporter: a resident, a (possibly anonymous) contact, and/or staff acting on their behalf.
    reporter_resident = models.ForeignKey(
        "people.Resident",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
        db_index=False,  # a partial index in Meta
    )
    reporter_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_cases",
        db_index=False,
    )
    contact_name_masked = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True)
    contact_name_enc = models.TextField(blank=True, editable=False)
    contact_phone_enc = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="created_cases",
        db_index=False,
    )
    parties = models.TextField(_("当事人"), blank=True)
    urgency = models.CharField(
        _("紧急程度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    is_public = models.BooleanField(_("公开"), default=False)

    state = models.CharField(_("状态"), max_length=20, choices=State.choices)  # (state, level)
    prior_state = models.CharField(max_length=20, choices=State.choices, blank=True)
    owning_level = models.SmallIntegerField(_("主办层级"), choices=OwningLevel.choices)
    owning_grid = models.ForeignKey(
        "grids.Grid",
        on_delete=models.PROTECT,
        related_name="owned_cases",
        verbose_name=_("主办网格"),
    )
    assignee_staff = models.ForeignKey(
        "org.Staff",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
        db_index=False,
    )
    assignee_room = models.ForeignKey(
        "org.Room",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
        db_index=False,
    )
    assignee_department = models.ForeignKey(
        "org.Department",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
        db_index=False,
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
        db_index=False,
    )
    diverted_to = models.CharField(max_length=15, choices=DivertRoute.choices, blank=True)

    # Milestones (KPIs are aggregate SQL over these).
    created_at = models.DateTimeField(_("上报时间"), default=clock.now, db_index=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    followed_up_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=clock.now)
    accepted_on_time = models.BooleanField(null=True)
    resolved_on_time = models.BooleanField(null=True)

    # Deadlines, stored (computed by services.deadlines from a versioned policy).
    accept_yellow_at = models.DateTimeField(null=True, blank=True)
    accept_red_at = models.DateTimeField(null=True, blank=True)
    handle_yellow_at = models.DateTimeField(null=True, blank=True)
    handle_red_at = models.DateTimeField(null=True, blank=True)
    verify_yellow_at = models.DateTimeField(null=True, blank=True)
    verify_red_at = models.DateTimeField(null=True, blank=True)
    policy_version = models.PositiveIntegerField(null=True, blank=True)
    extension_until = models.DateTimeField(null=True, blank=True)
    # The sweep reads only next_check_at (one indexed range); alert_stage says which
    # thresholds of the current phase were already acted on (0 none, 1 yellow, 2 red).
    next_check_at = models.DateTimeField(null=True, blank=True, db_index=True)
    alert_stage = models.PositiveSmallIntegerField(default=0)

    supervision = models.CharField(
        _("督办"), max_length=10, choices=Supervision.choices, default=Supervision.NONE
    )
    overdue = models.BooleanField(_("超时"), default=False)
    escalation_count = models.PositiveSmallIntegerField(default=0)
    resolved_level = models.SmallIntegerField(
        _("化解层级"), choices=OwningLevel.choices, null=True, blank=True
    )
    rehandle_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)
    rework_count = models.PositiveSmallIntegerField(_("返工次数"), default=0)
    satisfaction = models.CharField(_("满意度"), max_length=15, blank=True)
    # The latest follow-up's "was it resolved" answer, copied here so that 解决率 is one more
    # FILTER in the KPI aggregate instead of a look-up into the follow-ups per case.
    follow_up_resolved = models.BooleanField(null=True)

    version = models.PositiveIntegerField(default=1)
    idempotency_key = models.CharField(max_length=100, unique=True, null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("事件")
        verbose_name_plural = _("事件")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["state", "owning_level"]),
            models.Index(fields=["grid", "created_at"]),
            # KPI denominators select by deadline (cases due within the period).
            models.Index(fields=["accept_red_at"], name="case_accept_red_idx"),
            # Columns a new case leaves empty are indexed only where they are set, so a create
            # maintains up to ten indexes fewer (docs/decisions.md, "Partial indexes on cases").
            # Every look-up by value or range implies IS NOT NULL, so these serve it.
            *(
                models.Index(fields=[field], name=name, condition=Q(**{f"{field}__isnull": False}))
                for field, name in PARTIAL_INDEXES
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is None and self._state.adding:
            case_ids_assign([self], kwargs.get("using") or router.db_for_write(Case))
            if self.pk is not None:  # PostgreSQL: a new id, so no UPDATE attempt first
                kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    @property
    def contact_display(self) -> str:
        return " ".join(p for p in (self.contact_name_masked, self.contact_phone_masked) if p)

    def set_contact(self, name: str, phone: str) -> None:
        from gongzhi.core import crypto

        self.contact_name_enc = crypto.encrypt(name)
        self.contact_phone_enc = crypto.encrypt(phone)
        self.contact_name_masked = mask_name(name)
        self.contact_phone_masked = mask_phone(phone)


class CaseEvent(models.Model):
    """One line of the timeline. Append-only: who (None = the system), what, from → to."""

    scope_paths = ("case__grid__path",)

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case_events",
    )
    action = models.CharField(_("动作"), max_length=30)
    from_state = models.CharField(max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=State.choices, blank=True)
    comment = models.TextField(_("意见"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=clock.now, db_index=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("事件流转记录")
        verbose_name_plural = _("事件流转记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action} {self.from_state}→{self.to_state}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk:
            raise ValueError("case events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("case events are append-only")


class Attachment(models.Model):
    scope_paths = ("case__grid__path",)

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(
        CaseEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    file = models.FileField(upload_to="cases/%Y/%m/")
    thumbnail = models.FileField(upload_to="cases/thumbs/%Y/%m/", blank=True)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.original_name


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class FollowUp(models.Model):
    """回访评价. One row per follow-up; the latest rating is also copied to the case."""

    scope_paths = ("case__grid__path",)

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rating = models.CharField(_("评价"), max_length=15, choices=Rating.choices)
    stars = models.PositiveSmallIntegerField(_("星级"))
    resolved = models.BooleanField(_("问题已解决"), default=True)
    comment = models.TextField(_("意见"), blank=True)
    at = models.DateTimeField(default=clock.now, db_index=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("回访评价")
        verbose_name_plural = _("回访评价")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stars__gte=1, stars__lte=5), name="followup_stars_1_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.rating}"
