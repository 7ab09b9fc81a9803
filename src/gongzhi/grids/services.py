"""Writes to the grid tree. Every change keeps path, code, level and full_name consistent."""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.access import can
from gongzhi.core.paths import subtree_q
from gongzhi.core.roles import MANAGE_GRIDS
from gongzhi.grids.boundaries import (
    MESSAGES_SHOWN,
    TOLERANCE_M,
    BoundaryPreview,
    boundary_preview,
)
from gongzhi.grids.boundary_files import BoundaryFileError, SourceFeature, read_boundary_file
from gongzhi.grids.geo import boundaries_changed
from gongzhi.grids.models import BBOX_FIELDS, CODE_STEP, BoundaryImport, Grid, Level

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


class GridError(ValueError):
    pass


def _next_code(parent: Grid) -> str:
    """Next free child code; safe under the caller's lock on the parent."""
    codes = Grid.objects.filter(subtree_q("path", parent.path), depth=parent.depth + 1)
    used = [int(c[-CODE_STEP:]) for c in codes.values_list("code", flat=True)]
    seq = max(used, default=0) + 1
    if seq >= 10**CODE_STEP:
        raise GridError(_("该网格下的子网格编号已用尽"))
    return f"{parent.code}{seq:0{CODE_STEP}d}"


def grid_create_root(*, name: str | None = None, code: str | None = None, **extra: Any) -> Grid:
    fields = {
        "name": name or settings.DISTRICT_NAME,
        "code": code or settings.DISTRICT_CODE,
        "full_name": "",
        "level": Level.DISTRICT,
    }
    return Grid.objects.add_root(fields | extra)


@transaction.atomic
def grid_add_child(*, parent: Grid, name: str, **extra: Any) -> Grid:
    """A grid one level below `parent`: a city under a province, a district under a city
    (give its administrative code), a level-1 grid under a district, and so on."""
    parent = Grid.objects.select_for_update().get(pk=parent.pk)
    if parent.level >= Level.UNIT:
        raise GridError(_("五级网格(单元楼)下不能再划分网格"))
    fields = {
        "name": name,
        "code": extra.pop("code", None) or _next_code(parent),
        # A district's grids are named from the district down (肃州区金泉路社区…).
        "full_name": name if parent.above_district else parent.full_name + name,
        "level": parent.level + 1,
    }
    return Grid.objects.add_child(parent, fields | extra)


@transaction.atomic
def grid_add_above(*, name: str, code: str, level: int) -> Grid:
    """Put a province or city above the tree's current root(s), in place: every district
    keeps its levels, codes, centers and rows; only the paths gain a prefix. (Materialized
    paths copied elsewhere, the KPI days, must be rebuilt after: `gongzhi grid_add_above`.)"""
    roots = list(Grid.objects.select_for_update().filter(depth=1).order_by("path"))
    if level not in (Level.PROVINCE, Level.CITY):
        raise GridError(_("只能在区之上添加市或省"))
    if not roots:
        raise GridError(_("还没有网格,无需添加上级"))
    if any(r.level != level + 1 for r in roots):
        raise GridError(_("现有的顶级网格不是%(level)s的下一级") % {"level": Level(level).label})
    if Grid.objects.filter(code=code).exists():
        raise GridError(_("网格编码已存在:%(code)s") % {"code": code})
    top = Grid.objects.add_root({"name": name, "code": code, "full_name": "", "level": level})
    for root in roots:
        Grid.objects.move(Grid.objects.get(pk=root.pk), Grid.objects.get(pk=top.pk), "last-child")
    if level == Level.PROVINCE:  # its cities' names start the cities' full names
        Grid.objects.filter(subtree_q("path", top.path), depth=2).update(full_name=F("name"))
    elif roots[0].full_name == "":  # a district that was the root: its grids gain its name
        for root in Grid.objects.filter(subtree_q("path", top.path), depth=2):
            _rewrite_prefix(root, "full_name", "", root.name)
    top.refresh_from_db()
    return top


@transaction.atomic
def grid_rename(*, grid: Grid, name: str) -> Grid:
    name = (name or "").strip()
    if not name:
        raise GridError(_("网格名称不能为空"))
    grid = Grid.objects.select_for_update().get(pk=grid.pk)
    old_full = grid.full_name
    new_full = old_full[: len(old_full) - len(grid.name)] + name
    Grid.objects.filter(pk=grid.pk).update(name=name)
    _rewrite_prefix(grid, "full_name", old_full, new_full)
    grid.refresh_from_db()
    return grid


@transaction.atomic
def grid_move(*, grid: Grid, new_parent: Grid) -> Grid:
    """Move a subtree under a new parent of the level above; codes and names follow."""
    grid = Grid.objects.select_for_update().get(pk=grid.pk)
    new_parent = Grid.objects.select_for_update().get(pk=new_parent.pk)
    if new_parent.level != grid.level - 1:
        raise GridError(_("只能移动到上一级网格之下"))
    if new_parent.path.startswith(grid.path):
        raise GridError(_("不能把网格移动到它自己的下级"))
    old_code, old_full = grid.code, grid.full_name
    new_code = _next_code(new_parent)
    new_full = new_parent.full_name + grid.name
    Grid.objects.move(grid, new_parent, "last-child")
    grid.refresh_from_db()
    _rewrite_prefix(grid, "code", old_code, new_code)
    _rewrite_prefix(grid, "full_name", old_full, new_full)
    grid.refresh_from_db()
    return grid


