"""Staff pages for residents and households. Thin: reads via selectors, writes via services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from gongzhi.core import clock
from gongzhi.core.access import can, grid_in_scope
from gongzhi.core.forms import service_errors
from gongzhi.core.masking import mask_address
from gongzhi.core.roles import CHANGE, EXPORT, IMPORT, REVEAL_PII
from gongzhi.grids.models import Grid, Level
from gongzhi.grids.navigation import visible_ancestors
from gongzhi.people.forms import HouseholdForm, ResidentFilterForm, ResidentForm, RevealForm
from gongzhi.people.models import Resident, ResidentTag
from gongzhi.people.selectors import household_list_for, resident_list_for, resident_search
from gongzhi.people.services import (
    household_create,
    resident_create,
    resident_reveal,
    resident_update,
)

from ..services import StaleResident

PAGE_SIZE = 50
IMPORT_PATH = "/people/io/import/"
EXPORT_PATH = "/people/io/export/residents.xlsx"


def _visible_tags(user) -> Prefetch:
    # Special-population tags are dropped here for users without VIEW_SPECIAL.
    return Prefetch("tags", queryset=ResidentTag.objects.restrict(user).order_by("kind", "tag"))


def age_on(birth_date, today) -> int:
    return (
        today.year
        - birth_date.year
        - ((today.month, today.day) < (birth_date.month, birth_date.day))
    )


def _annotate_for_display(residents, today) -> None:
    for r in residents:
        r.age = age_on(r.birth_date, today)
        r.masked_address = mask_address(f"{r.grid.full_name}{r.household.house_number}")


def _url_or(name: str, fallback: str) -> str:
    """Another app's endpoint may not be wired yet; link by its documented path then."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return fallback


def _is_partial(request) -> bool:
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.history_restore_request


@login_required
def resident_list(request):
    user = request.user
    form = ResidentFilterForm(request.GET or None, user=user)
    qs = resident_list_for(user)
    if form.is_bound and form.is_valid():
        qs = resident_search(qs, user=user, **form.cleaned_data)
    elif form.is_bound:
        qs = qs.none()  # a junk or foreign filter shows its error and no rows
    qs = qs.prefetch_related(_visible_tags(user)).order_by(
        "grid__path", "id"
    )  # walks the path index: no sort
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    _annotate_for_display(page.object_list, clock.today())
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_export": can(user, EXPORT),
        "can_import": can(user, IMPORT),
        "export_url": _url_or("people_io:export_residents", EXPORT_PATH),
        "import_url": _url_or("people_io:import", IMPORT_PATH),
    }
    template = (
        "people/_resident_results.html" if _is_partial(request) else "people/resident_list.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _resident_or_404(user, pk: int) -> Resident:
    qs = (
        resident_list_for(user)
        .select_related("household__unit")
        .prefetch_related(_visible_tags(user))
    )
    return get_object_or_404(qs, pk=pk)


def _detail_context(request, resident: Resident, **extra) -> dict:
    user = request.user
    today = clock.today()
    resident.age = age_on(resident.birth_date, today)  # type: ignore[attr-defined]  # for the page
    members = list(
        resident.household.members.select_related("grid", "household")
        .prefetch_related(_visible_tags(user))
        .order_by("id")
    )
    for m in members:
        m.age = age_on(m.birth_date, today)  # type: ignore[attr-defined]  # for the page
    context = {
        "resident": resident,
        "household": resident.household,
        "members": members,
        "crumbs": [*visible_ancestors(user, resident.grid), resident.grid],
        "can_reveal": can(user, REVEAL_PII),
        "can_change": can(user, CHANGE) and grid_in_scope(user, resident.grid),
        "reveal_form": RevealForm(),
        "revealed": None,
    }
    return context | extra


@login_required
def resident_detail(request, pk: int):
    resident = _resident_or_404(request.user, pk)
    return render(request, "people/resident_detail.html", _detail_context(request, resident))


@never_cache
@require_POST
@login_required
def resident_reveal_view(request, pk: int):
    """Full identifiers in place of the masked ones, after a stated reason (audited)."""
    if not can(request.user, REVEAL_PII):
        raise PermissionDenied(_("您无权查看完整身份信息"))
    resident = _resident_or_404(request.user, pk)
    form = RevealForm(request.POST)
    revealed = None
    if form.is_valid():
        with service_errors(form):
            revealed = resident_reveal(
                by=request.user,
                resident=resident,
                reason=form.cleaned_data["reason"],
                request=request,
            )
    context = _detail_context(request, resident, reveal_form=form, revealed=revealed)
    template = "people/_identity.html" if _is_partial(request) else "people/resident_detail.html"
    return render(request, template, context)


def _require_change(user) -> None:
    if not can(user, CHANGE):
        raise PermissionDenied(_("您无权登记或修改人口信息"))


@login_required
def resident_create_view(request, household_pk: int):
    _require_change(request.user)
    household = get_object_or_404(
        household_list_for(request.user, action="change"), pk=household_pk
    )
    form = ResidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            resident = resident_create(
                by=request.user, household=household, **form.service_fields()
            )
            messages.success(request, _("已登记居民 %(name)s") % {"name": resident.masked_name})
            return redirect("people:resident_detail", pk=resident.pk)
    context = {"form": form, "household": household, "resident": None}
    return render(request, "people/resident_form.html", context)


@login_required
def resident_edit_view(request, pk: int):
    _require_change(request.user)
    qs = resident_list_for(request.user, action="change").select_related("household__unit")
    resident = get_object_or_404(qs, pk=pk)
    form = ResidentForm(request.POST or None, resident=resident)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            resident_update(by=request.user, resident=resident, **form.service_fields())
        except StaleResident as exc:
            form.add_error(None, exc.message_dict["version"])  # the input stays in the form
            status = 409
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("已保存 %(name)s 的信息") % {"name": resident.masked_name})
            return redirect("people:resident_detail", pk=resident.pk)
    context = {"form": form, "household": resident.household, "resident": resident}
    return render(request, "people/resident_form.html", context, status=status)


@login_required
def household_create_view(request):
    _require_change(request.user)
    initial = {}
    if unit_pk := request.GET.get("unit"):
        unit = household_unit_from_param(request.user, unit_pk)
        if unit is not None:
            initial["unit"] = unit.code
    form = HouseholdForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            household = household_create(by=request.user, **form.cleaned_data)
            messages.success(request, _("已登记新户,请继续添加成员"))
            return redirect("people:household_detail", pk=household.pk)
    return render(request, "people/household_form.html", {"form": form})


def household_unit_from_param(user, value) -> Grid | None:
    if not str(value).isdigit():
        return None
    return Grid.objects.restrict(user, "change").filter(pk=value, level=Level.UNIT).first()


@login_required
def household_detail(request, pk: int):
    user = request.user
    household = get_object_or_404(household_list_for(user), pk=pk)
    members = list(
        household.members.select_related("grid", "household")
        .prefetch_related(_visible_tags(user))
        .order_by("id")
    )
    today = clock.today()
    for m in members:
        m.age = age_on(m.birth_date, today)  # type: ignore[attr-defined]  # for the page
    context = {
        "household": household,
        "members": members,
        "crumbs": [*visible_ancestors(user, household.unit), household.unit],
        "can_change": can(user, CHANGE) and grid_in_scope(user, household.unit),
    }
    return render(request, "people/household_detail.html", context)
