"""Resident pages of 「已有人反映?」: the look-up shown while writing a post, joining an open
case ("我也遇到") and the list of joined cases with their progress and rating."""

from __future__ import annotations

import math

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.cases.models import Case, Category, State
from gongzhi.cases.workflow import TransitionError
from gongzhi.core.paths import subtree_q
from gongzhi.portal.auth import resident_required
from gongzhi.portal.forms import RateForm
from gongzhi.portal.selectors import public_cases, public_text

from .duplicates import duplicates_for
from .selectors import followed_cases
from .services import _community_path, case_join, followed_case_rate

MAX_TEXT = 2000
MAX_ID = 2**63 - 1


def _point(data) -> tuple[float | None, float | None]:
    try:
        lat, lng = float(data.get("lat") or "x"), float(data.get("lng") or "x")
    except ValueError:
        return None, None
    ok = math.isfinite(lat) and math.isfinite(lng) and -90 <= lat <= 90 and -180 <= lng <= 180
    return (lat, lng) if ok else (None, None)


@require_POST
@resident_required
def duplicates(request):
    """htmx, from the post form: open cases of the resident's community that read like the
    text. A public post shows its (moderated) text; any other case only its category,
    date and state, never what someone else wrote."""
    account = request.resident_account
    text = (request.POST.get("text") or "").strip()[:MAX_TEXT]
    found = []
    if text and account.unit_id:
        lat, lng = _point(request.POST)
        community = Case.objects.filter(subtree_q("grid__path", _community_path(account.unit)))
        mine = Q(reporter_user_id=account.user_id) | Q(followers__user_id=account.user_id)
        found = duplicates_for(
            text=text, grid=account.unit, lat=lat, lng=lng,
            within=community.exclude(mine), limit=3,
        )  # fmt: skip
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
        messages.error(request, ";".join(exc.messages))
        target = reverse("portal_post_new")
    else:
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
    cases = list(followed_cases(request.resident_account)[:100])
    for case in cases:
        case.public_events = (
            case.events.filter(to_state__in=State.values).exclude(to_state="").order_by("at", "pk")
        )
        case.can_rate = case.state == State.CLOSED
    ctx = {"cases": cases, "rate_form": RateForm(initial={"resolved": True})}
    return render(request, "intel/portal_following.html", ctx)


@require_POST
@resident_required
def rate(request, pk: int):
    account = request.resident_account
    if pk > MAX_ID:
        return HttpResponse(status=404)
    case = get_object_or_404(followed_cases(account), pk=pk)
    form = RateForm(request.POST)
    target = reverse("intel:following") + f"#case-{case.pk}"
    if not form.is_valid():
        messages.error(request, _("请选择评价和星级"))
        return redirect(target)
    d = form.cleaned_data
    try:
        followed_case_rate(
            account=account, case=case, rating=d["rating"], stars=d["stars"],
            comment=d["comment"], resolved=d["resolved"],
        )  # fmt: skip
    except (ValidationError, TransitionError, PermissionDenied) as exc:
        text = ";".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text)
    else:
        messages.success(request, _("感谢您的评价"))
    return redirect(target)
