"""Workbench pages. Thin: reads via selectors, writes via services.

The two offline-capable forms (diary, field report) answer JSON when the browser's queue
sends them (Accept: application/json), and a normal redirect otherwise. Both take the
idempotency key from the `Idempotency-Key` header or the `idempotency_key` field.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from gongzhi.cases.models import Category
from gongzhi.core import clock
from gongzhi.core.access import role_of, staff_of
from gongzhi.grids.models import Grid
from gongzhi.people.models import SPECIAL_TAGS, Household, Relation, Resident, Tag
from gongzhi.people.services import household_create, resident_create

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
    return {"data": data, "errors": errors, "roles": FiveRole.choices, "duties": Duty.choices,
            "residents": residents, "today": clock.today().isoformat()}  # fmt: skip


@login_required
def diary_new(request):
    if request.method != "POST":
        return render(request, "workbench/diary_form.html", _diary_context(request, {}, {}))
    p = request.POST
    scoped = Resident.objects.restrict(request.user)
    try:
        entry, created = svc.diary_entry_create(
            by=request.user, date=p.get("date", ""), role=p.get("role", ""),
            duty=p.get("duty", ""), text=p.get("text", ""), lat=p.get("lat"), lng=p.get("lng"),
            residents=scoped.filter(pk__in=[i for i in p.getlist("residents") if i.isdigit()]),
            minutes_spent=p.get("minutes_spent") or 0, is_public=p.get("is_public") == "on",
            photos=request.FILES.getlist("photos"), idempotency_key=_key(request),
        )  # fmt: skip
    except ValidationError as exc:
        if _wants_json(request):
            return JsonResponse({"ok": False, "errors": _errors(exc)}, status=400)
        ctx = _diary_context(request, p, _errors(exc))
        return render(request, "workbench/diary_form.html", ctx, status=400)
    if _wants_json(request):
        return JsonResponse({"ok": True, "id": entry.pk, "created": created},
                            status=201 if created else 200)  # fmt: skip
    messages.success(request, "日记已保存")
    return redirect("workbench:diary_detail", pk=entry.pk)


@login_required
def diary_list(request):
    entries = sel.diary_list_for(request.user)
    if role_of(request.user) == "grid_worker":
        entries = entries.filter(worker=request.user)
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
    return render(request, "workbench/diary_detail.html", {"entry": entry, "error": error})


# --- field report ---------------------------------------------------------------------------


def _quick_categories():
    return Category.objects.filter(active=True, parent__isnull=False).select_related("parent")[
        :QUICK_PICKS
    ]


@login_required
def report_new(request):
    ctx = {"categories": _quick_categories(), "data": request.POST, "errors": {}}
    if request.method != "POST":
        return render(request, "workbench/report_form.html", ctx)
    p = request.POST
    try:
        case = svc.field_report_create(
            by=request.user, category=p.get("category", ""), description=p.get("description", ""),
            photos=request.FILES.getlist("photos"), lat=p.get("lat"), lng=p.get("lng"),
            idempotency_key=_key(request),
        )  # fmt: skip
    except ValidationError as exc:
        if _wants_json(request):
            return JsonResponse({"ok": False, "errors": _errors(exc)}, status=400)
        ctx["errors"] = _errors(exc)
        return render(request, "workbench/report_form.html", ctx, status=400)
    if _wants_json(request):
        return JsonResponse({"ok": True, "number": case.number})
    messages.success(request, f"事件已上报,编号 {case.number}")
    return redirect("workbench:index")


# --- inspections ----------------------------------------------------------------------------


@login_required
def inspection_new(request):
    checklists = InspectionChecklist.objects.filter(active=True).prefetch_related("items")
    chosen = checklists.filter(pk=request.GET.get("checklist") or request.POST.get("checklist"))
    checklist = chosen.first()
    ctx = {"checklists": checklists, "checklist": checklist, "data": request.POST, "errors": {}}
    if request.method == "POST" and checklist:
        p, results = request.POST, {}
        for item in checklist.items.all():
            verdict = p.get(f"item_{item.pk}")
            if verdict in ("pass", "fail"):
                results[item.pk] = (verdict == "pass", p.get(f"note_{item.pk}", ""),
                                    request.FILES.get(f"photo_{item.pk}"))  # fmt: skip
        try:
            inspection = svc.inspection_submit(
                by=request.user, checklist=checklist, place=p.get("place", ""), results=results,
                idempotency_key=_key(request) or None,
            )  # fmt: skip
        except ValidationError as exc:
            ctx["errors"] = _errors(exc)
            return render(request, "workbench/inspection_form.html", ctx, status=400)
        failed = inspection.results.filter(passed=False).count()
        messages.success(request, f"排查已记录,{failed} 项不合格已转为事件")
        return redirect("workbench:index")
    return render(request, "workbench/inspection_form.html", ctx)


# --- information collection -----------------------------------------------------------------


@login_required
def collect(request):
    unit = sel.worker_unit(request.user)
    households = Household.objects.restrict(request.user).prefetch_related("members")
    if unit:
        households = households.filter(unit=unit)
    return render(request, "workbench/collect.html", {"households": households[:200]})


@login_required
def household_new(request):
    errors, data = {}, request.POST
    if request.method == "POST":
        try:
            unit = sel.worker_unit(request.user)
            if unit is None:
                raise PermissionDenied
            household_create(by=request.user, unit=unit, house_number=data.get("house_number"))
            messages.success(request, "已登记新户")
            return redirect("workbench:collect")
        except ValidationError as exc:
            errors = _errors(exc)
    status = 400 if errors else 200
    return render(request, "workbench/household_form.html",
                  {"errors": errors, "data": data}, status=status)  # fmt: skip


RESIDENT_FIELDS = ("name", "id_number", "phone", "kind", "relation")


@login_required
def resident_new(request, household: int):
    hh = get_object_or_404(Household.objects.restrict(request.user), pk=household)
    errors, data = {}, request.POST
    if request.method == "POST":
        try:
            resident_create(by=request.user, household=hh,
                            **{f: data.get(f, "") for f in RESIDENT_FIELDS})  # fmt: skip
            messages.success(request, "已登记居民")
            return redirect("workbench:collect")
        except ValidationError as exc:
            errors = _errors(exc)
    return render(request, "workbench/resident_form.html",
                  {"household": hh, "errors": errors, "data": data,
                   "relations": Relation.choices},
                  status=400 if errors else 200)  # fmt: skip


@login_required
def resident_edit(request, pk: int):
    resident = get_object_or_404(Resident.objects.restrict(request.user), pk=pk)
    errors = {}
    data = request.POST or {"kind": resident.kind, "relation": resident.relation}
    if request.method == "POST":
        fields = {f: data[f] for f in RESIDENT_FIELDS if data.get(f, "").strip()}
        try:
            cr = svc.resident_collect_update(
                by=request.user, resident=resident, special_tags=data.getlist("special_tags"),
                **fields,
            )  # fmt: skip
            msg = "敏感信息的修改已提交社区审核,审核通过后生效" if cr else "已保存"
            messages.success(request, msg)
            return redirect("workbench:collect")
        except ValidationError as exc:
            errors = _errors(exc)
    tags = [(t.value, t.label) for t in Tag if t in SPECIAL_TAGS]
    return render(request, "workbench/resident_edit.html",
                  {"resident": resident, "errors": errors, "data": data, "tags": tags,
                   "relations": Relation.choices},
                  status=400 if errors else 200)  # fmt: skip


@login_required
def change_requests(request):
    qs = sel.change_request_list_for(request.user)
    return render(request, "workbench/change_requests.html", {"requests": qs[:200]})


@login_required
@require_POST
def change_request_review(request, pk: int, decision: str):
    cr = get_object_or_404(sel.change_request_list_for(request.user), pk=pk)
    review = {"approve": svc.change_request_approve, "reject": svc.change_request_reject}
    if decision not in review:
        raise Http404
    try:
        review[decision](by=request.user, request=cr, note=request.POST.get("note", ""))
        messages.success(request, "已审核")
    except ValidationError as exc:
        messages.error(request, " ".join(_errors(exc).values()))
    return redirect("workbench:change_requests")


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
    context = {"mine": sel.worker_stats(request.user), "board": board, "community": community,
               "rules": sel.score_table()}  # fmt: skip
    return render(request, "workbench/stats.html", context)
