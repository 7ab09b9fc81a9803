"""重点人员 pages: the list with what waits (overdue, not yet filed), opening a file, and the
file with its records, risk history, schedule, alerts and hand-overs. Thin: reads and writes
go through liaison.key_persons. Only VIEW_SPECIAL roles get past the door (404 otherwise)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.core import clock
from gongzhi.core.access import can
from gongzhi.core.roles import VIEW_SPECIAL
from gongzhi.people.models import Resident

from .. import key_person_forms as f
from .. import key_persons as svc
from ..models import KeyPerson

STEPS = {
    "record": (
        f.RecordForm,
        lambda by, p, cd: svc.key_person_record(by=by, person=p, **cd),
        gettext_lazy("已记录"),
    ),
    "risk": (
        f.RiskForm,
        lambda by, p, cd: svc.key_person_risk_set(by=by, person=p, **cd),
        gettext_lazy("已调整风险等级"),
    ),
    "schedule": (
        f.ScheduleForm,
        lambda by, p, cd: svc.key_person_schedule_set(by=by, person=p, **cd),
        gettext_lazy("已调整见面安排"),
    ),
    "relocate": (
        f.RelocateForm,
        lambda by, p, cd: svc.key_person_relocate(by=by, person=p, **cd),
        gettext_lazy("已迁移并移交"),
    ),
}


def _door(user) -> None:
    if not can(user, VIEW_SPECIAL):
        raise Http404(_("页面不存在或您无权查看"))


def _form(name, cls, user, person, data=None):
    if cls is f.ScheduleForm:
        return cls(data, person=person)
    if cls is f.RelocateForm:
        return cls(data, user=user)
    return cls(data)


@login_required
def key_person_list(request):
    _door(request.user)
    qs = svc.key_person_list_for(request.user).filter(active=True)
    form = f.FilterForm(request.GET or None)
    today = clock.today()
    if form.is_bound and form.is_valid():
        if form.cleaned_data["risk_level"]:
            qs = qs.filter(risk_level=form.cleaned_data["risk_level"])
        if form.cleaned_data["overdue"]:
            qs = qs.filter(next_due_on__lt=today)
    page = Paginator(qs.order_by("next_due_on", "pk"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page, "form": form, "today": today, "query": query.urlencode(),
        "candidates": svc.key_person_candidates(request.user)[:50],
    }  # fmt: skip
    return render(request, "liaison/key_person_list.html", context)


@login_required
def key_person_open(request, resident_pk: int):
    _door(request.user)
    resident = Resident.objects.restrict(request.user).filter(pk=resident_pk).first()
    if resident is None:
        raise Http404(_("居民不存在或不在您的管辖范围内"))
    tags = svc.special_tags_of(resident)
    form = f.OpenForm(request.POST or None, resident=resident, tags=tags)
    if request.method == "POST" and form.is_valid():
        try:
            person = svc.key_person_open(by=request.user, resident=resident, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已建立重点人员档案"))
            return redirect("liaison:key_person_detail", person.pk)
    status = 400 if form.is_bound else 200
    context = {"form": form, "resident": resident}
    return render(request, "liaison/key_person_form.html", context, status=status)


def _person_or_404(request, pk: int) -> KeyPerson:
    _door(request.user)
    try:
        return svc.key_person_get_for(request.user, pk, request=request)
    except KeyPerson.DoesNotExist:
        raise Http404(_("重点人员档案不存在或您无权查看")) from None


def _detail(request, person: KeyPerson, bound=None, status: int = 200):
    forms = {n: _form(n, cls, request.user, person) for n, (cls, _c, _m) in STEPS.items()}
    if bound:
        forms[bound[0]] = bound[1]
    else:
        forms["schedule"].initial = {
            "interval_days": person.interval_days,
            "responsible": person.responsible_id,
        }
    context = {
        "p": person,
        "today": clock.today(),
        "forms": forms,
        "records": person.records.select_related("by__staff")[:100],
        "risk_changes": person.risk_changes.select_related("by__staff"),
        "alerts": person.alerts.order_by("-due_on")[:20],
        "handovers": person.handovers.select_related("from_grid", "to_grid", "to_staff"),
        "open_for_error": bound[0] if bound else "",
        "step_base": reverse("liaison:key_person_detail", args=[person.pk]),
    }
    return render(request, "liaison/key_person_detail.html", context, status=status)


@login_required
def key_person_detail(request, pk: int):
    return _detail(request, _person_or_404(request, pk))


@require_POST
@login_required
def key_person_step(request, pk: int, step: str):
    person = _person_or_404(request, pk)
    if step not in STEPS:
        raise Http404
    cls, call, done = STEPS[step]
    form = _form(step, cls, request.user, person, request.POST)
    if form.is_valid():
        try:
            call(request.user, person, form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, str(done))
            if step == "relocate" and not svc.key_person_list_for(request.user).filter(pk=pk):
                return redirect("liaison:key_person_list")  # handed over out of our area
            return redirect("liaison:key_person_detail", person.pk)
    return _detail(request, person, bound=(step, form), status=400)
