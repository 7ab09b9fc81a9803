"""转公安台账: the police referrals filtered by period, status, receiving unit and grid, and
their .xlsx export in the ledger's usual columns (the reporter masked as on the case)."""

from __future__ import annotations

from collections.abc import Iterator

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.ledger import PeriodFilterForm, period_filter
from gongzhi.core.paths import subtree_q

from .models import PoliceReferral

HEADERS = [
    _("序号"), _("事件编号"), _("事件标题"), _("所在网格"), _("反映人"), _("联系电话"),
    _("移送单位"), _("接收单位"), _("移送理由"), _("移送时间"), _("状态"), _("回执编号"),
    _("接收时间"), _("公安反馈"), _("反馈时间"), _("办结说明"), _("办结时间"),
]  # fmt: skip


class ReferralFilterForm(PeriodFilterForm):
    period_labels = (_("移送日期自"), _("移送日期至"))

    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部状态")), *PoliceReferral.Status.choices],
    )
    police_unit = forms.CharField(label=_("接收单位"), required=False, max_length=100)


def referral_filter(
    qs: QuerySet[PoliceReferral],
    *,
    grid=None,
    start=None,
    end=None,
    status: str = "",
    police_unit: str = "",
) -> QuerySet[PoliceReferral]:
    qs = period_filter(qs, "sent_at", start, end)
    if status:
        qs = qs.filter(status=status)
    if police_unit.strip():
        qs = qs.filter(police_unit__contains=police_unit.strip())
    if grid is not None:
        qs = qs.filter(subtree_q("case__grid__path", grid.path))
    return qs


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def referral_rows(qs: QuerySet[PoliceReferral]) -> Iterator[list]:
    qs = qs.select_related("case__grid", "case__reporter_resident", "center")
    for n, r in enumerate(qs, 1):
        c = r.case
        reporter = c.reporter_resident.masked_name if c.reporter_resident is not None else ""
        yield [
            n,
            c.number,
            c.title,
            c.grid.full_name or c.grid.name,
            reporter or c.contact_name_masked,
            c.contact_phone_masked,
            r.center.name,
            r.police_unit,
            r.reason,
            _local(r.sent_at),
            r.get_status_display(),
            r.receipt_number,
            _local(r.received_at),
            r.feedback,
            _local(r.feedback_at),
            r.close_note,
            _local(r.closed_at),
        ]
