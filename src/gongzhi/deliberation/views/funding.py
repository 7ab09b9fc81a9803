"""Staff pages for 集资: the ledger, payments, exemptions, expenditures and the work tasks."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from gongzhi.cases.models import Case
from gongzhi.people.selectors import label_buildings

from .. import services
from ..forms import (
    CostShareForm,
    ExemptForm,
    ExpenditureForm,
    PaymentForm,
    TaskCompleteForm,
    TaskForm,
)
from ..models import CostShare, Expenditure, LedgerEntry, WorkPhoto, WorkTask
from ..selectors import cost_share_totals, deliberation_list_for, ledger_rows
from .common import form_page, may_change, require_change


@login_required
def cost_share_create_view(request, pk: int):
    delib = get_object_or_404(deliberation_list_for(request.user), pk=pk)
    require_change(request.user, delib.grid)
    form = CostShareForm(request.POST or None)

    def save(data):
        share = services.cost_share_create(deliberation=delib, by=request.user, **data)
        return reverse("deliberation:cost_share_detail", args=[share.pk])

    return form_page(
        request,
        form,
        title=_("发起集资"),
        back_url=reverse("deliberation:detail", args=[pk]),
        save=save,
        success=_("已发起集资,已为范围内每户生成台账"),
        intro=delib.title,
    )


def _share_or_404(user, pk: int) -> CostShare:
    qs = CostShare.objects.restrict(user).select_related("deliberation__grid")
    return get_object_or_404(qs, pk=pk)


@login_required
def cost_share_detail(request, pk: int):
    share = _share_or_404(request.user, pk)
    rows = list(
        ledger_rows(share).filter(pk__in=LedgerEntry.objects.restrict(request.user).values("pk"))
    )
    label_buildings([r.household for r in rows])
    context = {
        "share": share,
        "totals": cost_share_totals(share),
        "rows": rows,
        "expenditures": share.expenditures.order_by("spent_on", "id"),
        "can_change": may_change(request.user, share.deliberation.grid),
        "public_url": reverse("deliberation:public_notice", args=[share.public_token]),
    }
    return render(request, "deliberation/cost_share_detail.html", context)


def _entry_or_404(user, pk: int) -> LedgerEntry:
    qs = LedgerEntry.objects.restrict(user, "change").select_related(
        "household__unit", "cost_share"
    )
    return get_object_or_404(qs, pk=pk)


@login_required
def payment_create_view(request, pk: int):
    entry = _entry_or_404(request.user, pk)
    form = PaymentForm(request.POST or None)

    def save(data):
        services.payment_record(entry=entry, by=request.user, **data)
        return reverse("deliberation:cost_share_detail", args=[entry.cost_share_id])

    return form_page(
        request,
        form,
        title=_("登记缴款"),
        back_url=reverse("deliberation:cost_share_detail", args=[entry.cost_share_id]),
        save=save,
        success=_("已登记缴款"),
        intro=entry.household.address,
    )


@login_required
def exempt_create_view(request, pk: int):
    entry = _entry_or_404(request.user, pk)
    form = ExemptForm(request.POST or None)

    def save(data):
        services.ledger_exempt(entry=entry, by=request.user, reason=data["reason"])
        return reverse("deliberation:cost_share_detail", args=[entry.cost_share_id])

    return form_page(
        request,
        form,
        title=_("办理免缴"),
        back_url=reverse("deliberation:cost_share_detail", args=[entry.cost_share_id]),
        save=save,
        success=_("已办理免缴"),
        intro=entry.household.address,
    )


@login_required
def expenditure_create_view(request, pk: int):
    share = _share_or_404(request.user, pk)
    require_change(request.user, share.deliberation.grid)
    form = ExpenditureForm(request.POST or None, request.FILES or None)

    def save(data):
        services.expenditure_record(cost_share=share, by=request.user, **data)
        return reverse("deliberation:cost_share_detail", args=[pk])

    return form_page(
        request,
        form,
        title=_("登记支出"),
        back_url=reverse("deliberation:cost_share_detail", args=[pk]),
        save=save,
        success=_("已登记支出"),
        multipart=True,
    )


@login_required
def task_create_view(request, pk: int):
    delib = get_object_or_404(deliberation_list_for(request.user), pk=pk)
    require_change(request.user, delib.grid)
    form = TaskForm(request.POST or None)

    def save(data):
        number = data["case_number"].strip()
        case = None
        if number:
            case = Case.objects.restrict(request.user).filter(number=number).first()
            if case is None:
                from django.core.exceptions import ValidationError

                raise ValidationError({"case_number": _("未找到该事件,或不在您的管辖范围内")})
        task = services.work_task_create(
            deliberation=delib,
            by=request.user,
            title=data["title"],
            description=data["description"],
            case=case,
        )
        return reverse("deliberation:task_detail", args=[task.pk])

    return form_page(
        request,
        form,
        title=_("新建实施任务"),
        back_url=reverse("deliberation:detail", args=[pk]),
        save=save,
        success=_("已新建实施任务"),
        intro=delib.title,
    )


@login_required
def task_detail(request, pk: int):
    qs = WorkTask.objects.restrict(request.user).select_related("deliberation__grid", "case")
    task = get_object_or_404(qs, pk=pk)
    form = TaskCompleteForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        require_change(request.user, task.deliberation.grid)

        def save(data):
            services.work_task_complete(
                task=task,
                by=request.user,
                photos=request.FILES.getlist("photos"),
                note=data["note"],
            )
            return reverse("deliberation:task_detail", args=[pk])

        return form_page(
            request,
            form,
            title=_("登记完工"),
            back_url=request.path,
            save=save,
            success=_("已登记完工"),
            multipart=True,
            intro=task.title,
        )
    context = {
        "task": task,
        "photos": task.photos.order_by("id"),
        "form": form,
        "can_complete": task.status == WorkTask.Status.OPEN
        and may_change(request.user, task.deliberation.grid),
    }
    return render(request, "deliberation/task_detail.html", context)


@login_required
def staff_file(request, kind: str, pk: int):
    """A completion photo or a receipt, for staff who may see its deliberation."""
    if kind == "photo":
        obj = get_object_or_404(WorkPhoto.objects.restrict(request.user), pk=pk)
        field, ctype = obj.file, obj.content_type
    elif kind == "receipt":
        obj = get_object_or_404(Expenditure.objects.restrict(request.user), pk=pk)
        field, ctype = obj.receipt, obj.receipt_type
    else:
        raise Http404
    return FileResponse(field.open("rb"), content_type=ctype)
