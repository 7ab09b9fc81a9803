"""Staff pages for 楼院自治组织: list, create, members, issues and regular meetings."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import services
from ..forms import BodyForm, IssueForm, MemberForm, ResolveForm
from ..models import BodyIssue
from ..selectors import body_list_for
from .common import form_page, may_change, require_change


@login_required
def body_list(request):
    bodies = body_list_for(request.user).order_by("grid__path", "name")[:200]
    return render(request, "deliberation/body_list.html", {"bodies": bodies})


@login_required
def body_create_view(request):
    form = BodyForm(request.POST or None, user=request.user)

    def save(data):
        body = services.body_create(by=request.user, **data)
        return reverse("deliberation:body_detail", args=[body.pk])

    return form_page(
        request,
        form,
        title=_("新建楼院自治组织"),
        back_url=reverse("deliberation:body_list"),
        save=save,
        success=_("已新建楼院自治组织"),
    )


@login_required
def body_detail(request, pk: int):
    body = get_object_or_404(body_list_for(request.user), pk=pk)
    context = {
        "body": body,
        "members": body.members.order_by("org_kind", "id"),
        "issues": body.issues.all(),
        "meetings": body.meetings.order_by("-scheduled_at"),
        "can_change": may_change(request.user, body.grid),
    }
    return render(request, "deliberation/body_detail.html", context)


@login_required
def member_create_view(request, pk: int):
    body = get_object_or_404(body_list_for(request.user), pk=pk)
    require_change(request.user, body.grid)
    form = MemberForm(request.POST or None)

    def save(data):
        services.body_member_add(body=body, by=request.user, **data)
        return reverse("deliberation:body_detail", args=[pk])

    return form_page(
        request,
        form,
        title=_("添加成员"),
        back_url=reverse("deliberation:body_detail", args=[pk]),
        save=save,
        success=_("已添加成员"),
        intro=body.name,
    )


@login_required
def issue_create_view(request, pk: int):
    body = get_object_or_404(body_list_for(request.user), pk=pk)
    require_change(request.user, body.grid)
    form = IssueForm(request.POST or None)

    def save(data):
        services.body_issue_add(body=body, by=request.user, **data)
        return reverse("deliberation:body_detail", args=[pk])

    return form_page(
        request,
        form,
        title=_("登记问题"),
        back_url=reverse("deliberation:body_detail", args=[pk]),
        save=save,
        success=_("已登记问题"),
        intro=body.name,
    )


@login_required
def issue_resolve_view(request, pk: int):
    issue = get_object_or_404(
        BodyIssue.objects.restrict(request.user).select_related("body__grid"), pk=pk
    )
    require_change(request.user, issue.body.grid)
    form = ResolveForm(request.POST or None)
    back = reverse("deliberation:body_detail", args=[issue.body_id])

    def save(data):
        services.body_issue_resolve(issue=issue, by=request.user, resolution=data["resolution"])
        return back

    return form_page(
        request,
        form,
        title=_("登记解决情况"),
        back_url=back,
        save=save,
        success=_("问题已标记为解决"),
        intro=issue.title,
    )
