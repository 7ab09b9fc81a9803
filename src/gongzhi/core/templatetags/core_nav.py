"""The staff bar: {% load core_nav %}{% staff_nav %} (entries from core.navigation)."""

from __future__ import annotations

from typing import Any

from django import template

from gongzhi.core.navigation import nav_for

register = template.Library()


@register.inclusion_tag("includes/staff_nav.html", takes_context=True)
def staff_nav(context: dict[str, Any]) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    nav = nav_for(user, getattr(request, "resolver_match", None)) if user else []
    return {"nav": nav}
