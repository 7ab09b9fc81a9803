"""Staff directory pages and the centers' stationed departments. Staff names and work phones
are public contact details, not masked."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core.access import grid_in_scope, staff_of
from gongzhi.org import services
from gongzhi.org.forms import OfficerForm, WorkerFilterForm
from gongzhi.org.permissions import may_keep_departments
from gongzhi.org.selectors import (
    center_list_for,
    departments_of,
    staff_list_for,
    worker_list_for,
    worker_search,
)

PAGE_SIZE = 50


def _mark_visible_grids(user, staff_members) -> None:
    # Grids outside the viewer's subtree are named but not linked (the tree would 404).
    for staff in staff_members:
        for assignment in staff.grid_assignments.all():
            assignment.linkable = grid_in_scope(user, assignment.grid)


@login_required
def worker_list(request):
    user = request.user
    form = WorkerFilterForm(request.GET or None, user=user)
    qs = worker_list_for(user)
    if form.is_bound and form.is_valid():
        qs = worker_search(qs, **{k: form.cleaned_data[k] for k in ("q", "grid", "full_time")})
    elif form.is_bound:
        qs = qs.none()
    page = Paginator(qs.order_by("name", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    _mark_visible_grids(user, page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    htmx = getattr(request, "htmx", None)
    partial = bool(htmx) and not htmx.history_restore_request
    template = "org/_worker_results.html" if partial else "org/worker_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
def staff_detail(request, pk: int):
    staff = get_object_or_404(staff_list_for(request.user), pk=pk)
    _mark_visible_grids(request.user, [staff])
    return render(request, "org/staff_detail.html", {"staff": staff})


# --- stationed departments (公检法司等入驻部门) and their officers ----------------------------


def _chosen_center(request):
    centers = center_list_for(request.user)
    raw = request.GET.get("center") or request.POST.get("center") or ""
    center = centers.filter(pk=raw).first() if raw.isdigit() and len(raw) <= 18 else None
    staff = staff_of(request.user)
    if center is None and staff is not None and staff.center_id:
        center = centers.filter(pk=staff.center_id).first()
    return centers, center or centers.first()


def _departments_page(request, form=None, status=200):
    centers, center = _chosen_center(request)
    departments = list(departments_of(request.user, center)) if center else []
    keeper = center is not None and may_keep_departments(request.user, center)
    if keeper and form is None:
        form = OfficerForm(departments=departments_of(request.user, center))
    context = {
        "centers": centers[:500], "center": center, "departments": departments,
        "form": form if keeper else None,
    }  # fmt: skip
    return render(request, "org/department_list.html", context, status=status)


@login_required
def department_list(request):
    return _departments_page(request)


@require_POST
@login_required
def officer_add(request):
    centers, center = _chosen_center(request)
    if center is None or not may_keep_departments(request.user, center):
        raise Http404(_("综治中心不存在或您无权管理其入驻部门"))
    form = OfficerForm(request.POST, departments=departments_of(request.user, center))
    if form.is_valid():
        try:
            staff = services.officer_add(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("已添加入驻人员:%(n)s") % {"n": staff.name})
            return redirect(f"{reverse('org:department_list')}?center={center.pk}")
    return _departments_page(request, form=form, status=400)


@require_POST
@login_required
def officer_leave(request, pk: int):
    officer = get_object_or_404(
        staff_list_for(request.user).filter(department__isnull=False, active=True), pk=pk
    )
    try:
        services.officer_deactivate(by=request.user, officer=officer)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(n)s已离岗") % {"n": officer.name})
    return redirect(f"{reverse('org:department_list')}?center={officer.center_id}")
