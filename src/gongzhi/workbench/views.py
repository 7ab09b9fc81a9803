"""Workbench pages. Thin: reads via selectors, writes via services.

Every form a worker fills in (diary, field report, inspection, household, resident, resident
edit) can be sent by the browser's offline queue (static/workbench/offline.js). Those views
answer JSON when the queue sends them (Accept: application/json) and a page or redirect
otherwise; they take the idempotency key from the `Idempotency-Key` header or the
`idempotency_key` field, and a replay is answered with the first result.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.cases.models import Category
from gongzhi.core import clock
from gongzhi.core.access import can, staff_of
from gongzhi.core.forms import service_errors
from gongzhi.core.roles import CHANGE_REVIEW, DIARY_REVIEW
from gongzhi.grids.models import Grid
from gongzhi.people.models import SPECIAL_TAGS, Household, Relation, Resident, Tag

from . import selectors as sel
from . import services as svc
from .models import Duty, FiveRole, InspectionChecklist

QUICK_PICKS = 8


def _errors(exc: ValidationError) -> dict[str, str]:
    if hasattr(exc, "error_dict"):
        return {k: " ".join(m for e in v for m in e.messages) for k, v in exc.error_dict.items()}
    return {"__all__": " ".join(exc.messages)}


def _key(request) -> str:
    return request.headers.get("Idempotency-Key") or request.POST.get("idempotency_key", "")


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _saved(request, url: str, message: str, *, created: bool | None = None, **extra):
    """Accepted: JSON for the offline queue (201 when this request wrote), else a redirect."""
    if _wants_json(request):
        body = {"ok": True, "url": url, "message": message}
        body |= {} if created is None else {"created": created}
        return JsonResponse(body | extra, status=201 if created else 200)
    messages.success(request, message)
    return redirect(url)


def _refused(request, exc: ValidationError, template: str, context: dict):
    """Invalid input: the queue gets the Chinese messages in JSON, a person gets the form back."""
    errors = _errors(exc)
    if _wants_json(request):
        return JsonResponse({"ok": False, "errors": errors}, status=400)
    return render(request, template, context | {"data": request.POST, "errors": errors}, status=400)


def queueable(view):
    """Refusals the queue cannot cure by resending (no permission, nothing there) come back as
    JSON with a Chinese message, so the entry is shown as failed instead of resent forever."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except (PermissionDenied, Http404) as exc:
            if not _wants_json(request):
                raise
            if isinstance(exc, PermissionDenied):
                status, message = 403, str(exc) or _("您无权提交这条记录")
            else:
                status, message = 404, _("要登记的户或居民不存在,或不在您负责的网格内")
            return JsonResponse({"ok": False, "errors": {"__all__": message}}, status=status)

    return wrapped


@login_required
def index(request):
    if staff_of(request.user) is None:
        raise PermissionDenied
    context = {"grids": sel.my_grids(request.user), "tasks": sel.my_tasks(request.user)}
    return render(request, "workbench/index.html", context)


# --- diary ------------------------------------------------------------------------------------


def _diary_context(request, data, errors):
    unit = sel.worker_unit(request.user)
    residents = Resident.objects.restrict(request.user).filter(grid=unit) if unit else []
    return {
        "data": data,
        "errors": errors,
        "roles": FiveRole.choices,
        "duties": Duty.choices,
        "residents": residents,
        "today": clock.today().isoformat(),
    }


@login_required
@queueable
def diary_new(request):
    if request.method != "POST":
        return render(request, "workbench/diary_form.html", _diary_context(request, {}, {}))
    p = request.POST
    scoped = Resident.objects.restrict(request.user)
    try:
        entry, created = svc.diary_entry_create(
            by=request.user,
            date=p.get("date", ""),
            role=p.get("role", ""),
            duty=p.get("duty", ""),
            text=p.get("text", ""),
            lat=p.get("lat"),
            lng=p.get("lng"),
            residents=scoped.filter(pk__in=[i for i in p.getlist("residents") if i.isdigit()]),
            minutes_spent=p.get("minutes_spent") or 0,
            is_public=p.get("is_public") == "on",
            photos=request.FILES.getlist("photos"),
            idempotency_key=_key(request),
        )
    except ValidationError as exc:
        return _refused(request, exc, "workbench/diary_form.html", _diary_context(request, p, {}))
    url = reverse("workbench:diary_detail", args=[entry.pk])
    return _saved(request, url, _("日记已保存"), created=created, id=entry.pk)


