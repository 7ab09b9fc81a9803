"""The five-level grid (五级网格) as a materialized-path tree.

The tree starts at a district (区) in a single-district deployment, or at a province (省) or
city (市) above several districts; each district keeps its own five levels below it. Levels
count from the district (0), so the levels above it are negative and a district's levels mean
the same at any depth: a grid's tree depth is its district's depth plus its level.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from gongzhi.core.access import RestrictedQuerySet


class Level(models.IntegerChoices):
    PROVINCE = -2, _("省")
    CITY = -1, _("市")
    DISTRICT = 0, _("区")
    TOWNSHIP = 1, _("一级网格(乡镇、社区)")
    VILLAGE = 2, _("二级网格(村、居民小组)")
    COMPOUND = 3, _("三级网格(小区、楼院)")
    BUILDING = 4, _("四级网格(楼栋)")
    UNIT = 5, _("五级网格(单元楼)")


LEVEL_SHORT = {
    -2: pgettext_lazy("grid level", "省"),
    -1: pgettext_lazy("grid level", "市"),
    0: pgettext_lazy("grid level", "区"),
    1: pgettext_lazy("grid level", "一级"),
    2: pgettext_lazy("grid level", "二级"),
    3: pgettext_lazy("grid level", "三级"),
    4: pgettext_lazy("grid level", "四级"),
    5: pgettext_lazy("grid level", "五级"),
}
CODE_STEP = 3  # digits each level adds to the parent's code
BBOX_FIELDS = ("min_lng", "min_lat", "max_lng", "max_lat")


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
    level = models.SmallIntegerField(_("层级"), choices=Level.choices, db_index=True)
    boundary = models.JSONField(_("边界 (GeoJSON)"), null=True, blank=True)
    # The boundary's bounding box (WGS84 degrees), for quick map and area filters.
    min_lng = models.FloatField(_("最小经度"), null=True, blank=True, editable=False)
    min_lat = models.FloatField(_("最小纬度"), null=True, blank=True, editable=False)
    max_lng = models.FloatField(_("最大经度"), null=True, blank=True, editable=False)
    max_lat = models.FloatField(_("最大纬度"), null=True, blank=True, editable=False)
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

    # Boundary bookkeeping: a save that changes the boundary refreshes the bounding box and
    # the boundary version (so every process rebuilds its point index). Bulk writes (seed,
    # import) do the same through grids.geo.boundaries_changed().
    _loaded_boundary = None

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_boundary = instance.__dict__.get("boundary")
        return instance

    def save(self, *args, **kwargs):
        fields = kwargs.get("update_fields")
        written = fields is None or "boundary" in fields
        deferred = "boundary" in self.get_deferred_fields()
        changed = written and not deferred and self.boundary != self._loaded_boundary
        if changed:
            from gongzhi.grids.geometry import GeometryError, bbox_fields, parse

            try:
                shape = parse(self.boundary) if self.boundary is not None else None
            except GeometryError:
                shape = None
            for name, value in bbox_fields(shape).items():
                setattr(self, name, value)
            if fields is not None:
                kwargs["update_fields"] = {*fields, *BBOX_FIELDS}
        super().save(*args, **kwargs)
        if changed:
            from gongzhi.grids.geo import boundaries_changed

            boundaries_changed()
            self._loaded_boundary = self.boundary

    @property
    def level_label(self) -> str:
        return str(LEVEL_SHORT.get(self.level, ""))

    @property
    def above_district(self) -> bool:
        """A province or city grid: it holds districts, not households."""
        return self.level < Level.DISTRICT

    def depth_of(self, level: int) -> int:
        """The tree depth of `level` in this grid's district (any level ≥ 0 of it)."""
        return self.depth - self.level + level

    def ancestor_path(self, level: int) -> str:
        """The path of this grid's ancestor (or itself) on `level`; '' above its own level."""
        if level > self.level:
            return ""
        return self.path[: self.depth_of(level) * self.steplen]

    @property
    def district_path(self) -> str:
        """The path of the district this grid lies in ('' for a province or city grid)."""
        return self.ancestor_path(Level.DISTRICT) if not self.above_district else ""


class BoundaryVersion(models.Model):
    """One row whose token changes with every boundary change (seed, import, admin edit).

    Each process keeps its point-to-grid index (grids.geo) with the token it was built from
    and rebuilds it when the stored token differs: one primary-key read per look-up.
    """

    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("网格边界版本")
        verbose_name_plural = _("网格边界版本")

    def __str__(self) -> str:
        return self.token


class BoundaryImport(models.Model):
    """An uploaded boundary file that passed validation, waiting for (or past) confirmation.

    A file with any error is never stored; this row holds the checked geometries, so the
    confirmation writes exactly what the preview showed.
    """

    class Status(models.TextChoices):
        PREVIEW = "preview", _("待确认")
        APPLIED = "applied", _("已导入")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("导入人"),
    )  # None: the import_boundaries command
    filename = models.CharField(_("文件名"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices)
    boundaries = models.JSONField(_("边界"), default=dict)  # {grid code: GeoJSON geometry}
    report = models.JSONField(_("预览"), default=dict)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    applied_at = models.DateTimeField(_("导入时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("网格边界导入")
        verbose_name_plural = _("网格边界导入")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.filename
