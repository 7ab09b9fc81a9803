"""Permission-aware reads for the mediation room, and its KPIs (REFERENCE §5)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from .models import Agreement, Dispute, JudicialConfirmation, Outcome, Party, Performance

if TYPE_CHECKING:
    from gongzhi.core.types import AnyUser


def dispute_list_for(user: AnyUser) -> QuerySet[Dispute]:
    return Dispute.objects.restrict(user).select_related("center", "case")


def dispute_get_for(user: AnyUser, pk: int) -> Dispute:
    return (
        dispute_list_for(user)
        .prefetch_related(
            Prefetch("parties", queryset=Party.objects.select_related("consent", "resident")),
            "mediators__staff",
            "sessions__attendees",
            "follow_ups",
        )
        .get(pk=pk)
    )


def agreement_get_for(user: AnyUser, pk: int) -> Agreement:
    return (
        Agreement.objects.restrict(user)
        .select_related("dispute__center")
        .prefetch_related("dispute__parties")
        .get(pk=pk)
    )


def _rate(num: int, den: int) -> Decimal | None:
    if not den:
        return None
    return (Decimal(num) * 100 / Decimal(den)).quantize(Decimal("0.01"), ROUND_HALF_UP)


@dataclass(frozen=True)
class MediationKpis:
    accepted: int  # mediations accepted (disputes registered) in the period
    agreements: int  # written + oral agreements reached
    written: int
    performed: int  # written agreements whose latest performance record is 已履行
    confirmation_applied: int
    confirmed: int

    @property
    def success_rate(self) -> Decimal | None:  # 调解成功率 = agreements ÷ accepted
        return _rate(self.agreements, self.accepted)

    @property
    def performance_rate(self) -> Decimal | None:  # 协议履行率 = performed ÷ written agreements
        return _rate(self.performed, self.written)

    @property
    def confirmation_rate(self) -> Decimal | None:  # 司法确认率 = confirmed ÷ written agreements
        return _rate(self.confirmed, self.written)


def mediation_kpis(
    user: AnyUser, *, start: dt.datetime | None = None, end: dt.datetime | None = None
) -> MediationKpis:
    """Counts over disputes opened in [start, end) that the user may see."""
    disputes = dispute_list_for(user)
    if start is not None:
        disputes = disputes.filter(opened_at__gte=start)
    if end is not None:
        disputes = disputes.filter(opened_at__lt=end)
    agreements = Agreement.objects.filter(dispute__in=disputes.values("pk"))
    # 协议履行 counts the latest record: partly performed then performed counts as performed.
    latest = Performance.objects.filter(agreement=OuterRef("pk")).order_by("-on", "-pk")
    performed = agreements.annotate(last=Subquery(latest.values("status")[:1])).filter(
        last=Performance.Status.PERFORMED
    )
    confirmations = JudicialConfirmation.objects.filter(agreement__in=agreements.values("pk"))
    return MediationKpis(
        accepted=disputes.count(),
        agreements=disputes.filter(outcome__in=[Outcome.WRITTEN, Outcome.ORAL]).count(),
        written=agreements.count(),
        performed=performed.count(),
        confirmation_applied=confirmations.count(),
        confirmed=confirmations.filter(result=JudicialConfirmation.Result.CONFIRMED).count(),
    )
