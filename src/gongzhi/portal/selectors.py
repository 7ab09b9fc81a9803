"""Reads for the residents' portal. Residents see only public, published posts, their own
posts, and their own unit's card; staff-facing lists go through core.access restrict()."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from gongzhi.cases.models import Case, CaseEvent, Channel
from gongzhi.core.paths import ancestor_paths, subtree_q
from gongzhi.grids.models import Grid, Level
from gongzhi.org.models import Center, GridAssignment, Staff

from .models import BindRequest, BoardSetting, PostModeration, PostReaction, ResidentAccount

if TYPE_CHECKING:
    from collections.abc import Iterable

    from gongzhi.core.types import AnyUser


# Timeline lines residents may see, and the actions whose comment is a reply to them.
PUBLIC_ACTIONS = frozenset(
    {
        "report",
        "accept",
        "reject",
        "dispatch",
        "sign",
        "start",
        "resolve",
        "verify",
        "close",
        "follow_up",
        "reopen",
        "archive",
        "terminate",
        "divert",
        "merge",
    }
)
REPLY_ACTIONS = frozenset({"accept", "reject", "resolve", "close", "terminate", "divert"})


def communities() -> QuerySet[Grid]:
    return Grid.objects.filter(level=Level.TOWNSHIP).order_by("path")


def public_cases() -> QuerySet[Case]:
    """Every case anyone may read without signing in, in every interface (board, Open311).

    Public: it came in through Open311 or its reporter/staff made it public, and, when it is
    a board post, moderation published it (pending and hidden posts are never public).
    Readers show `public_text(case)`, never the raw description.
    """
    return Case.objects.filter(Q(channel=Channel.OPEN311) | Q(is_public=True)).filter(
        Q(board__isnull=True) | Q(board__status=PostModeration.Status.PUBLISHED)
    )


def public_text(case: Case) -> str:
    """The text the public reads: the moderator's redaction when there is one."""
    board = getattr(case, "board", None)  # a missing one-to-one raises AttributeError
    return board.public_text() if board is not None else case.description


def board_posts(community: Grid) -> QuerySet[Case]:
    """The public board: public message-board cases, published, newest first."""
    return (
        public_cases()
        .filter(subtree_q("grid__path", community.path), channel=Channel.MESSAGE_BOARD)
        .select_related("board", "category")
        .annotate(supports=Count("portal_reactions", filter=Q(portal_reactions__kind="support")))
        .order_by("-created_at")
    )


def board_post(pk: int) -> Case | None:
    return board_posts_all().filter(pk=pk).first()


def board_posts_all() -> QuerySet[Case]:
    return (
        public_cases()
        .filter(channel=Channel.MESSAGE_BOARD)
        .select_related("board", "category", "grid")
    )


def public_timeline(case: Case) -> list[CaseEvent]:
    events = list(case.events.filter(action__in=PUBLIC_ACTIONS).order_by("at", "pk"))
    for e in events:
        # Internal notes stay internal: only replies' comments reach residents.
        e.public_comment = e.comment if e.action in REPLY_ACTIONS else ""  # type: ignore[attr-defined]  # for the page
    return events


def mine_q(account: ResidentAccount) -> Q:
    """The cases that belong to a resident, from every channel: reported with their account
    (board, call button, live room, hotline matched by phone) or naming their registry entry."""
    q = Q(reporter_user_id=account.user_id)
    if account.resident_id:
        q |= Q(reporter_resident_id=account.resident_id)
    return q


def my_posts(account: ResidentAccount) -> QuerySet[Case]:
    """我的留言: the resident's cases from every channel, newest first."""
    return (
        Case.objects.filter(mine_q(account))
        .select_related("category", "board")
        .prefetch_related("attachments", "follow_ups")
        .order_by("-created_at")
    )


def reactions_of(account: ResidentAccount | None, cases: Iterable[Case]) -> set[tuple[int, str]]:
    if account is None:
        return set()
    rows = PostReaction.objects.filter(account=account, case__in=[c.pk for c in cases])
    return set(rows.values_list("case_id", "kind"))


