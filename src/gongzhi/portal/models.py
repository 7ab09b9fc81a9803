"""The residents' portal (金泉之窗): resident accounts, SMS login codes, unit binding and the
message-board layer over cases (moderation, "me too", follows).

Residents are Django users WITHOUT a Staff profile (so `case.reporter_user` and the
workflow's reporter rule work unchanged), but they never sign in through Django auth: the
portal keeps its own session key (see portal.auth), so a resident session opens no staff page.
"""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core import clock
from gongzhi.core.access import RestrictedQuerySet
from gongzhi.core.phone import EncryptedPhone


class ResidentAccount(models.Model):
    scope_paths = ("unit__path",)

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="resident_account"
    )
    phone = EncryptedPhone(_("手机号"), blank=False, index="unique")  # phone_enc/_hash/_masked

    if TYPE_CHECKING:  # added by EncryptedPhone
        phone_enc: str
        phone_hash: str
        phone_masked: str
        masked_phone: str

        def set_phone(self, phone: str) -> None: ...

    resident = models.ForeignKey(
        "people.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit = models.ForeignKey(
        "grids.Grid",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("绑定单元"),
    )
    household = models.ForeignKey(
        "people.Household", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    bound_via = models.CharField(max_length=10, blank=True)  # registry / qr / staff
    # The house number the resident gave when binding (shown to staff who call back).
    house_number = models.CharField(_("门牌号"), max_length=30, blank=True)
    # Where case updates go besides the in-portal message centre (see cases.resident_notify).
    notify_sms = models.BooleanField(_("短信通知"), default=True)
    notify_wechat = models.BooleanField(_("微信订阅消息"), default=True)
    wechat_openid = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(default=clock.now)
    last_login_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("居民账号")
        verbose_name_plural = _("居民账号")

    def __str__(self) -> str:
        return self.phone_masked


class LoginCode(models.Model):
    """A one-time SMS code: only its keyed hash is stored; single use, short-lived."""

    phone_hash = models.CharField(max_length=40, db_index=True)
    code_hash = models.CharField(max_length=40)
    created_at = models.DateTimeField(default=clock.now, db_index=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("登录验证码")
        verbose_name_plural = _("登录验证码")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.phone_hash[:8]} @ {self.created_at:%H:%M}"


class LoginGuard(models.Model):
    """Wrong-code counter per phone; reaching the limit locks the phone for a while."""

    phone_hash = models.CharField(max_length=40, primary_key=True)
    failures = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.phone_hash[:8]} failures={self.failures}"


class BindRequest(models.Model):
    """A resident asks to be bound to a unit; center staff of that unit approve or reject."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待确认")
        APPROVED = "approved", _("已确认")
        REJECTED = "rejected", _("已驳回")

    scope_paths = ("unit__path",)

    account = models.ForeignKey(ResidentAccount, on_delete=models.CASCADE, related_name="binds")
    unit = models.ForeignKey("grids.Grid", on_delete=models.CASCADE, related_name="+")
    house_number = models.CharField(_("门牌号"), max_length=30, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=clock.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("绑定申请")
        verbose_name_plural = _("绑定申请")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.account} → {self.unit_id} ({self.status})"


class BoardSetting(models.Model):
    """Per-community board policy: whether posts wait for approval before they are public."""

    community = models.OneToOneField("grids.Grid", on_delete=models.CASCADE, related_name="+")
    require_approval = models.BooleanField(_("先审后发"), default=False)

    def __str__(self) -> str:
        return f"{self.community_id} approval={self.require_approval}"


class PostModeration(models.Model):
    """The message-board view of a case: visibility, redacted text and the public author."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        PUBLISHED = "published", _("已公开")
        HIDDEN = "hidden", _("已隐藏")

    scope_paths = ("case__grid__path",)

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="board")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    redacted_text = models.TextField(_("脱敏后的内容"), blank=True)
    author_display = models.CharField(max_length=30, default="匿名居民")
    reason = models.CharField(_("处理说明"), max_length=200, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("留言审核")
        verbose_name_plural = _("留言审核")

    def __str__(self) -> str:
        return f"{self.case_id} {self.status}"

    def public_text(self) -> str:
        return self.redacted_text or self.case.description


class PostReaction(models.Model):
    """A resident's "me too" (support) or follow on a post; at most one of each kind."""

    class Kind(models.TextChoices):
        SUPPORT = "support", _("我也遇到")
        FOLLOW = "follow", _("关注")

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="portal_reactions"
    )
    account = models.ForeignKey(ResidentAccount, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "account", "kind"], name="reaction_once")
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.kind} {self.case_id}"
