"""Template helpers for portal pages."""

from django import template

from gongzhi.cases.selectors import notification_unread_count

from ..auth import current_account

register = template.Library()


@register.simple_tag(takes_context=True)
def portal_unread(context) -> int:
    """Unread messages of the signed-in resident (0 when signed out): the nav badge."""
    request = context.get("request")
    account = current_account(request) if request is not None else None
    return notification_unread_count(account.user_id) if account else 0
