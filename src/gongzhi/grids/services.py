"""Writes to the grid tree. Every change keeps path, code, level and full_name consistent."""

from django.conf import settings
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Length, Substr
from django.utils.translation import gettext as _

from gongzhi.core.paths import subtree_q
from gongzhi.grids.models import CODE_STEP, Grid, Level


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


def grid_create_root(*, name: str | None = None, code: str | None = None, **extra) -> Grid:
    fields = {
        "name": name or settings.DISTRICT_NAME,
        "code": code or settings.DISTRICT_CODE,
        "full_name": "",
        "level": Level.DISTRICT,
    }
    return Grid.objects.add_root(fields | extra)


@transaction.atomic
def grid_add_child(*, parent: Grid, name: str, **extra) -> Grid:
    parent = Grid.objects.select_for_update().get(pk=parent.pk)
    if parent.level >= Level.UNIT:
        raise GridError(_("五级网格(单元楼)下不能再划分网格"))
    fields = {
        "name": name,
        "code": extra.pop("code", None) or _next_code(parent),
        "full_name": parent.full_name + name,
        "level": parent.level + 1,
    }
    return Grid.objects.add_child(parent, fields | extra)


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
