"""Resident pages of 「已有人反映?」: the look-up shown while writing a post, joining an open
case ("我也遇到") and the list of joined cases with their progress and rating."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.cases.models import Case, CaseEvent, Category, State
from gongzhi.cases.workflow import TransitionError
from gongzhi.core.paths import subtree_q
from gongzhi.grids.models import Grid
from gongzhi.portal.auth import resident_required
from gongzhi.portal.forms import RateForm
from gongzhi.portal.selectors import public_cases, public_text

from ..duplicates import duplicates_for
from ..selectors import followed_cases
from ..services import _community_path, case_join, followed_case_rate
from .staff import panel_error, panel_input

MAX_TEXT = 2000
MAX_ID = 2**63 - 1


@require_POST
@resident_required
def duplicates(request):
    """htmx, from the post form: open cases of the resident's community that read like the
    text. A public post shows its (moderated) text; any other case only its category,
    date and state, never what someone else wrote."""
    account = request.resident_account
    data = request.POST.copy()
    data.pop("grid", None)  # a resident's grid is their bound unit, never a parameter
    data.pop("grid_code", None)
    try:
        given = panel_input(data, Grid.objects.none(), ("text",))
    except ValidationError as exc:
        return panel_error(request, exc)
    found = []
    if len(given["text"]) > MAX_TEXT:
        return panel_error(
            request, ValidationError({"text": _("留言内容不能超过%(n)d个字") % {"n": MAX_TEXT}})
        )
    if account.unit_id:
        community = Case.objects.filter(subtree_q("grid__path", _community_path(account.unit)))
        mine = Q(reporter_user_id=account.user_id) | Q(followers__user_id=account.user_id)
        found = duplicates_for(
            text=given["text"],
            grid=account.unit,
            lat=given["lat"],
            lng=given["lng"],
            within=community.exclude(mine),
            limit=3,
        )
    public = {
        c.pk: c
        for c in public_cases().filter(pk__in=[d.case_id for d in found]).select_related("board")
    }
    categories = {c.pk: c for c in Category.objects.filter(pk__in=[d.category_id for d in found])}
    rows = [
        {
            "dup": d,
            "text": public_text(public[d.case_id])[:80] if d.case_id in public else "",
            "category": categories.get(d.category_id),
        }
        for d in found
    ]
    return render(request, "intel/_portal_duplicates.html", {"rows": rows})


@require_POST
@resident_required
def join(request, pk: int):
    """「我也遇到」: follow the open case instead of reporting it again."""
    if pk > MAX_ID:
        return HttpResponse(status=404)
    case = get_object_or_404(Case, pk=pk)
    try:
        case_join(account=request.resident_account, case=case)
    except ValidationError as exc:
        message = ";".join(exc.messages)
        if request.headers.get("HX-Request"):
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        messages.error(request, message)
        return redirect("portal_post_new")
    messages.success(request, _("已关注该问题,办理进展会通知您"))
    target = reverse("intel:following") + f"#case-{case.pk}"
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return redirect(target)


@resident_required
def following(request):
    """我关注的问题: progress (states only: the reporter's words and the staff's replies to
    them are not for other residents) and the rating once it is closed."""
    return _following(request)


def _following(request, *, errors=(), status: int = 200):
    states = CaseEvent.objects.exclude(to_state="").order_by("at", "pk")
    cases = list(
        followed_cases(request.resident_account).prefetch_related(
            Prefetch("events", queryset=states, to_attr="public_events")
        )[:100]
    )
    for case in cases:
        case.can_rate = case.state == State.CLOSED  # type: ignore[attr-defined]  # for the page
    ctx = {"cases": cases, "rate_form": RateForm(initial={"resolved": True}), "errors": errors}
    return render(request, "intel/portal_following.html", ctx, status=status)


@require_POST
@resident_required
def rate(request, pk: int):
    account = request.resident_account
    if pk > MAX_ID:
        return HttpResponse(status=404)
    case = get_object_or_404(followed_cases(account), pk=pk)
    form = RateForm(request.POST)
    if not form.is_valid():
        return _following(request, errors=[_("请选择评价和星级")], status=400)
    d = form.cleaned_data
    try:
        followed_case_rate(
            account=account,
            case=case,
            rating=d["rating"],
            stars=d["stars"],
            comment=d["comment"],
            resolved=d["resolved"],
        )
    except (ValidationError, TransitionError, PermissionDenied) as exc:
        text = ";".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        status = 403 if isinstance(exc, PermissionDenied) else 400
        return _following(request, errors=[text], status=status)
    messages.success(request, _("感谢您的评价"))
    return redirect(reverse("intel:following") + f"#case-{case.pk}")
