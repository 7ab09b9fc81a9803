"""The navbar's unread-notification badge: {% load cases_tags %}{% notification_badge %}."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import template

from gongzhi.cases.selectors import notification_unread_count

if TYPE_CHECKING:
    from gongzhi.cases.models import Case


register = template.Library()


@register.inclusion_tag("cases/_notification_badge.html", takes_context=True)
def notification_badge(context: dict[str, Any]) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    unread = notification_unread_count(user) if user and user.is_authenticated else 0
    return {"unread": unread}


@register.inclusion_tag("cases/_callback_button.html", takes_context=True)
def callback_button(context: dict[str, Any], case: Case) -> dict:
    """回电 for whoever holds the case; the resident's masked phone and house number."""
    from gongzhi.cases.callback import house_number_of, may_call_back, reporter_account

    request = context.get("request")
    user = getattr(request, "user", None)
    account = reporter_account(case)
    return {
        "case": case, "csrf_token": context.get("csrf_token"),
        "show": bool(user and user.is_authenticated and may_call_back(case, user)),
        "house": house_number_of(case, account),
        "phone": account.phone_masked if account and not case.contact_phone_masked else "",
    }  # fmt: skip
