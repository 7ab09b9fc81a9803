"""Helpers shared by the deliberation pages: the one generic form page and error handling."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gongzhi.core.access import can, grid_in_scope
from gongzhi.core.forms import service_errors
from gongzhi.core.roles import CHANGE


def may_change(user, grid) -> bool:
    return can(user, CHANGE) and grid_in_scope(user, grid)


def require_change(user, grid) -> None:
    if not may_change(user, grid):
        raise PermissionDenied(_("您无权在该网格开展议事工作"))


def form_page(
    request,
    form,
    *,
    title: str,
    back_url: str,
    save: Callable,
    success: str,
    multipart: bool = False,
    intro: str = "",
):
    """GET shows the form; POST validates, calls `save(cleaned_data)` → redirect target.
    A service's ValidationError is shown next to its field and what was typed stays."""
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            target = save(form.cleaned_data)
            messages.success(request, success)
            return redirect(target)
    context = {
        "form": form, "title": title, "back_url": back_url, "multipart": multipart,
        "intro": intro,
    }  # fmt: skip
    return render(request, "deliberation/form.html", context, status=400 if form.errors else 200)


def post_action(request, action: Callable, *, success: str, target: str):
    """Run a one-button POST action; a refusal becomes an error message, never a 500."""
    with service_errors(request=request):
        action()
        messages.success(request, success)
    return redirect(target)