def _rewrite_prefix(grid: Grid, field: str, old: str, new: str) -> None:
    """Replace `old` at the start of `field` across the subtree, in one UPDATE."""
    Grid.objects.filter(subtree_q("path", grid.path)).update(
        **{field: Concat(Value(new), Substr(field, Length(Value(old)) + 1))}
    )


# --- boundaries ----------------------------------------------------------------------------


@transaction.atomic
def grid_boundary_set(*, grid: Grid, boundary: dict | None) -> Grid:
    """One grid's boundary (checked GeoJSON, or None to clear it), with its bounding box;
    the boundary version changes, so every process rebuilds its point index."""
    from gongzhi.grids.geometry import GeometryError, as_geojson, bbox_fields, parse

    shape = None
    if boundary is not None:
        try:
            shape = parse(boundary)
        except GeometryError as exc:
            raise ValidationError({"boundary": str(exc)}) from None
    fields = {"boundary": as_geojson(shape) if shape is not None else None} | bbox_fields(shape)
    Grid.objects.filter(pk=grid.pk).update(**fields)
    boundaries_changed()
    grid.refresh_from_db()
    return grid


_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")


def _require_manage_grids(by: Actor) -> None:
    """`by=None` is the import_boundaries command (a shell on the server)."""
    if by is not None and not can(by, MANAGE_GRIDS):
        raise PermissionDenied(_("只有区管理员可以导入网格边界"))


def _features_of(boundaries: dict) -> list[SourceFeature]:
    return [
        SourceFeature(number=i, code=code, name="", geometry=geometry)
        for i, (code, geometry) in enumerate(boundaries.items(), start=1)
    ]


def _refuse(preview: BoundaryPreview) -> ValidationError:
    errors = preview.errors[:MESSAGES_SHOWN] or [_("文件中没有可导入的边界")]
    if len(preview.errors) > MESSAGES_SHOWN:
        errors.append(_("……另有 %(n)d 个问题") % {"n": len(preview.errors) - MESSAGES_SHOWN})
    return ValidationError(errors)


def boundary_import_create(
    *,
    by: Actor,
    filename: str,
    data: bytes,
    tolerance_m: float = TOLERANCE_M,
    code_field: str = "",
) -> BoundaryImport:
    """Read and check a boundary file and keep it for confirmation (status 待确认).

    A file with any error raises ValidationError with every message; nothing is stored.
    """
    _require_manage_grids(by)
    try:
        features = read_boundary_file(data, filename, code_field=code_field)
    except BoundaryFileError as exc:
        raise ValidationError(str(exc)) from None
    preview = boundary_preview(features, tolerance_m=tolerance_m)
    if not preview.ok:
        raise _refuse(preview)
    return BoundaryImport.objects.create(
        owner=by,
        filename=_CONTROLS.sub("", os.path.basename(filename or ""))[:200] or "boundaries",
        status=BoundaryImport.Status.PREVIEW,
        boundaries=preview.boundaries,
        report=preview.report(),
    )


@transaction.atomic
def boundary_import_apply(*, by: Actor, job: BoundaryImport) -> int:
    """Write the checked boundaries of an import (checked again against today's rows).

    Sets each grid's boundary and bounding box, moves its center onto the new boundary
    when it lies outside, and changes the boundary version: every process rebuilds its
    point index on its next look-up. Returns the number of grids written.
    """
    from shapely.geometry import Point

    from gongzhi.grids.geometry import bbox_fields, parse

    _require_manage_grids(by)
    job = BoundaryImport.objects.select_for_update().get(pk=job.pk)
    if by is not None and job.owner_id != by.pk:
        raise PermissionDenied(_("只能确认自己上传的边界文件"))
    if job.status == BoundaryImport.Status.APPLIED:
        return 0  # a double submit
    preview = boundary_preview(
        _features_of(job.boundaries), tolerance_m=job.report.get("tolerance_m", TOLERANCE_M)
    )
    if not preview.ok:
        raise _refuse(preview)
    grids = list(Grid.objects.select_for_update().filter(code__in=list(job.boundaries)))
    for grid in grids:
        shape = parse(job.boundaries[grid.code])
        grid.boundary = job.boundaries[grid.code]
        for name, value in bbox_fields(shape).items():
            setattr(grid, name, value)
        has_center = grid.center_lat is not None and grid.center_lng is not None
        if not has_center or not shape.covers(Point(grid.center_lng, grid.center_lat)):
            inside = shape.point_on_surface()
            grid.center_lat, grid.center_lng = round(inside.y, 6), round(inside.x, 6)
    fields = ["boundary", *BBOX_FIELDS, "center_lat", "center_lng"]
    Grid.objects.bulk_update(grids, fields, batch_size=500)
    boundaries_changed()
    job.status, job.applied_at = BoundaryImport.Status.APPLIED, timezone.now()
    job.save(update_fields=["status", "applied_at"])
    return len(grids)
