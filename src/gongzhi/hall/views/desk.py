"""Hall pages: the staff desk (queue and windows), the calling display, window
registration, referrals and setup. Thin: reads via selectors, writes via services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from gongzhi.core.access import can, staff_of
from gongzhi.core.dbrouter import replica_reads
from gongzhi.core.forms import service_errors
from gongzhi.core.roles import HALL
from gongzhi.org.models import Center
from gongzhi.people.selectors import resident_list_for, resident_search

from .. import queue
from .. import services as svc
from ..forms import IssueForm, LookupForm, ServiceForm, VisitForm, WindowForm
from ..models import RoomReferral, Ticket, Window
from ..selectors import (
    center_list_for,
    display_board,
    referral_list_for,
    visit_list_for,
    window_workload,
)

LOOKUP_LIMIT = 20


def _center_or_404(user, pk: int) -> Center:
    center = center_list_for(user).filter(pk=pk).first()
    if center is None or not can(user, HALL, center.grid):
        raise Http404(_("综治中心不存在或您无权办理其大厅业务"))
    return center


@login_required
def index(request):
    centers = [c for c in center_list_for(request.user)[:200] if can(request.user, HALL, c.grid)]
    staff = staff_of(request.user)
    if staff and staff.center_id and any(c.pk == staff.center_id for c in centers):
        return redirect("hall:desk", staff.center_id)
    return render(request, "hall/index.html", {"centers": centers})


@login_required
def desk(request, center_pk: int):
    """The hall desk: issue numbers, each window's queue controls and workload."""
    center = _center_or_404(request.user, center_pk)
    context = {
        "center": center,
        "loads": window_workload(center),
        "services": center.hall_services.filter(active=True),
        "board": display_board(center),
    }
    return render(request, "hall/desk.html", context)


@require_POST
@login_required
def issue(request, center_pk: int):
    center = _center_or_404(request.user, center_pk)
    form = IssueForm(request.POST, center=center)
    if not form.is_valid():
        messages.error(request, _("请选择服务事项"))
        return redirect("hall:desk", center.pk)
    with service_errors(request=request, denied=True):
        ticket = queue.ticket_issue(service=form.cleaned_data["service"], by=request.user)
        messages.success(request, _("已取号:%(n)s") % {"n": ticket.number})
    return redirect("hall:desk", center.pk)


@require_POST
@login_required
def call_next(request, window_pk: int):
    window = get_object_or_404(Window.objects.restrict(request.user), pk=window_pk)
    with service_errors(request=request, denied=True):
        ticket = queue.ticket_call_next(window=window, by=request.user)
        if ticket is None:
            messages.info(request, _("%(w)s:当前没有等候的号码") % {"w": window.name})
        else:
            messages.success(
                request, _("请 %(n)s 号到 %(w)s 办理") % {"n": ticket.number, "w": window.name}
            )
    return redirect("hall:desk", window.center_id)


TICKET_ACTIONS = {
    "start": lambda t, w, by: queue.ticket_start(ticket=t, window=w, by=by),
    "finish": lambda t, w, by: queue.ticket_finish(ticket=t, window=w, by=by),
    "no_show": lambda t, w, by: queue.ticket_finish(ticket=t, window=w, by=by, no_show=True),
    "recall": lambda t, w, by: queue.ticket_recall(ticket=t, window=w, by=by),
}


@require_POST
@login_required
def ticket_action(request, pk: int, action: str):
    ticket = get_object_or_404(Ticket.objects.restrict(request.user), pk=pk)
    if action not in TICKET_ACTIONS or ticket.window is None:
        raise Http404(_("未知的操作"))
    with service_errors(request=request, denied=True):
        TICKET_ACTIONS[action](ticket, ticket.window, request.user)
    return redirect("hall:desk", ticket.center_id)


# --- the calling display (no login: it shows only numbers and windows) --------------------


def _display_center(pk: int) -> Center:
    return get_object_or_404(Center, pk=pk)


@never_cache
def display(request, center_pk: int):
    center = _display_center(center_pk)
    return render(request, "hall/display.html", {"center": center, "board": display_board(center)})


