"""楼院自治组织: the courtyard self-governance body and its members and issues."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core import clock
from gongzhi.core.access import RestrictedQuerySet
from gongzhi.core.masking import mask_name


class OrgKind(models.TextChoices):
    """The four organisations that make up a 楼院自治组织 (and attend meetings)."""

    PARTY = "party", _("党组织")
    SERVICE_STATION = "service_station", _("服务站")
    OWNERS_COMMITTEE = "owners_committee", _("业委会")
    PROPERTY = "property", _("物业企业")


class CourtyardBody(models.Model):
    scope_paths = ("grid__path",)

    grid = models.ForeignKey(
        "grids.Grid",
        on_delete=models.PROTECT,
        related_name="courtyard_bodies",
        verbose_name=_("所在网格"),
    )
    name = models.CharField(_("名称"), max_length=100)
    meeting_schedule = models.CharField(_("例会安排"), max_length=100, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("楼院自治组织")
        verbose_name_plural = _("楼院自治组织")
        ordering = ["grid__path", "name"]

    def __str__(self) -> str:
        return self.name


class BodyMember(models.Model):
    scope_paths = ("body__grid__path",)

    body = models.ForeignKey(CourtyardBody, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("姓名"), max_length=50)
    org_kind = models.CharField(_("所属组织"), max_length=20, choices=OrgKind.choices)
    role = models.CharField(_("职务"), max_length=50)
    added_at = models.DateTimeField(default=clock.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("组织成员")
        verbose_name_plural = _("组织成员")
        ordering = ["org_kind", "id"]

    def __str__(self) -> str:
        return f"{self.masked_name}({self.role})"

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)


class BodyIssue(models.Model):
    """An item on the body's list of issues (问题清单)."""

    class Status(models.TextChoices):
        OPEN = "open", _("待解决")
        RESOLVED = "resolved", _("已解决")

    scope_paths = ("body__grid__path",)

    body = models.ForeignKey(CourtyardBody, on_delete=models.CASCADE, related_name="issues")
    title = models.CharField(_("问题"), max_length=200)
    description = models.TextField(_("说明"), max_length=2000, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default="open")
    raised_at = models.DateTimeField(_("提出时间"), default=clock.now)
    resolved_at = models.DateTimeField(_("解决时间"), null=True, blank=True)
    resolution = models.TextField(_("解决情况"), max_length=2000, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("问题清单")
        verbose_name_plural = _("问题清单")
        ordering = ["status", "-raised_at"]

    def __str__(self) -> str:
        return self.title
