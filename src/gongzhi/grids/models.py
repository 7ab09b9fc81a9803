"""The five-level grid (五级网格) as a materialized-path tree under one district root."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from gongzhi.core.access import RestrictedQuerySet


class Level(models.IntegerChoices):
    DISTRICT = 0, _("区")
    TOWNSHIP = 1, _("一级网格(乡镇、社区)")
    VILLAGE = 2, _("二级网格(村、居民小组)")
    COMPOUND = 3, _("三级网格(小区、楼院)")
    BUILDING = 4, _("四级网格(楼栋)")
    UNIT = 5, _("五级网格(单元楼)")


LEVEL_SHORT = {
    0: pgettext_lazy("grid level", "区"),
    1: pgettext_lazy("grid level", "一级"),
    2: pgettext_lazy("grid level", "二级"),
    3: pgettext_lazy("grid level", "三级"),
    4: pgettext_lazy("grid level", "四级"),
    5: pgettext_lazy("grid level", "五级"),
}
CODE_STEP = 3  # digits each level adds to the parent's code


class GridQuerySet(MP_NodeQuerySet, RestrictedQuerySet):
    pass


class GridManager(MP_NodeManager):
    def get_queryset(self):
        return GridQuerySet(self.model, using=self._db).order_by("path")

    def restrict(self, user, action: str = "view"):
        return self.get_queryset().restrict(user, action)


class Grid(MP_Node):
    steplen = 4
    scope_paths = ("path",)

    code = models.CharField(_("网格编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    full_name = models.CharField(_("全称"), max_length=400, db_index=True, editable=False)
    level = models.PositiveSmallIntegerField(_("层级"), choices=Level.choices, db_index=True)
    boundary = models.JSONField(_("边界 (GeoJSON)"), null=True, blank=True)
    center_lat = models.FloatField(_("中心纬度"), null=True, blank=True)
    center_lng = models.FloatField(_("中心经度"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("演示数据"), default=False)

    objects = GridManager()

    class Meta:
        verbose_name = _("网格")
        verbose_name_plural = _("网格")
        ordering = ["path"]

    def __str__(self) -> str:
        return f"{self.name}({self.code})"

    @property
    def level_label(self) -> str:
        return LEVEL_SHORT.get(self.level, "")
