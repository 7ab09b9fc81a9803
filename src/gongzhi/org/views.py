"""Staff directory pages. Staff names and work phones are public contact details, not masked."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers

from gongzhi.core.access import grid_in_scope
from gongzhi.org.forms import WorkerFilterForm
from gongzhi.org.selectors import staff_list_for, worker_list_for, worker_search

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
