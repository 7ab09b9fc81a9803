"""矛盾纠纷排查化解台账: the dispute list filtered by period, type, grid, outcome and risk, and
its .xlsx export in the ledger's usual columns (party names masked)."""

from __future__ import annotations

from collections.abc import Iterator

from django import forms
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.ledger import PeriodFilterForm, period_filter
from gongzhi.core.masking import mask_name
from gongzhi.core.paths import subtree_q

from .models import DISPUTE_TYPE_CHOICES, Dispute, Outcome, Party, Performance, RiskGrade

OPEN = "open"  # Outcome.PENDING is "", which a filter cannot tell from "all"
OUTCOME_CHOICES = [
    ("", _("全部结果")), (OPEN, _("调解中")),
    *[(v, label) for v, label in Outcome.choices if v],
]  # fmt: skip

HEADERS = [
    _("序号"), _("案号"), _("受理日期"), _("受理单位"), _("纠纷类型"), _("纠纷名称"),
    _("简要情况"), _("当事人"), _("争议金额(元)"), _("调解方式"), _("调解员"),
    _("稳定风险等级"), _("调解结果"), _("结案日期"), _("履行情况"), _("司法确认"), _("回访"),
]  # fmt: skip


class DisputeFilterForm(PeriodFilterForm):
    period_labels = (_("受理日期自"), _("受理日期至"))

    dispute_type = forms.ChoiceField(
        label=_("纠纷类型"), required=False, choices=[("", _("全部类型")), *DISPUTE_TYPE_CHOICES]
    )
    outcome = forms.ChoiceField(label=_("调解结果"), required=False, choices=OUTCOME_CHOICES)
    risk_grade = forms.ChoiceField(
        label=_("稳定风险等级"), required=False, choices=[("", _("全部等级")), *RiskGrade.choices]
    )


def dispute_filter(
    qs: QuerySet[Dispute],
    *,
    grid=None,
    start=None,
    end=None,
    dispute_type: str = "",
    outcome: str = "",
    risk_grade: str = "",
) -> QuerySet[Dispute]:
    qs = period_filter(qs, "opened_at", start, end)
    if dispute_type:
        qs = qs.filter(dispute_type=dispute_type)
    if outcome:
        qs = qs.filter(outcome="" if outcome == OPEN else outcome)
    if risk_grade:
        qs = qs.filter(risk_grade=risk_grade)
    if grid is not None:
        # The committee's area, the case's grid or a party's home grid lies under the filter.
        inside = (
            subtree_q("center__grid__path", grid.path)
            | subtree_q("case__grid__path", grid.path)
            | subtree_q("parties__resident__grid__path", grid.path)
        )
        qs = qs.filter(pk__in=Dispute.objects.filter(inside).values("pk"))
    return qs


def _local_day(value):
    return timezone.localdate(value) if value else None


def _party_label(p: Party) -> str:
    name = mask_name(p.name) if p.kind == Party.Kind.PERSON else p.name
    return f"{p.get_side_display()}:{name}"


def ledger_rows(qs: QuerySet[Dispute]) -> Iterator[list]:
    qs = qs.select_related("center", "agreement__judicial_confirmation").prefetch_related(
        Prefetch("parties", queryset=Party.objects.order_by("side", "pk")),
        "mediators__staff",
        "follow_ups",
        Prefetch("agreement__performances", queryset=Performance.objects.order_by("on", "pk")),
    )
    for n, d in enumerate(qs, 1):
        agreement = getattr(d, "agreement", None) if d.outcome == Outcome.WRITTEN else None
        performances = list(agreement.performances.all()) if agreement else []
        confirmation = getattr(agreement, "judicial_confirmation", None) if agreement else None
        follow_ups = list(d.follow_ups.all())
        yield [
            n,
            d.number,
            _local_day(d.opened_at),
            d.center.name,
            d.dispute_type,
            d.title,
            d.facts[:200],
            ";".join(_party_label(p) for p in d.parties.all()),
            d.amount,
            "、".join(d.kind_labels()),
            "、".join(m.display_name for m in d.mediators.all()),
            d.get_risk_grade_display(),
            d.get_outcome_display(),
            _local_day(d.outcome_at),
            performances[-1].get_status_display() if performances else "",
            confirmation.get_result_display() if confirmation else "",
            f"{len(follow_ups)}次" if follow_ups else "",
        ]
