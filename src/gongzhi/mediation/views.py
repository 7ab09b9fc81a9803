"""Mediation pages: dispute list, registration, the case file with its steps, and the
agreement download. Thin: reads via selectors, writes via services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.cases.consultations import consultation_list_for, may_convene
from gongzhi.core.access import staff_of
from gongzhi.core.dbrouter import replica_reads
from gongzhi.core.forms import service_errors
from gongzhi.core.ledger import export_url, filtered_list, ledger_response, period_bounds
from gongzhi.org.models import DepartmentKind

from . import forms as f
from . import services as svc
from .access import may_mediate, may_record_ruling
from .documents import agreement_docx, agreement_pdf
from .ledger import HEADERS, DisputeFilterForm, dispute_filter, ledger_rows
from .models import Agreement, Dispute
from .selectors import agreement_get_for, dispute_get_for, dispute_list_for, mediation_kpis

# action → (form, service call, success message)
STEPS = {
    "party": (
        f.PartyForm,
        lambda by, d, cd: svc.party_add(by=by, dispute=d, **cd),
        gettext_lazy("已添加当事人"),
    ),
    "mediator": (
        f.MediatorForm,
        lambda by, d, cd: svc.mediator_assign(by=by, dispute=d, **cd),
        gettext_lazy("已指派调解员"),
    ),
    "consent": (
        f.ConsentForm,
        lambda by, d, cd: svc.consent_record(by=by, **cd),
        gettext_lazy("已记录调解意愿"),
    ),
    "session": (
        f.SessionForm,
        lambda by, d, cd: svc.session_record(by=by, dispute=d, **cd),
        gettext_lazy("已记录调解"),
    ),
    "agreement": (
        f.AgreementForm,
        lambda by, d, cd: svc.agreement_create(by=by, dispute=d, **cd),
        gettext_lazy("调解协议书已生成"),
    ),
    "fail": (
        f.FailForm,
        lambda by, d, cd: svc.dispute_fail(by=by, dispute=d, **cd),
        gettext_lazy("已记录调解不成"),
    ),
    "performance": (
        f.PerformanceForm,
        lambda by, d, cd: svc.performance_record(by=by, agreement=d.agreement, **cd),
        gettext_lazy("已记录履行情况"),
    ),
    "follow_up": (
        f.FollowUpForm,
        lambda by, d, cd: svc.follow_up_record(by=by, dispute=d, **cd),
        gettext_lazy("已记录回访"),
    ),
    "judicial": (
        f.JudicialForm,
        lambda by, d, cd: svc.judicial_confirmation_apply(by=by, agreement=d.agreement, **cd),
        gettext_lazy("已记录司法确认申请"),
    ),
    "judicial_decide": (
        f.JudicialDecideForm,
        lambda by, d, cd: svc.judicial_confirmation_decide(
            by=by, confirmation=d.agreement.judicial_confirmation, **cd
        ),
        gettext_lazy("已记录法院裁定结果"),
    ),
    "oral": (
        f.OralForm,
        lambda by, d, cd: svc.oral_agreement_record(by=by, dispute=d, **cd),
        gettext_lazy("已记录口头协议"),
    ),
    "risk": (
        f.RiskForm,
        lambda by, d, cd: svc.dispute_risk_set(by=by, dispute=d, **cd),
        gettext_lazy("已调整稳定风险等级"),
    ),
    "sign": (
        f.SignForm,
        lambda by, d, cd: svc.agreement_sign(by=by, **cd),
        gettext_lazy("已记录当事人签字日期"),
    ),
}
WITH_DISPUTE = (f.MediatorForm, f.ConsentForm, f.SessionForm, f.SignForm)


def _form(cls, dispute, data=None):
    return cls(data, dispute=dispute) if cls in WITH_DISPUTE else cls(data)


def _dispute_or_404(user, pk: int) -> Dispute:
    try:
        return dispute_get_for(user, pk)
    except Dispute.DoesNotExist:
        raise Http404(_("纠纷不存在或您无权查看")) from None


def _filtered(request):
    qs = dispute_list_for(request.user).order_by("-opened_at", "-pk")
    form, qs, params = filtered_list(request, DisputeFilterForm, qs, dispute_filter)
    period = (None, None)
    if form.is_bound and form.is_valid():
        period = period_bounds(form.cleaned_data["start"], form.cleaned_data["end"])
    return form, qs, params, period


@login_required
def dispute_list(request):
    """The dispute list, which is also the 矛盾纠纷排查化解台账 (filters and export)."""
    form, qs, params, (start, end) = _filtered(request)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    context = {
        "page": page, "form": form, "query": params.urlencode(),
        "kpis": mediation_kpis(request.user, start=start, end=end),
        "can_create": staff_of(request.user) is not None,
        "export_url": export_url(request.user, "mediation:ledger_export", params),
    }  # fmt: skip
    return render(request, "mediation/dispute_list.html", context)


@login_required
@replica_reads()
def ledger_export(request):
    form, qs, params, _period = _filtered(request)
    return ledger_response(
        by=request.user,
        title=_("矛盾纠纷排查化解台账"),
        headers=HEADERS,
        rows=ledger_rows(qs),
        model=Dispute,
        filters=params.urlencode(),
        request=request,
        form=form,
    )


@login_required
def dispute_create(request):
    form = f.DisputeForm(request.POST or None, user=request.user)
    staff = staff_of(request.user)
    if not form.is_bound and staff and staff.center_id:
        form.initial["center"] = staff.center_id
    if request.method == "POST" and form.is_valid():
        with service_errors(form, denied=True):
            dispute = svc.dispute_register(by=request.user, **form.cleaned_data)
            messages.success(request, _("已登记纠纷 %(n)s") % {"n": dispute.number})
            return redirect("mediation:dispute_detail", dispute.pk)
    status = 400 if form.is_bound else 200
    return render(request, "mediation/dispute_form.html", {"form": form}, status=status)


def _detail(request, dispute: Dispute, bound: tuple[str, object] | None = None, status=200):
    step_forms = {name: _form(cls, dispute) for name, (cls, _s, _m) in STEPS.items()}
    # 司法确认 goes to the court stationed in the center, as a rule.
    court = dispute.center.departments.filter(kind=DepartmentKind.COURT).first()
    if court is not None:
        step_forms["judicial"].initial = {"court": court.name}
    if bound:
        step_forms[bound[0]] = bound[1]
    agreement = getattr(dispute, "agreement", None)  # a reverse one-to-one may be missing
    context = {
        "dispute": dispute,
        "agreement": agreement,
        "confirmation": getattr(agreement, "judicial_confirmation", None) if agreement else None,
        "forms": step_forms,
        "can_act": may_mediate(request.user, dispute.center),
        "can_rule": may_record_ruling(request.user, dispute.center),
        "can_convene": may_convene(request.user, dispute=dispute),
        "consultations": consultation_list_for(request.user)
        .filter(dispute=dispute)
        .prefetch_related(
            "opinions__department", "opinions__room", "tasks__assignee", "tasks__department"
        ),
        "open_for_error": bound[0] if bound else "",
        "step_base": reverse("mediation:dispute_detail", args=[dispute.pk]),
    }
    return render(request, "mediation/dispute_detail.html", context, status=status)


@login_required
def dispute_detail(request, pk: int):
    return _detail(request, _dispute_or_404(request.user, pk))


@require_POST
@login_required
def dispute_step(request, pk: int, step: str):
    dispute = _dispute_or_404(request.user, pk)
    if step not in STEPS:
        raise Http404
    allowed = may_record_ruling if step == "judicial_decide" else may_mediate
    if not allowed(request.user, dispute.center):
        raise PermissionDenied(_("您无权办理该纠纷"))
    cls, call, done = STEPS[step]
    form = _form(cls, dispute, request.POST)
    if form.is_valid():
        try:
            call(request.user, dispute, form.cleaned_data)
        except ObjectDoesNotExist:  # no agreement, or no confirmation applied for yet
            form.add_error(None, _("尚未达成书面调解协议或尚未申请司法确认"))
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, str(done))
            return redirect("mediation:dispute_detail", dispute.pk)
    return _detail(request, _dispute_or_404(request.user, pk), bound=(step, form), status=400)


@login_required
def agreement_download(request, pk: int, fmt: str):
    try:
        agreement = agreement_get_for(request.user, pk)
    except Agreement.DoesNotExist:
        raise Http404(_("调解协议书不存在或您无权查看")) from None
    if fmt not in ("pdf", "docx"):
        raise Http404
    if fmt == "pdf":
        body, ctype = agreement_pdf(agreement), "application/pdf"
    else:
        body = agreement_docx(agreement)
        ctype = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    response = HttpResponse(body, content_type=ctype)
    name = f"调解协议书-{agreement.dispute.number}.{fmt}"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response
