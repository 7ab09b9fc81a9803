"""{% alerts_nav_item %}: the navigation entry for early warnings, with the count still open,
for the roles that see some kind of alert (intel.permissions)."""

from django import template

from ..permissions import kinds_visible_to
from ..selectors import open_alert_count_for

register = template.Library()


@register.inclusion_tag("intel/_nav_item.html", takes_context=True)
def alerts_nav_item(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not kinds_visible_to(user):
        return {"show": False}
    app = getattr(getattr(request, "resolver_match", None), "app_name", "")
    return {"show": True, "count": open_alert_count_for(user), "active": app == "intel"}
