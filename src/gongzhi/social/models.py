"""The social-organisations room (社会组织工作室): organisations, members, activities and
volunteer hours."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core import clock
from gongzhi.core.access import RestrictedQuerySet
from gongzhi.core.phone import EncryptedPhone


class OrgKind(models.TextChoices):
    PEACEMAKERS = "peacemakers", _("和事佬协会")
    MOTHERS_CHAT = "mothers_chat", _("妈妈唠嗑队")
    VOLUNTEER_TEAM = "volunteer_team", _("志愿服务队")
    OWNERS_COMMITTEE = "owners_committee", _("业委会")
    PROPERTY_COMPANY = "property_company", _("物业企业")
    SERVICE_STATION = "service_station", _("服务站")
    OTHER = "other", _("其他")


class Organisation(models.Model):
    scope_paths = ("grid__path",)

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=OrgKind.choices)
    center = models.ForeignKey(
        "org.Center",
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("综治中心"),
    )
    # Where it works: the center's grid or a grid below it.
    grid = models.ForeignKey(
        "grids.Grid",
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("服务网格"),
    )
    contact = models.CharField(_("负责人"), max_length=50, blank=True)
    description = models.TextField(_("简介"), blank=True, max_length=2000)
    active = models.BooleanField(_("在册"), default=True)
    created_at = models.DateTimeField(default=clock.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("社会组织")
        verbose_name_plural = _("社会组织")
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["center", "name"], name="org_name_once")]

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    scope_paths = ("organisation__grid__path",)

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="members", verbose_name=_("组织")
    )
    name = models.CharField(_("姓名"), max_length=50)
    phone = EncryptedPhone(_("电话"), index=None)  # phone_enc, phone_masked

    if TYPE_CHECKING:  # added by EncryptedPhone
        phone_enc: str
        phone_masked: str
        masked_phone: str

        def set_phone(self, phone: str) -> None: ...

    resident = models.ForeignKey(
        "people.Resident",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="org_memberships",
        verbose_name=_("对应居民"),
    )
    can_mediate = models.BooleanField(_("可担任调解员"), default=False)
    can_visit = models.BooleanField(_("可参与关爱走访"), default=False)
    active = models.BooleanField(_("在册"), default=True)
    joined_on = models.DateField(_("加入日期"), default=clock.today)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("组织成员")
        verbose_name_plural = _("组织成员")
        ordering = ["organisation", "pk"]

    def __str__(self) -> str:
        return self.name


class Activity(models.Model):
    scope_paths = ("organisation__grid__path",)

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="activities", verbose_name=_("组织")
    )
    title = models.CharField(_("活动名称"), max_length=100)
    date = models.DateField(_("活动日期"), db_index=True)
    hours = models.DecimalField(_("时长(小时)"), max_digits=5, decimal_places=1)
    description = models.TextField(_("活动内容"), blank=True, max_length=2000)
    participants = models.ManyToManyField(
        Member, through="Participation", related_name="activities", verbose_name=_("参加成员")
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("组织活动")
        verbose_name_plural = _("组织活动")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return self.title


class Participation(models.Model):
    """One member's volunteer hours at one activity."""

    scope_paths = ("activity__organisation__grid__path",)

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="participations")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="participations")
    hours = models.DecimalField(_("服务时长(小时)"), max_digits=5, decimal_places=1)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "member"], name="participation_once")
        ]

    def __str__(self) -> str:
        return f"{self.member_id}@{self.activity_id} {self.hours}h"
