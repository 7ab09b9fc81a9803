"""The staff bar: {% load core_nav %}{% staff_nav %} (entries from core.navigation).

The bar is the same for every request with the same entries, current page and language, and
rendering it (30 links, their reverse() and menus) was a tenth of a registry page's template
time: each process keeps the rendered bar by that key (docs/benchmarks.md, issue 18).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from gongzhi.core.memo import Memo
from gongzhi.core.navigation import entries_for, nav_for

register = template.Library()

# Nothing in the key's rows changes while the process runs: the memo only bounds its size.
RENDERED = Memo("staff_nav", seconds=3600, maxsize=512)


@register.simple_tag(takes_context=True)
def staff_nav(context: dict[str, Any]) -> SafeString:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None:
        return SafeString("")
    match = getattr(request, "resolver_match", None)
    key = (
        get_language(),
        get_script_prefix(),
        tuple(e.key for e in entries_for(user)),
        match.view_name if match else None,
        match.namespace if match else None,
    )
    return RENDERED.get(
        key, lambda: render_to_string("includes/staff_nav.html", {"nav": nav_for(user, match)})
    )
