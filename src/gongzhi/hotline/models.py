"""民情热线: one call to a center's hotline, taken by staff or announced by a telephony system."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core import clock
from gongzhi.core.access import RestrictedQuerySet
from gongzhi.core.phone import EncryptedPhone


class HotlineCall(models.Model):
    """One call to a 民情热线: who called (encrypted + blind index, like people.Resident),
    who took it, the registry match, and how it ended (a case, or an answer on the spot).

    A telephony system may announce a ringing call through the API: it is then PENDING
    until a staff member of that center opens it on the intake screen."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待接听")
        OPEN = "open", _("通话中")
        CASE = "case", _("已立案")
        ANSWERED = "answered", _("当场解答")

    scope_paths = ("center__grid__path",)

    center = models.ForeignKey(
        "org.Center", on_delete=models.PROTECT, related_name="+", verbose_name=_("综治中心")
    )
    line = models.CharField(_("呼入热线"), max_length=20, blank=True)
    caller = EncryptedPhone(_("来电号码"), blank=False)  # caller_enc, caller_hash, caller_masked

    if TYPE_CHECKING:  # added by EncryptedPhone
        caller_enc: str
        caller_hash: str
        caller_masked: str
        masked_caller: str

        def set_caller(self, caller: str) -> None: ...

    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    source = models.CharField(max_length=10, default="manual")  # manual / api
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("接听人"),
    )
    resident = models.ForeignKey(
        "people.Resident",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("匹配居民"),
    )
    matter = models.TextField(_("来电事项"), blank=True)
    answer = models.TextField(_("当场答复"), blank=True)
    notes = models.TextField(_("备注"), blank=True)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    token = models.CharField(max_length=100, blank=True)  # the intake form that finished it
    started_at = models.DateTimeField(_("来电时间"), default=clock.now, db_index=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("热线来电")
        verbose_name_plural = _("热线来电")
        ordering = ["-started_at", "-pk"]
        db_table = "portal_hotlinecall"  # made by the portal app; moved without moving data

    def __str__(self) -> str:
        return f"{self.caller_masked} @ {self.started_at:%Y-%m-%d %H:%M}"
