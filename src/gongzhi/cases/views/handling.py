"""Staff pages for cases. Thin: reads through selectors, every change through services."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.core import clock
from gongzhi.core.access import can
from gongzhi.core.dbrouter import replica_reads
from gongzhi.core.forms import service_errors
from gongzhi.core.roles import CHANGE, EXPORT
from gongzhi.core.xlsx import workbook_response
from gongzhi.people.selectors import resident_list_for, resident_search

from ..deadlines import phase_of
from ..exports import case_export_workbook
from ..forms import ActionForm, CaseCreateForm, CaseFilterForm
from ..models import Attachment, Case, Category, Phase, Rating
from ..selectors import (
    INBOX_LABELS,
    INBOXES,
    allowed_actions,
    case_filter,
    case_list_for,
    case_page_queryset,
    case_timeline,
    inbox_counts,
    inbox_q,
    notification_list_for,
    notification_mark_read,
)
from ..services import StaleCase, case_act, case_create
from ..workflow import ACTIONS, LABELS, TransitionError

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http.response import HttpResponseBase

    from gongzhi.core.types import AnyUser, AuthedRequest
    from gongzhi.people.models import Resident


PAGE_SIZE = 50
MAX_ID = 2**63 - 1
# Timeline entries written by the system rather than by a workflow action.
EVENT_LABELS = {
    "report": gettext_lazy("上报"),
    "supervise_yellow": gettext_lazy("黄牌督办"),
    "supervise_red": gettext_lazy("红牌督办"),
    "auto_escalate": gettext_lazy("超时自动上报"),
    "consultation_open": gettext_lazy("发起会诊研判"),
    "consultation_decide": gettext_lazy("会诊研判结论"),
    "consultation_opinion": gettext_lazy("会诊部门意见"),
    "consultation_task": gettext_lazy("会诊任务"),
    "consultation_task_done": gettext_lazy("会诊任务完成"),
    "callback": gettext_lazy("回电"),
    "resident_safe": gettext_lazy("居民已安全,取消呼叫"),
}


def _is_partial(request: AuthedRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.history_restore_request


def filtered_cases(request: AuthedRequest) -> tuple[str, CaseFilterForm, QuerySet[Case]]:
    """(tab, filter form, restricted + filtered queryset) from the query string."""
    user = request.user
    tab = request.GET.get("inbox") or "todo"
    if tab not in INBOXES:
        tab = "todo"
    params = request.GET.copy()
    for key in ("inbox", "page"):
        params.pop(key, None)
    form = CaseFilterForm(params or None, user=user)
    qs = case_list_for(user)
    if form.is_bound and form.is_valid():
        qs = case_filter(qs, **form.cleaned_data)
    elif form.is_bound:
        qs = qs.none()  # a junk or foreign filter shows its error and no rows
    return tab, form, qs


@login_required
@replica_reads()  # a list: seconds of lag are fine, and writers read the primary
def case_inbox(request: AuthedRequest) -> HttpResponse:
    user = request.user
    tab, form, qs = filtered_cases(request)
    counts = inbox_counts(user, qs)
    rows = case_page_queryset(qs.filter(inbox_q(user, tab)))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    filters = query.copy()
    filters.pop("inbox", None)
    context = {
        "form": form,
        "page": page,
        "tab": tab,
        "tabs": [(name, INBOX_LABELS[name], counts[name]) for name in INBOXES],
        "query": query.urlencode(),
        "filters": filters.urlencode(),
        "can_create": can(user, CHANGE),
        "can_export": can(user, EXPORT),
    }
    template = "cases/_inbox_results.html" if _is_partial(request) else "cases/inbox.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
@replica_reads()
def case_export(request: AuthedRequest) -> HttpResponseBase:
    if not can(request.user, EXPORT):
        raise PermissionDenied(_("您无权导出事件"))
    tab, form, qs = filtered_cases(request)
    wb, filename = case_export_workbook(
        by=request.user, qs=qs.filter(inbox_q(request.user, tab)), tab=tab, request=request
    )
    return workbook_response(wb, filename)


# --- create ------------------------------------------------------------------------------


def _require_change(user: AnyUser) -> None:
    if not can(user, CHANGE):
        raise PermissionDenied(_("您无权登记事件"))


def form_key(user: AnyUser, token: str) -> str:
    # Tokens are per user, so one user's token can never fetch another user's case.
    return f"form:{user.pk}:{token.strip()[:80]}"


@login_required
def case_create_view(request: AuthedRequest) -> HttpResponse:
    user = request.user
    _require_change(user)
    form = CaseCreateForm(request.POST or None, user=user)
    status = 200
    if request.method == "POST":
        token = (request.POST.get("token") or "").strip()
        first = token and Case.objects.filter(idempotency_key=form_key(user, token)).first()
        if first:
            return redirect("cases:detail", ref=first.number)  # a double submit or retry
        case = _create_from_form(request, form, token)
        if case is not None:
            messages.success(request, _("已登记事件 %(n)s") % {"n": case.number})
            return redirect("cases:detail", ref=case.number)
        status = 400
    context = {
        "form": form,
        "resident": _chosen_resident(request, form),
        "extra_questions": _extra_questions(form),
    }
    return render(request, "cases/case_form.html", context, status=status)


def _extra_questions(form: CaseCreateForm) -> list:
    """(category, questions) for categories that ask more, with what was typed."""
    out = []
    for cat in Category.objects.filter(active=True).select_related("parent"):
        if cat.extra_fields:
            fields = sorted(cat.extra_fields, key=lambda f: f.get("order", 0))
            typed = [
                {**f, "current": form.data.get(f"extra_{f['code']}", "") if form.is_bound else ""}
                for f in fields
            ]
            out.append((cat, typed))
    return out


def _chosen_resident(request: AuthedRequest, form: forms.Form) -> Resident | None:
    value = form.data.get("reporter_resident") if form.is_bound else None
    if not value or not str(value).isdigit() or len(str(value)) > 18:
        return None
    return resident_list_for(request.user).filter(pk=value).first()


def _create_from_form(request: AuthedRequest, form: CaseCreateForm, token: str) -> Case | None:
    if not form.is_valid():
        return None
    resident = None
    if form.cleaned_data.get("reporter_resident"):
        resident = _chosen_resident(request, form)
        if resident is None:
            form.add_error(None, _("所选居民不存在或不在您的管辖范围内"))
            return None
    with service_errors(form, denied=True):
        return case_create(
            by=request.user,
            idempotency_key=form_key(request.user, token) if token else None,
            attachments=request.FILES.getlist("attachments"),
            **form.service_fields(resident),
        )
    return None


@login_required
def reporter_search(request: AuthedRequest) -> HttpResponse:
    """htmx: residents matching a masked name, ID suffix or phone suffix (masked output)."""
    q = (request.GET.get("reporter_q") or request.GET.get("q") or "").strip()[:50]
    residents = []
    if q:
        qs = resident_search(resident_list_for(request.user), q=q, user=request.user)
        residents = list(qs.order_by("pk")[:10])
    return render(request, "cases/_reporter_results.html", {"residents": residents, "q": q})


# --- detail and actions --------------------------------------------------------------------


def _case_or_404(user: AnyUser, ref: str) -> Case:
    qs = (
        case_list_for(user)
        .select_related(
            "category__parent",
            "owning_grid",
            "reporter_resident",
            "assignee_staff",
            "assignee_room__center",
            "assignee_department",
            "merged_into",
        )
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
    )
    lookup = {"pk": int(ref)} if ref.isdigit() and len(ref) <= 18 else {"number": ref}
    return get_object_or_404(qs, **lookup)


def _deadlines(case: Case) -> list[dict]:
    current = phase_of(case.state)
    now = clock.now()
    rows = []
    for phase, yellow, red in (
        (Phase.ACCEPT, case.accept_yellow_at, case.accept_red_at),
        (Phase.HANDLE, case.handle_yellow_at, case.handle_red_at),
        (Phase.VERIFY, case.verify_yellow_at, case.verify_red_at),
    ):
        if red is None:
            continue
        rows.append(
            {
                "label": Phase(phase).label,
                "yellow": yellow,
                "red": red,
                "current": phase == current,
                "overdue": phase == current and red <= now,
                "warning": phase == current and yellow is not None and yellow <= now < red,
            }
        )
    return rows


def _detail(
    request: AuthedRequest, case: Case, *, bound: ActionForm | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    forms_ = []
    for action in allowed_actions(case, user):
        if bound is not None and bound.action == action:
            form = bound
        else:
            form = ActionForm(user=user, action=action, initial={"expected_version": case.version})
        forms_.append((action, LABELS[action], form))
    timeline = list(case_timeline(case).select_related("actor__staff"))
    for ev in timeline:
        ev.label = EVENT_LABELS.get(ev.action) or LABELS.get(ev.action, ev.action)  # type: ignore[attr-defined]  # for the template
    context = {
        "case": case,
        "timeline": timeline,
        "satisfaction_label": Rating(case.satisfaction).label if case.satisfaction else "",
        "deadlines": _deadlines(case),
        "actions": forms_,
        # An action that is no longer offered (the case moved on) still explains itself.
        "orphan_errors": (
            bound.non_field_errors()
            if bound is not None and bound.action not in {a for a, _l, _f in forms_}
            else []
        ),
    }
    return render(request, "cases/case_detail.html", context, status=status)


@login_required
def case_detail(request: AuthedRequest, ref: str) -> HttpResponse:
    return _detail(request, _case_or_404(request.user, ref))


@require_POST
@login_required
def case_action(request: AuthedRequest, ref: str, action: str) -> HttpResponse:
    user = request.user
    if action not in ACTIONS:
        raise Http404
    case = _case_or_404(user, ref)
    form = ActionForm(request.POST, user=user, action=action)
    status = 400
    if form.is_valid():
        try:
            case_act(
                case=case,
                by=user,
                action=action,
                expected_version=form.cleaned_data["expected_version"],
                comment=form.cleaned_data["comment"],
                attachments=request.FILES.getlist("attachments"),
                **form.service_params(),
            )
        except StaleCase as exc:
            form.add_error(None, str(exc))
            status = 409
        except TransitionError as exc:
            form.add_error(None, str(exc))
            status = 409
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
            status = 403
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("已%(a)s") % {"a": LABELS[action]})
            return redirect("cases:detail", ref=case.number)
    return _detail(request, _case_or_404(user, ref), bound=form, status=status)


@login_required
def attachment_download(request: AuthedRequest, pk: int) -> HttpResponseBase:
    if pk > MAX_ID:  # PostgreSQL refuses out-of-range integers with an error, not a miss
        raise Http404
    att = get_object_or_404(Attachment.objects.restrict(request.user), pk=pk)
    thumb = request.GET.get("thumb") == "1" and att.thumbnail
    f = att.thumbnail if thumb else att.file
    content_type = "image/jpeg" if thumb else att.content_type
    response = FileResponse(f.open("rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- notifications -----------------------------------------------------------------------


@login_required
def notification_inbox(request: AuthedRequest) -> HttpResponse:
    qs = notification_list_for(request.user)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/notifications.html", {"page": page, "query": ""})


@require_POST
@login_required
def notification_read(request: AuthedRequest) -> HttpResponse:
    raw = request.POST.getlist("id")
    ids = [int(x) for x in raw if x.isdigit() and len(x) <= 18] if raw else None
    notification_mark_read(request.user, ids=ids)
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("cases:notifications")
    return redirect(target)