@require_POST
@login_required
def diary_preview(request):
    """The public version of the draft being written (what neighbours will read)."""
    from .diary_privacy import diary_preview_for

    scoped = Resident.objects.restrict(request.user)
    ids = [i for i in request.POST.getlist("residents") if i.isdigit() and len(i) < 12]
    try:
        text = diary_preview_for(
            request.user, text=request.POST.get("text", ""), residents=scoped.filter(pk__in=ids)
        )
    except ValidationError as exc:
        return JsonResponse({"errors": _errors(exc)}, status=400)
    return JsonResponse({"text": text})


@login_required
def diary_list(request):
    entries = sel.diary_list_for(request.user)
    return render(request, "workbench/diary_list.html", {"entries": entries[:100]})


@login_required
def diary_photo(request, pk: int, photo_pk: int):
    """A diary photo, only for users who may read the entry (media is not served publicly)."""
    from django.http import FileResponse

    try:
        entry = sel.diary_get_for(request.user, pk)
    except sel.DiaryEntry.DoesNotExist:
        raise Http404 from None
    photo = get_object_or_404(entry.photos, pk=photo_pk)
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def diary_detail(request, pk: int):
    try:
        entry = sel.diary_get_for(request.user, pk)
    except sel.DiaryEntry.DoesNotExist:
        raise Http404 from None
    error = ""
    if request.method == "POST":
        try:
            svc.diary_comment_add(by=request.user, entry=entry, text=request.POST.get("text", ""))
            return redirect("workbench:diary_detail", pk=pk)
        except ValidationError as exc:
            error = " ".join(_errors(exc).values())
    public = sel.public_text(entry) if entry.is_public else ""
    ctx = {
        "entry": entry,
        "error": error,
        "public": public,
        "can_comment": can(request.user, DIARY_REVIEW, entry.grid),
    }
    return render(request, "workbench/diary_detail.html", ctx)


# --- field report ---------------------------------------------------------------------------


def _quick_categories():
    return Category.objects.filter(active=True, parent__isnull=False).select_related("parent")[
        :QUICK_PICKS
    ]


@login_required
@queueable
def report_new(request):
    ctx = {"categories": _quick_categories(), "data": request.POST, "errors": {}}
    if request.method != "POST":
        return render(request, "workbench/report_form.html", ctx)
    p = request.POST
    try:
        case = svc.field_report_create(
            by=request.user,
            category=p.get("category", ""),
            description=p.get("description", ""),
            photos=request.FILES.getlist("photos"),
            lat=p.get("lat"),
            lng=p.get("lng"),
            idempotency_key=_key(request),
        )
    except ValidationError as exc:
        return _refused(request, exc, "workbench/report_form.html", ctx)
    message = _("事件已上报,编号 %(number)s") % {"number": case.number}
    return _saved(request, reverse("workbench:index"), message, number=case.number)


# --- inspections ----------------------------------------------------------------------------


@login_required
@queueable
def inspection_new(request):
    checklists = InspectionChecklist.objects.filter(active=True).prefetch_related("items")
    chosen = request.POST.get("checklist") or request.GET.get("checklist") or ""
    checklist = checklists.filter(pk=chosen).first() if chosen.isdigit() else None
    template = "workbench/inspection_form.html"
    ctx = {"checklists": checklists, "checklist": checklist, "data": request.POST, "errors": {}}
    if request.method != "POST":
        return render(request, template, ctx)
    if checklist is None:
        return _refused(request, ValidationError({"checklist": _("请选择场所类型")}), template, ctx)
    p, results = request.POST, {}
    for item in checklist.items.all():
        verdict = p.get(f"item_{item.pk}")
        if verdict in ("pass", "fail"):
            results[item.pk] = (
                verdict == "pass",
                p.get(f"note_{item.pk}", ""),
                request.FILES.get(f"photo_{item.pk}"),
            )
    try:
        inspection = svc.inspection_submit(
            by=request.user,
            checklist=checklist,
            place=p.get("place", ""),
            results=results,
            idempotency_key=_key(request),
        )
    except ValidationError as exc:
        return _refused(request, exc, template, ctx)
    failed = inspection.results.filter(passed=False).count()
    message = _("排查已记录,%(failed)s 项不合格已转为事件") % {"failed": failed}
    return _saved(request, reverse("workbench:index"), message, id=inspection.pk, failed=failed)


# --- information collection -----------------------------------------------------------------


@login_required
def collect(request):
    unit = sel.worker_unit(request.user)
    households = Household.objects.restrict(request.user).prefetch_related("members")
    if unit:
        households = households.filter(unit=unit)
    return render(request, "workbench/collect.html", {"households": households[:200]})


@login_required
@queueable
def household_new(request):
    template, ctx = "workbench/household_form.html", {"errors": {}, "data": request.POST}
    if request.method != "POST":
        return render(request, template, ctx)
    try:
        household = svc.household_collect(
            by=request.user,
            house_number=request.POST.get("house_number", ""),
            idempotency_key=_key(request),
        )
    except ValidationError as exc:
        return _refused(request, exc, template, ctx)
    return _saved(
        request,
        reverse("workbench:collect"),
        _("已登记新户"),
        id=household.pk if household else None,
    )


