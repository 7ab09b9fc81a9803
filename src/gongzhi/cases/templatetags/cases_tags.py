"""The navbar's unread-notification badge: {% load cases_tags %}{% notification_badge %}."""

from django import template

from gongzhi.cases.selectors import notification_unread_count

register = template.Library()


@register.inclusion_tag("cases/_notification_badge.html", takes_context=True)
def notification_badge(context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    unread = notification_unread_count(user) if user and user.is_authenticated else 0
    return {"unread": unread}
