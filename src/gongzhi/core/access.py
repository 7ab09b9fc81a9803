"""Grid-scoped access: the one mechanism every list, page, API, search and export uses.

Each restricted model declares `scope_paths` (lookups to a grid path). A user's scope is
a set of grid paths (their subtree roots); `restrict(qs, user, action)` keeps the rows
whose grid path starts with one of them. A subtree filter is a prefix match on an indexed
materialized path, so it is one indexed query at any depth.
"""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

from gongzhi.core.paths import subtree_q
from gongzhi.core.roles import CHANGE, DENIED, DISTRICT_WIDE, WRITE_ACTIONS, Role, has

if TYPE_CHECKING:
    from gongzhi.core.types import AnyUser
    from gongzhi.grids.models import Grid
    from gongzhi.org.models import Staff


_SCOPE_CACHE = "_gongzhi_scope"


def staff_of(user: AnyUser) -> Staff | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.staff
    except Exception:  # noqa: BLE001 - RelatedObjectDoesNotExist
        return None


def role_of(user: AnyUser) -> str | None:
    if getattr(user, "is_superuser", False):
        return Role.ADMIN
    staff = staff_of(user)
    return staff.role if staff and staff.active else None


def district_wide(user: AnyUser) -> bool:
    """Whether the user sees the whole deployment: an admin or leader of its top center (the
    district in a single-district deployment), or one bound to no center."""
    return role_of(user) in DISTRICT_WIDE and scope_paths(user) is None


def can(user: AnyUser, capability: str, grid: Grid | None = None) -> bool:
    """Whether the user's role has the capability (core.roles) and, given a grid, whether
    that grid is inside the user's scope."""
    if not has(role_of(user), capability):
        return False
    return grid is None or grid_in_scope(user, grid)


def require(
    user: AnyUser, capability: str, grid: Grid | None = None, message: str | None = None
) -> None:
    """`can` or PermissionDenied, whose Chinese message the views show (403): `message`, else
    the capability's own (core.roles.DENIED)."""
    if not can(user, capability, grid):
        raise PermissionDenied(message or DENIED.get(capability) or _("您无权进行此操作"))


def scope_paths(user: AnyUser) -> tuple[str, ...] | None:
    """Grid paths the user may see below. None means the whole deployment; () means nothing.

    Staff see the subtrees of their center and their grid assignments. Admins and leaders
    (DISTRICT_WIDE) see the whole district of their center whatever their assignments, or the
    whole city or province when their center is one of those: a district's leader sees their
    district, a city's leader its districts. One whose district is the tree's root (every
    admin and leader of a single-district deployment), or who has no center (a deployment's
    superuser), sees the whole deployment, rows without a grid included."""
    if hasattr(user, _SCOPE_CACHE):
        return getattr(user, _SCOPE_CACHE)
    role = role_of(user)
    staff = staff_of(user)
    result: tuple[str, ...] | None
    if role is None:
        result = ()
    elif role in DISTRICT_WIDE:
        grid = staff.center.grid if staff is not None and staff.center_id else None
        top = grid.district_path or grid.path if grid is not None else ""
        result = (top,) if top and not _is_root(top) else None
    else:
        paths = set(staff.grid_assignments.values_list("grid__path", flat=True))
        if staff.center_id:
            paths.add(staff.center.grid.path)
        result = _minimal(paths)
    setattr(user, _SCOPE_CACHE, result)
    return result


def _is_root(path: str) -> bool:
    from gongzhi.grids.models import Grid  # grids.models imports this module

    return len(path) == Grid.steplen


def _minimal(paths: set[str]) -> tuple[str, ...]:
    """Drop paths already covered by an ancestor in the set."""
    kept: list[str] = []
    for path in sorted(paths):
        if not kept or not path.startswith(kept[-1]):
            kept.append(path)
    return tuple(kept)


def path_q(lookups: tuple[str, ...], paths: tuple[str, ...]) -> Q:
    return reduce(or_, (subtree_q(lk, p) for lk in lookups for p in paths))


def restrict(qs: models.QuerySet, user: AnyUser, action: str = "view") -> models.QuerySet:
    if role_of(user) is None:
        return qs.none()
    if action in WRITE_ACTIONS and not can(user, CHANGE):
        return qs.none()
    paths = scope_paths(user)
    if paths is None:
        return qs
    if not paths:
        return qs.none()
    lookups = qs.model.scope_paths
    qs = qs.filter(path_q(lookups, paths))
    # A lookup that crosses a to-many relation can repeat rows.
    return qs.distinct() if getattr(qs.model, "scope_distinct", False) else qs


def grid_in_scope(user: AnyUser, grid: Grid) -> bool:
    paths = scope_paths(user)
    if paths is None:
        return role_of(user) is not None
    return any(grid.path.startswith(p) for p in paths)


def scope_covers(user: AnyUser, other: AnyUser) -> bool:
    """True when `user` sees everything `other` (another user) sees: a township center
    covers its grid workers, never the district's staff."""
    mine, theirs = scope_paths(user), scope_paths(other)
    if mine is None:
        return role_of(user) is not None
    if theirs is None:
        return False
    return bool(theirs) and all(any(p.startswith(m) for m in mine) for p in theirs)


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user: AnyUser, action: str = "view") -> models.QuerySet:
        return restrict(self, user, action)