def _ancestors(grid: Grid) -> list[Grid]:
    step = Grid.steplen
    paths = ancestor_paths(grid.path, step)
    return list(Grid.objects.filter(path__in=paths).order_by("-depth"))


@dataclass
class ConnectionCard:
    unit: Grid
    workers: list[Staff] = field(default_factory=list)
    police: list[Staff] = field(default_factory=list)
    center: Center | None = None


def connection_card(unit: Grid) -> ConnectionCard:
    """Who serves a unit: its nearest grid workers, the community police officer and the
    community's center. Workers assigned higher up cover units with nobody of their own."""
    chain = _ancestors(unit)  # nearest first
    card = ConnectionCard(unit=unit)
    rows = (
        GridAssignment.objects.filter(grid__in=chain, staff__active=True)
        .select_related("staff", "grid")
        .order_by("staff__name")
    )
    by_grid: dict[int, list[GridAssignment]] = {}
    for row in rows:
        by_grid.setdefault(row.grid_id, []).append(row)
    for grid in chain:
        workers = [
            a.staff
            for a in by_grid.get(grid.pk, [])
            if a.duty in (GridAssignment.Duty.WORKER, GridAssignment.Duty.LEADER)
            and a.staff.is_grid_worker
        ]
        if workers and not card.workers:
            card.workers = workers
        if grid.level in (Level.TOWNSHIP, Level.VILLAGE) and not card.police:
            card.police = [
                a.staff for a in by_grid.get(grid.pk, []) if a.duty == GridAssignment.Duty.POLICE
            ]
    centers = {c.grid_id: c for c in Center.objects.filter(grid__in=chain)}
    card.center = next((centers[g.pk] for g in chain if g.pk in centers), None)
    return card


def hotlines() -> list[Center]:
    """Every center with a number to call, community by community."""
    return list(
        Center.objects.exclude(hotline="", duty_phone="")
        .select_related("grid")
        .order_by("grid__path")
    )


def board_settings_for(user: AnyUser) -> list[tuple[Grid, bool]]:
    """The communities (level-1 grids) in the user's scope, each with whether its board
    requires approval before a post is public (no row: it does not)."""
    grids = list(Grid.objects.restrict(user).filter(level=Level.TOWNSHIP).order_by("path")[:500])
    on = set(
        BoardSetting.objects.filter(community__in=grids, require_approval=True).values_list(
            "community_id", flat=True
        )
    )
    return [(g, g.pk in on) for g in grids]


def moderation_queue_for(user: AnyUser) -> QuerySet[PostModeration]:
    return (
        PostModeration.objects.restrict(user, "change")
        .select_related("case", "case__grid")
        .order_by("status", "-case__created_at")
    )


def bind_requests_for(user: AnyUser) -> QuerySet[BindRequest]:
    return (
        BindRequest.objects.restrict(user, "change")
        .filter(status=BindRequest.Status.PENDING)
        .select_related("account", "unit")
    )


def moderation_waiting_count(user: AnyUser) -> int:
    return moderation_queue_for(user).filter(status=PostModeration.Status.PENDING).count()


def bind_request_waiting_count(user: AnyUser) -> int:
    return bind_requests_for(user).count()


def duty_phone_for(account: ResidentAccount | None) -> str:
    """The nearest center's duty phone above the resident's unit (one query), else the
    district duty number from settings.ONE_KEY_DUTY_PHONE."""
    from django.conf import settings

    if account is not None and account.unit is not None:
        unit = account.unit
        step = Grid.steplen
        paths = ancestor_paths(unit.path, step)
        rows = Center.objects.filter(grid__path__in=paths).exclude(duty_phone="")
        nearest = rows.order_by("-grid__depth").values_list("duty_phone", flat=True).first()
        if nearest:
            return nearest
    return getattr(settings, "ONE_KEY_DUTY_PHONE", "")
