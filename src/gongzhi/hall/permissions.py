"""Who works the hall: the center's staff (window clerks) and district admins."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from gongzhi.core.access import grid_in_scope, role_of, scope_covers, scope_paths
from gongzhi.core.roles import Role

HALL_ROLES = frozenset({Role.ADMIN, Role.CENTER_STAFF})
PUBLICITY_EDITORS = frozenset({Role.ADMIN, Role.CENTER_STAFF})


def may_work_hall(user, center) -> bool:
    return role_of(user) in HALL_ROLES and grid_in_scope(user, center.grid)


def require_hall(user, center) -> None:
    if not may_work_hall(user, center):
        raise PermissionDenied(_("您无权办理该综治中心大厅的业务"))


def may_edit_publicity(user) -> bool:
    return role_of(user) in PUBLICITY_EDITORS


def require_publicity(user) -> None:
    if not may_edit_publicity(user):
        raise PermissionDenied(_("您无权编辑政策宣传内容"))


def may_change_article(user, article) -> bool:
    """Its author, or an editor whose scope covers the author's: a township center cannot
    change or delete the district's articles (issue 12, finding 10)."""
    if not may_edit_publicity(user):
        return False
    if article.pk is None or article.by_id == user.pk:
        return True
    if article.by_id is None:
        return scope_paths(user) is None  # seeded: the district's own
    return scope_covers(user, article.by)


def require_article(user, article) -> None:
    if not may_change_article(user, article):
        raise PermissionDenied(_("您无权修改或删除上级发布的政策文章"))
