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


@register.simple_tag(takes_context=True)
def portal_duty_phone(context) -> str:
    """The duty number to show: the signed-in resident's community center's, else the
    district's (settings.ONE_KEY_DUTY_PHONE)."""
    from ..selectors import duty_phone_for

    request = context.get("request")
    return duty_phone_for(current_account(request) if request is not None else None)
