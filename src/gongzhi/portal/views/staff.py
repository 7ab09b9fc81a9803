"""Small staff pages: confirming residents' unit bindings and moderating the boards.

Who may: core.roles (BIND_APPROVE, MODERATE), inside their own grid subtree (core.access).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from gongzhi.core.access import require
from gongzhi.core.forms import service_errors
from gongzhi.core.roles import BIND_APPROVE, MODERATE
from gongzhi.grids.models import Grid, Level

from .. import selectors, services
from ..forms import BoardSettingForm
from ..models import PostModeration


@login_required
def binds(request):
    require(request.user, BIND_APPROVE, message=_("仅综治中心工作人员可以处理"))
    pending = selectors.bind_requests_for(request.user)
    if request.method == "POST":
        row = get_object_or_404(pending, pk=request.POST.get("request") or 0)
        with service_errors(request=request, sep=";"):
            services.bind_request_decide(
                by=request.user, request=row, approve=request.POST.get("approve") == "1"
            )
            messages.success(request, _("已处理"))
        return redirect("portal_staff_binds")
    return render(request, "portal/staff/binds.html", {"requests": pending})


@login_required
def moderation(request):
    require(request.user, MODERATE, message=_("仅综治中心工作人员可以处理"))
    queue = selectors.moderation_queue_for(request.user)
    if request.method == "POST":
        row = get_object_or_404(queue, pk=request.POST.get("post") or 0)
        status = request.POST.get("status") or None
        redacted = request.POST.get("redacted_text")
        with service_errors(request=request, sep=";"):
            services.post_moderate(
                by=request.user,
                case=row.case,
                status=status,
                redacted_text=redacted,
                reason=request.POST.get("reason", ""),
            )
            messages.success(request, _("已保存"))
        return redirect("portal_staff_moderation")
    ctx = {"posts": queue[:100], "statuses": PostModeration.Status.choices}
    return render(request, "portal/staff/moderation.html", ctx)


@login_required
def board_settings(request):
    """留言板设置: whether each community's board publishes a post only after moderation.
    Another community's id answers 403 (the service's refusal) and writes nothing."""
    require(request.user, MODERATE, message=_("仅综治中心工作人员可以处理"))
    form = BoardSettingForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            pk = form.cleaned_data["community"]
            community = Grid.objects.filter(pk=pk, level=Level.TOWNSHIP).first()
            if community is None:
                raise Http404(_("社区不存在"))
            approval = form.cleaned_data["require_approval"]
            services.board_setting_set(
                by=request.user, community=community, require_approval=approval
            )
            if approval:
                messages.success(
                    request, _("%(name)s留言板已设为先审后发") % {"name": community.name}
                )
            else:
                messages.success(
                    request, _("%(name)s留言板已设为先发后审") % {"name": community.name}
                )
            return redirect("portal_staff_board_settings")
        status = 400
    ctx = {"communities": selectors.board_settings_for(request.user), "form": form}
    return render(request, "portal/staff/board_settings.html", ctx, status=status)
