"""议事台账: the deliberations filtered by period, status, funding and grid, and their .xlsx
export in the ledger's usual columns: the procedure, the household vote and the 集资 totals
(the proposer masked)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from django import forms
from django.db.models import Count, DecimalField, IntegerField, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.core.ledger import PeriodFilterForm, per_row, period_filter
from gongzhi.core.paths import subtree_q

from .models import Deliberation, DeliberationStatus, Expenditure, LedgerEntry, Meeting, Payment

FUNDED, UNFUNDED = "yes", "no"
MONEY = DecimalField(max_digits=14, decimal_places=2)
HEADERS = [
    _("序号"), _("议题"), _("议事范围"), _("提议人"), _("发起日期"), _("状态"), _("议事会议(次)"),
    _("表决事项"), _("应投户数"), _("实投户数"), _("同意"), _("反对"), _("弃权"), _("表决结果"),
    _("集资用途"), _("每户金额(元)"), _("集资户数"), _("免缴户数"), _("应收金额(元)"),
    _("已收金额(元)"), _("已支出(元)"), _("结余(元)"), _("结束日期"),
]  # fmt: skip


class DeliberationFilterForm(PeriodFilterForm):
    period_labels = (_("发起日期自"), _("发起日期至"))

    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *DeliberationStatus.choices]
    )
    funding = forms.ChoiceField(
        label=_("集资"),
        required=False,
        choices=[("", _("全部")), (FUNDED, _("有集资")), (UNFUNDED, _("无集资"))],
    )


def deliberation_filter(
    qs: QuerySet[Deliberation],
    *,
    grid=None,
    start=None,
    end=None,
    status: str = "",
    funding: str = "",
) -> QuerySet[Deliberation]:
    qs = period_filter(qs, "created_at", start, end)
    if status:
        qs = qs.filter(status=status)
    if funding:
        qs = qs.filter(cost_share__isnull=funding == UNFUNDED)
    if grid is not None:
        qs = qs.filter(subtree_q("grid__path", grid.path))
    return qs


def _money(value) -> float | None:
    return float(Decimal(value).quantize(Decimal("0.01"))) if value is not None else None


def _passed(vote) -> str:
    if vote is None or vote.passed is None:
        return gettext("表决中") if vote is not None else ""
    return gettext("通过") if vote.passed else gettext("未通过")


def deliberation_rows(qs: QuerySet[Deliberation]) -> Iterator[list]:
    link, n = "cost_share__deliberation", IntegerField()
    entries = LedgerEntry.objects.all()
    qs = qs.select_related(
        "proposal__proposer_resident", "proposal__proposer_user__staff", "vote", "cost_share"
    ).annotate(
        meeting_count=per_row(Meeting.objects.all(), "deliberation", Count("pk"), n),
        households=per_row(entries, link, Count("pk"), n),
        exempt_count=per_row(entries.filter(exempt=True), link, Count("pk"), n),
        due_total=per_row(entries.filter(exempt=False), link, Sum("due"), MONEY),
        received=per_row(Payment.objects.all(), f"entry__{link}", Sum("amount"), MONEY),
        spent=per_row(Expenditure.objects.all(), link, Sum("amount"), MONEY),
    )
    for i, d in enumerate(qs, 1):
        p = d.proposal
        proposer = (
            p.proposer_display if p and (p.proposer_resident_id or p.proposer_user_id) else ""
        )
        vote = getattr(d, "vote", None)
        share = getattr(d, "cost_share", None)
        yield [
            i,
            d.title,
            d.grid.full_name or d.grid.name,
            proposer,
            timezone.localdate(d.created_at),
            d.get_status_display(),
            d.meeting_count,
            vote.question if vote else "",
            vote.eligible_count if vote else None,
            vote.cast_count if vote else None,
            vote.yes_count if vote else None,
            vote.no_count if vote else None,
            vote.abstain_count if vote else None,
            _passed(vote),
            share.purpose if share else "",
            _money(share.amount_per_household) if share else None,
            d.households if share else None,
            d.exempt_count if share else None,
            _money(d.due_total) if share else None,
            _money(d.received) if share else None,
            _money(d.spent) if share else None,
            _money(d.received - d.spent) if share else None,
            timezone.localdate(d.closed_at) if d.closed_at else None,
        ]