@never_cache
def display_board_partial(request, center_pk: int):
    center = _display_center(center_pk)
    return render(request, "hall/_board.html", {"center": center, "board": display_board(center)})


# --- setup -------------------------------------------------------------------------------


@login_required
def setup(request, center_pk: int):
    center = _center_or_404(request.user, center_pk)
    service_form = ServiceForm(request.POST if "add_service" in request.POST else None)
    window_form = WindowForm(request.POST if "add_window" in request.POST else None, center=center)
    for form, call, done in (
        (
            service_form,
            lambda cd: svc.service_create(by=request.user, center=center, **cd),
            _("已添加服务事项"),
        ),
        (
            window_form,
            lambda cd: svc.window_save(by=request.user, center=center, **cd),
            _("已添加窗口"),
        ),
    ):
        if form.is_bound and form.is_valid():
            with service_errors(form):
                call(form.cleaned_data)
                messages.success(request, done)
                return redirect("hall:setup", center.pk)
    status = 400 if request.method == "POST" else 200
    context = {
        "center": center,
        "service_form": service_form,
        "window_form": window_form,
        "services": center.hall_services.all(),
        "windows": center.hall_windows.prefetch_related("services"),
    }
    return render(request, "hall/setup.html", context, status=status)


# --- window registration ---------------------------------------------------------------------

NEW_RESIDENT_FIELDS = {
    "name": "new_name",
    "id_number": "new_id_number",
    "phone": "new_phone",
    "household": "new_household",
}


@login_required
def visit_create(request, center_pk: int):
    center = _center_or_404(request.user, center_pk)
    lookup = LookupForm(request.GET or None)
    results = None
    if lookup.is_valid() and lookup.cleaned_data["q"]:
        # The hall serves its center's area: a district admin at the 西峰镇 window finds
        # 西峰镇's residents, LOOKUP_LIMIT at a time with a link to the next ones.
        qs = resident_search(
            resident_list_for(request.user),
            q=lookup.cleaned_data["q"],
            user=request.user,
            grid=center.grid,
        )
        results = Paginator(qs.order_by("pk"), LOOKUP_LIMIT).get_page(request.GET.get("more"))
    initial = {}
    if request.GET.get("resident"):
        initial["resident"] = request.GET["resident"]
    if request.GET.get("household"):
        initial["new_household"] = request.GET["household"]
    staff = staff_of(request.user)
    form = VisitForm(request.POST or None, user=request.user, center=center, initial=initial)
    if request.method == "POST" and form.is_valid():
        kwargs = form.service_kwargs()
        if not form.errors:
            try:
                visit = svc.window_visit_register(by=request.user, center=center, **kwargs)
            except ValidationError as exc:
                _add_visit_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("已登记:%(t)s") % {"t": visit.title})
                return redirect("hall:visit_list")
    chosen = None
    resident_value = form["resident"].value()
    if resident_value:
        chosen = (
            resident_list_for(request.user).filter(pk=str(resident_value)).first()
            if str(resident_value).isdigit()
            else None
        )
    context = {
        "center": center,
        "form": form,
        "lookup": lookup,
        "results": results,
        "chosen": chosen,
        "staff": staff,
    }
    return render(request, "hall/visit_form.html", context, status=400 if form.errors else 200)


def _add_visit_errors(form, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, msgs in exc.message_dict.items():
        field = NEW_RESIDENT_FIELDS.get(field, field)
        form.add_error(field if field in form.fields else None, msgs)


@login_required
@replica_reads()  # the ledger a registration redirects to: writers read the primary
def visit_list(request):
    qs = visit_list_for(request.user)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "hall/visit_list.html", {"page": page})


@login_required
def referral_list(request):
    qs = referral_list_for(request.user)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "hall/referral_list.html", {"page": page})


@require_POST
@login_required
def referral_receive(request, pk: int):
    referral = get_object_or_404(RoomReferral.objects.restrict(request.user), pk=pk)
    with service_errors(request=request, denied=True):
        svc.room_referral_receive(by=request.user, referral=referral)
        messages.success(request, _("已接收转交"))
    return redirect("hall:referral_list")
