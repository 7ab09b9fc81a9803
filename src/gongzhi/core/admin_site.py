"""Django's admin pages (管理后台) for the administrators of the whole deployment only.

The admin lists every row of every district unscoped: `restrict()` does not reach it. An
administrator's account is a superuser (org.services.staff_create), so in a deployment of
several districts a district's administrator would see the other districts' residents there.
The site therefore also asks that the user's scope be the whole deployment
(`scope_paths(user) is None`): in a single-district deployment every administrator; under a
city or province only those of its top center. A district's administrator works in the
product's own pages, which are scoped (issue 18).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig

if TYPE_CHECKING:
    from django.http import HttpRequest


class GongzhiAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        from gongzhi.core.access import scope_paths

        return super().has_permission(request) and scope_paths(request.user) is None


class GongzhiAdminConfig(AdminConfig):
    default_site = "gongzhi.core.admin_site.GongzhiAdminSite"
