"""API keys for Open311 clients, and what Open311 adds to a case (token, media link, ids)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core import clock


class ApiKey(models.Model):
    """A client's key. Only its SHA-256 is stored; the key itself is shown once at creation."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    prefix = models.CharField(_("前缀"), max_length=16, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The account the cases are created "by" (scope check and timeline actor).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="open311_keys",
        verbose_name=_("代理账号"),
    )
    created_at = models.DateTimeField(_("创建时间"), default=clock.now)
    revoked_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("开放接口密钥")
        verbose_name_plural = _("开放接口密钥")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class ServiceRequest(models.Model):
    """The Open311 side of a case created through the API (one per case)."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, related_name="open311", primary_key=True
    )
    api_key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, related_name="requests")
    token = models.CharField(max_length=40, unique=True)
    account_id = models.CharField(max_length=100, blank=True)
    device_id = models.CharField(max_length=100, blank=True)
    email_enc = models.TextField(blank=True, editable=False)
    # A link only: the intranet server never fetches it.
    media_url = models.URLField(max_length=500, blank=True)
    address_id = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("开放接口诉求")
        verbose_name_plural = _("开放接口诉求")

    def __str__(self) -> str:
        return f"{self.case_id} {self.token}"