RESIDENT_FIELDS = ("name", "id_number", "phone", "kind", "relation")


@login_required
@queueable
def resident_new(request, household: int):
    hh = get_object_or_404(Household.objects.restrict(request.user), pk=household)
    template = "workbench/resident_form.html"
    ctx = {"household": hh, "errors": {}, "data": request.POST, "relations": Relation.choices}
    if request.method != "POST":
        return render(request, template, ctx)
    try:
        resident = svc.resident_collect(
            by=request.user,
            household=hh,
            idempotency_key=_key(request),
            **{f: request.POST.get(f, "") for f in RESIDENT_FIELDS},
        )
    except ValidationError as exc:
        return _refused(request, exc, template, ctx)
    return _saved(
        request, reverse("workbench:collect"), _("已登记居民"), id=resident.pk if resident else None
    )


@login_required
@queueable
def resident_edit(request, pk: int):
    resident = get_object_or_404(Resident.objects.restrict(request.user), pk=pk)
    template = "workbench/resident_edit.html"
    tags = [(t.value, t.label) for t in Tag if t in SPECIAL_TAGS]
    data = request.POST or {"kind": resident.kind, "relation": resident.relation}
    ctx = {
        "resident": resident,
        "errors": {},
        "data": data,
        "tags": tags,
        "relations": Relation.choices,
    }
    if request.method != "POST":
        return render(request, template, ctx)
    fields = {f: data[f] for f in RESIDENT_FIELDS if data.get(f, "").strip()}
    try:
        cr = svc.resident_collect_update(
            by=request.user,
            resident=resident,
            special_tags=request.POST.getlist("special_tags"),
            idempotency_key=_key(request),
            **fields,
        )
    except ValidationError as exc:
        return _refused(request, exc, template, ctx)
    message = _("敏感信息的修改已提交社区审核,审核通过后生效") if cr else _("已保存")
    return _saved(
        request, reverse("workbench:collect"), message, change_request=cr.pk if cr else None
    )


@login_required
def change_requests(request):
    qs = sel.change_request_list_for(request.user)
    ctx = {"requests": qs[:200], "can_review": can(request.user, CHANGE_REVIEW)}
    return render(request, "workbench/change_requests.html", ctx)


@login_required
@require_POST
def change_request_review(request, pk: int, decision: str):
    cr = get_object_or_404(sel.change_request_list_for(request.user), pk=pk)
    review = {"approve": svc.change_request_approve, "reject": svc.change_request_reject}
    if decision not in review:
        raise Http404
    with service_errors(request=request):
        review[decision](by=request.user, request=cr, note=request.POST.get("note", ""))
        messages.success(request, _("已审核"))
    return redirect("workbench:change_requests")


# --- care visits (关爱走访) -------------------------------------------------------------------


@login_required
@queueable
def care_visit_new(request):
    from gongzhi.care.selectors import care_targets_for

    targets = care_targets_for(request.user)
    template = "workbench/care_visit_form.html"
    ctx = {"targets": targets[:200], "errors": {}, "data": request.POST}
    if request.method != "POST":
        return render(request, template, ctx)
    raw = request.POST.get("resident", "")
    resident = targets.filter(pk=raw).first() if raw.isdigit() and len(raw) < 19 else None
    if resident is None:
        message = _("请选择您负责网格内的关爱对象")
        return _refused(request, ValidationError({"resident": message}), template, ctx)
    try:
        visit, created = svc.care_visit_submit(
            by=request.user,
            resident=resident,
            note=request.POST.get("note", ""),
            visited_at=request.POST.get("visited_at", ""),
            idempotency_key=_key(request),
        )
    except ValidationError as exc:
        return _refused(request, exc, template, ctx)
    message = _("已记录对%(name)s的走访") % {"name": resident.masked_name}
    return _saved(
        request,
        reverse("workbench:index"),
        message,
        created=created,
        id=visit.pk if visit else None,
    )


# --- how workers are doing ------------------------------------------------------------------


@login_required
def stats(request):
    unit = sel.worker_unit(request.user)
    staff = staff_of(request.user)
    community = None
    if unit is not None:
        community = Grid.objects.filter(level=1, path=unit.path[: 2 * unit.steplen]).first()
    elif staff and staff.center_id:
        community = staff.center.grid
    board = sel.leaderboard(community) if community else []
    context = {
        "mine": sel.worker_stats(request.user),
        "board": board,
        "community": community,
        "rules": sel.score_table(),
    }
    return render(request, "workbench/stats.html", context)
