"""Permission-aware reads for the deliberation pages, and the public (no-login) views' data."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, DecimalField, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from gongzhi.core import clock
from gongzhi.core.paths import subtree_q
from gongzhi.grids.models import Grid, Level
from gongzhi.people.selectors import label_buildings

from .models import (
    Ballot,
    CostShare,
    CourtyardBody,
    Deliberation,
    DeliberationStatus,
    LedgerEntry,
    Proposal,
    Vote,
    WorkPhoto,
    WorkTask,
)
from .models import Choice as C

if TYPE_CHECKING:
    from gongzhi.core.types import AnyUser


ZERO = Decimal("0.00")
_MONEY = DecimalField(max_digits=14, decimal_places=2)


def proposal_list_for(user: AnyUser, *, action: str = "view") -> QuerySet[Proposal]:
    return (
        Proposal.objects.restrict(user, action)
        .select_related("grid", "proposer_resident", "proposer_user__staff")
        .annotate(support_count=Count("supports"))
    )


def deliberation_list_for(user: AnyUser, *, action: str = "view") -> QuerySet[Deliberation]:
    return Deliberation.objects.restrict(user, action).select_related("grid", "proposal")


def body_list_for(user: AnyUser, *, action: str = "view") -> QuerySet[CourtyardBody]:
    return CourtyardBody.objects.restrict(user, action).select_related("grid")


@dataclass(frozen=True)
class Tally:
    eligible: int
    cast: int
    yes: int
    no: int
    abstain: int
    quorum_met: bool | None
    passed: bool | None
    frozen: bool

    @property
    def turnout_pct(self) -> Decimal:
        if not self.eligible:
            return ZERO
        return (Decimal(self.cast * 100) / self.eligible).quantize(Decimal("0.01"))


def vote_tally(vote: Vote) -> Tally:
    """The frozen results once closed; before that a live count (for staff only)."""
    if vote.is_closed:
        return Tally(
            vote.eligible_count or 0,
            vote.cast_count or 0,
            vote.yes_count or 0,
            vote.no_count or 0,
            vote.abstain_count or 0,
            vote.quorum_met,
            vote.passed,
            frozen=True,
        )
    from .services.common import households_under

    counts = Ballot.objects.filter(vote=vote).aggregate(
        yes=Count("id", filter=Q(choice=C.YES)),
        no=Count("id", filter=Q(choice=C.NO)),
        abstain=Count("id", filter=Q(choice=C.ABSTAIN)),
    )
    cast = counts["yes"] + counts["no"] + counts["abstain"]
    eligible = households_under(vote.deliberation.grid).count()
    return Tally(eligible, cast, **counts, quorum_met=None, passed=None, frozen=False)


def ballots_for(vote: Vote) -> QuerySet[Ballot]:
    return vote.ballots.select_related("household__unit").order_by("household__unit__path", "id")


@dataclass(frozen=True)
class Totals:
    households: int
    due: Decimal  # owed by the households that are not exempt
    received: Decimal
    exempt_count: int
    exempt_amount: Decimal
    outstanding: Decimal
    paid_in_full: int
    spent: Decimal

    @property
    def balance(self) -> Decimal:
        return self.received - self.spent


def _money(expr: Any) -> Coalesce:
    return Coalesce(expr, Value(ZERO), output_field=_MONEY)


def ledger_rows(share: CostShare) -> QuerySet[LedgerEntry]:
    return (
        share.entries.select_related("household__unit")
        .annotate(paid=_money(Sum("payments__amount")))
        .order_by("household__unit__path", "household__house_number")
    )


def cost_share_totals(share: CostShare) -> Totals:
    rows = list(ledger_rows(share).values("due", "exempt", "paid"))  # type: ignore[misc]  # paid: annotated
    due = sum((r["due"] for r in rows if not r["exempt"]), ZERO)
    exempt = [r for r in rows if r["exempt"]]
    received = sum((r["paid"] for r in rows), ZERO)
    spent = share.expenditures.aggregate(s=_money(Sum("amount")))["s"]
    cents = Decimal("0.01")  # SQLite sums come back without a fixed scale
    return Totals(
        households=len(rows),
        due=due.quantize(cents),
        received=received.quantize(cents),
        exempt_count=len(exempt),
        exempt_amount=sum((r["due"] for r in exempt), ZERO).quantize(cents),
        outstanding=(due - received).quantize(cents),
        paid_in_full=sum(1 for r in rows if not r["exempt"] and r["paid"] >= r["due"]),
        spent=Decimal(spent).quantize(cents),
    )


def mask_house_number(number: str) -> str:
    """Keep the first and last character (1*1): enough to find one's own row, not a neighbour's."""
    if len(number) <= 2:
        return number[:1] + "*"
    return number[0] + "*" * (len(number) - 2) + number[-1]


def public_ledger(share: CostShare) -> list[dict]:
    """Each household's status for the 公示: building, unit and masked house number, never
    names or exemption reasons (a reason such as hardship is sensitive)."""
    out = []
    entries = list(ledger_rows(share))
    label_buildings([e.household for e in entries])
    for e in entries:
        paid = e.paid  # type: ignore[attr-defined]  # annotated by ledger_rows
        status = _("免缴") if e.exempt else (_("已缴清") if paid >= e.due else _("未缴清"))
        out.append(
            {
                # 1号楼-1单元-1*1: a household finds its own row, not a neighbour's number.
                "house": e.household.house_path(mask_house_number(e.household.house_number)),
                "paid": Decimal(paid).quantize(Decimal("0.01")),
                "status": status,
            }
        )
    return out


def tasks_with_photos(deliberation: Deliberation) -> QuerySet[WorkTask]:
    return deliberation.tasks.prefetch_related(
        Prefetch("photos", queryset=WorkPhoto.objects.order_by("id"))
    ).select_related("case")


def vote_by_token(token: str) -> Vote | None:
    return Vote.objects.select_related("deliberation__grid").filter(public_token=token).first()


def cost_share_by_token(token: str) -> CostShare | None:
    return (
        CostShare.objects.select_related("deliberation__grid", "deliberation__vote")
        .filter(public_token=token)
        .first()
    )


# --- the residents' portal: the notices of one's own community -----------------------------


@dataclass(frozen=True)
class PublicNotice:
    """One deliberation as a resident sees it: its public vote result and/or 公示."""

    deliberation: Deliberation
    vote: Vote | None
    cost_share: CostShare | None
    vote_phase: str  # scheduled | open | counting | closed | "" without a vote


def _community_paths(unit: Grid) -> tuple[str, list[str]]:
    """The unit's community (一级网格, 社区) subtree, and the grids above it, as paths."""
    step = Grid.steplen
    depth = min(unit.depth, unit.depth_of(Level.TOWNSHIP))
    above = [unit.path[: step * d] for d in range(1, depth)]
    return unit.path[: step * depth], above


def public_notices_for_unit(unit: Grid | None, *, limit: int = 50) -> list[PublicNotice]:
    """Deliberations with a public vote or cost-sharing notice that concern `unit`'s
    community: held anywhere in its 一级网格 subtree (neighbours' courtyards too: the notices
    are public anyway), or for a grid above it that covers it. Newest first; drafts never."""
    if unit is None:
        return []
    community, above = _community_paths(unit)
    rows = (
        Deliberation.objects.filter(subtree_q("grid__path", community) | Q(grid__path__in=above))
        .filter(Q(vote__isnull=False) | Q(cost_share__isnull=False))
        .exclude(status=DeliberationStatus.DRAFT)
        .select_related("grid", "vote", "cost_share")
        .order_by("-created_at", "-pk")[:limit]
    )
    now = clock.now()
    out = []
    for d in rows:
        vote = getattr(d, "vote", None)
        out.append(
            PublicNotice(
                deliberation=d,
                vote=vote,
                cost_share=getattr(d, "cost_share", None),
                vote_phase=vote.phase_at(now) if vote else "",
            )
        )
    return out
