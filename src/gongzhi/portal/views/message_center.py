"""消息中心: what the portal told the resident about their cases, and where else it tells them
(SMS opt-out, the WeChat link the mini-program sets)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gongzhi.cases.selectors import notification_list_for, notification_mark_read

from .. import services
from ..auth import resident_required

PAGE = 30


@resident_required
def inbox(request):
    """The list; opening it marks the shown messages read (as a mail client does)."""
    user = request.resident_account.user
    page = Paginator(notification_list_for(user), PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    notification_mark_read(user, ids=[n.pk for n in rows if n.read_at is None])
    return render(request, "portal/messages.html", {"page": page, "rows": rows})


@resident_required
@require_http_methods(["GET", "POST"])
def settings(request):
    account = request.resident_account
    if request.method == "POST":
        services.account_notify_set(
            account=account,
            sms=request.POST.get("sms") == "1",
            wechat=request.POST.get("wechat") == "1",
        )
        messages.success(request, _("通知设置已保存"))
        return redirect("portal_notify_settings")
    return render(request, "portal/notify_settings.html", {"account": account})


@require_POST
@resident_required
def wechat_link(request):
    """The mini-program posts the signed-in WeChat user's openid (empty to unlink)."""
    try:
        services.account_wechat_link(
            account=request.resident_account, openid=request.POST.get("openid", "")[:200]
        )
    except ValidationError as exc:
        return JsonResponse({"ok": False, "errors": exc.message_dict}, status=400)
    return JsonResponse({"ok": True, "linked": bool(request.resident_account.wechat_openid)})
