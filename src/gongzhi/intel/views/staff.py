"""Staff pages: early warnings (list, detail, acknowledge, close) and the htmx suggestion
panels the case forms include (category + possible duplicates; merge on a case page)."""

from __future__ import annotations

import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gongzhi.cases.selectors import allowed_actions, case_list_for
from gongzhi.cases.services import MAX_DESCRIPTION
from gongzhi.core.access import role_of
from gongzhi.core.text import clean_text
from gongzhi.grids.models import Grid

from ..duplicates import case_text, duplicates_for
from ..forms import AlertFilterForm, AlertNoteForm
from ..models import AlertState
from ..permissions import may_handle
from ..selectors import alert_cases_for, alert_list_for
from ..services import alert_acknowledge, alert_close
from ..suggest import suggest_category

PAGE_SIZE = 50
MAX_ID = 2**63 - 1


def _staff(request) -> None:
    if role_of(request.user) is None:
        raise PermissionDenied(_("仅工作人员可以访问"))


# --- alerts --------------------------------------------------------------------------------


@login_required
def alert_list(request):
    _staff(request)
    form = AlertFilterForm(request.GET or None)
    qs = alert_list_for(request.user)
    if form.is_bound:
        if form.is_valid():
            d = form.cleaned_data
            qs = alert_list_for(request.user, state=d["state"], kind=d["kind"])
        else:
            qs = qs.none()
    else:
        qs = qs.filter(state__in=(AlertState.OPEN, AlertState.ACKNOWLEDGED))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    ctx = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "intel/alert_list.html", ctx)


def _alert_or_404(request, pk: int):
    if pk > MAX_ID:
        raise Http404
    return get_object_or_404(alert_list_for(request.user), pk=pk)


def _detail(request, alert, form=None, status=200):
    ctx = {
        "alert": alert,
        "cases": alert_cases_for(request.user, alert)[:50],
        "hidden": alert.cases.count() - alert_cases_for(request.user, alert).count(),
        "can_handle": may_handle(request.user, alert) and alert.state != AlertState.CLOSED,
        "form": form or AlertNoteForm(),
    }
    return render(request, "intel/alert_detail.html", ctx, status=status)


@login_required
def alert_detail(request, pk: int):
    _staff(request)
    return _detail(request, _alert_or_404(request, pk))


@require_POST
@login_required
def alert_act(request, pk: int, step: str):
    _staff(request)
    alert = _alert_or_404(request, pk)
    service = {"acknowledge": alert_acknowledge, "close": alert_close}.get(step)
    if service is None:
        raise Http404
    form = AlertNoteForm(request.POST)
    if form.is_valid():
        try:
            service(by=request.user, alert=alert, note=form.cleaned_data["note"])
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
            for field, msgs in errors.items():
                form.add_error(field if field in form.fields else None, msgs)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
            return _detail(request, alert, form, status=403)
        else:
            done = _("已签收预警") if step == "acknowledge" else _("已关闭预警")
            messages.success(request, done)
            return redirect("intel:alert_detail", pk=alert.pk)
    return _detail(request, alert, form, status=400)


# --- suggestion panels (htmx) --------------------------------------------------------------


def _float(value, name: str, limit: float) -> float | None:
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number) or not -limit <= number <= limit:
        raise ValidationError({name: _("坐标超出范围")})
    return number


def panel_input(data, grids, text_fields: tuple[str, ...]) -> dict:
    """The text, grid and point a suggestion panel was sent, checked; ValidationError with
    a Chinese message otherwise (the panel shows it, nothing is written either way)."""
    raw = next((data[f] for f in text_fields if data.get(f)), "")
    text = clean_text(raw, field="text", label=_("问题描述"), max_length=MAX_DESCRIPTION)
    lat, lng = _float(data.get("lat"), "lat", 90), _float(data.get("lng"), "lng", 180)
    if (lat is None) != (lng is None):
        raise ValidationError({"lat": _("经纬度需同时提供")})
    grid = None
    value, code = str(data.get("grid") or ""), str(data.get("grid_code") or "").strip()
    if value or code:
        if value and not (value.isdigit() and len(value) <= 18):
            raise ValidationError({"grid": _("网格不存在或不在您的管辖范围内")})
        grid = grids.filter(pk=value).first() if value else grids.filter(code=code[:40]).first()
        if grid is None:
            raise ValidationError({"grid": _("网格不存在或不在您的管辖范围内")})
    return {"text": text, "grid": grid, "lat": lat, "lng": lng}


def panel_error(request, exc: ValidationError):
    messages_ = [m for msgs in exc.message_dict.values() for m in msgs]
    return render(request, "intel/_panel_error.html", {"errors": messages_}, status=400)


@require_POST
@login_required
def suggest_panel(request):
    """The category a text suggests and the open cases it may repeat (nothing is written).
    The text is whichever of the forms' text fields was sent."""
    _staff(request)
    grids = Grid.objects.restrict(request.user)
    try:
        given = panel_input(request.POST, grids, ("description", "matter", "text"))
    except ValidationError as exc:
        return panel_error(request, exc)
    ctx = {
        "suggestion": suggest_category(given["text"]),
        "duplicates": duplicates_for(
            text=given["text"],
            grid=given["grid"],
            lat=given["lat"],
            lng=given["lng"],
            within=case_list_for(request.user),
        ),
    }
    return render(request, "intel/_suggest_panel.html", ctx)


@require_GET
@login_required
def case_duplicates(request, ref: str):
    """On a case page: open cases this one probably repeats, with the merge action when the
    user may merge (cases.workflow's merge into another open case)."""
    _staff(request)
    lookup = {"pk": int(ref)} if ref.isdigit() and len(ref) <= 18 else {"number": ref[:40]}
    case = get_object_or_404(case_list_for(request.user).select_related("grid"), **lookup)
    dups = duplicates_for(
        text=case_text(case.title, case.description),
        grid=case.grid,
        lat=case.lat,
        lng=case.lng,
        within=case_list_for(request.user).filter(created_at__lte=case.created_at),
        exclude=case.pk,
    )
    may_merge = "merge" in allowed_actions(case, request.user)
    ctx = {"case": case, "duplicates": dups, "may_merge": may_merge}
    return render(request, "intel/_case_duplicates.html", ctx)
