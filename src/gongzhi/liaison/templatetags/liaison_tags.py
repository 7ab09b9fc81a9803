from django import template

from gongzhi.core.access import can
from gongzhi.core.roles import VIEW_SPECIAL

register = template.Library()


@register.simple_tag(takes_context=True)
def may_see_key_persons(context) -> bool:
    """重点人员 is need-to-know: its link shows only to those who may open it."""
    request = context.get("request")
    return bool(request) and can(request.user, VIEW_SPECIAL)
