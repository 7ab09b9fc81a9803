"""Reads: alerts through restrict() and the kind rules, followers, training samples."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from gongzhi.cases.models import Case, Channel, State
from gongzhi.core.paths import ancestor_paths
from gongzhi.grids.models import Grid
from gongzhi.org.models import Staff

from .duplicates import case_text
from .models import Alert, AlertState, CaseFollower, ModelVersion
from .permissions import kinds_visible_to, responsible_roles

if TYPE_CHECKING:
    from gongzhi.core.types import AnyUser
    from gongzhi.portal.models import ResidentAccount


CLOSED_STATES = (State.CLOSED, State.FOLLOWED_UP, State.ARCHIVED)


# --- alerts --------------------------------------------------------------------------------


def alert_list_for(user: AnyUser, *, state: str = "", kind: str = "") -> QuerySet[Alert]:
    qs = Alert.objects.restrict(user).filter(kind__in=kinds_visible_to(user))
    if state:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.select_related("grid").order_by("-created_at", "-pk")


def open_alert_count_for(user: AnyUser) -> int:
    states = (AlertState.OPEN, AlertState.ACKNOWLEDGED)
    return alert_list_for(user).filter(state__in=states).count()


def alert_cases_for(user: AnyUser, alert: Alert) -> QuerySet[Case]:
    """The alert's cases the reader may open (the rest are counted, not named)."""
    return Case.objects.restrict(user).filter(alerts=alert).order_by("-created_at")


def responsible_user_ids(kind: str, grid: Grid) -> list[int]:
    """Active staff of the kind's responsible roles whose center or assignment covers the
    grid (any level above it), in one query."""
    paths = ancestor_paths(grid.path, Grid.steplen)
    staff = Staff.objects.filter(role__in=list(responsible_roles(kind)), active=True).filter(
        Q(center__grid__path__in=paths) | Q(grid_assignments__grid__path__in=paths)
    )
    return sorted(set(staff.values_list("user_id", flat=True)))


# --- followers ("我也遇到") -----------------------------------------------------------------


def follower_accounts_q(case: Case) -> Q:
    """Resident accounts that hear of a case besides its reporter: those who joined it, and
    the reporters of the duplicates merged into it."""
    merged = Case.objects.filter(merged_into_id=case.pk)
    return (
        Q(user_id__in=CaseFollower.objects.filter(case_id=case.pk).values("user_id"))
        | Q(user_id__in=merged.filter(reporter_user__isnull=False).values("reporter_user_id"))
        | Q(
            resident_id__in=merged.filter(reporter_resident__isnull=False).values(
                "reporter_resident_id"
            )
        )
    )


def is_follower(case: Case, user: AnyUser) -> bool:
    """A resident (not staff) who joined the case or reported a duplicate merged into it."""
    from gongzhi.portal.models import ResidentAccount

    if user.pk is None:
        return False
    if CaseFollower.objects.filter(case_id=case.pk, user_id=user.pk).exists():
        return True
    merged = Case.objects.filter(merged_into_id=case.pk)
    if merged.filter(reporter_user_id=user.pk).exists():
        return True
    residents = ResidentAccount.objects.filter(user_id=user.pk, resident__isnull=False)
    return merged.filter(
        reporter_user__isnull=True, reporter_resident_id__in=residents.values("resident_id")
    ).exists()


def followed_cases(account: ResidentAccount) -> QuerySet[Case]:
    """我关注的问题: cases the resident joined, newest first."""
    return (
        Case.objects.filter(followers__user_id=account.user_id)
        .select_related("category", "board")
        .order_by("-created_at")
    )


# --- training data -------------------------------------------------------------------------


def training_samples(max_cases: int) -> Iterator[tuple[str, str]]:
    """(text, final category code) of the newest closed cases. One-key calls are left out:
    their text is written by the system, not by a person."""
    rows = (
        Case.objects.filter(state__in=CLOSED_STATES)
        .exclude(channel=Channel.CALL_BUTTON)
        .order_by("-closed_at", "-pk")
        .values_list("title", "description", "category__code")[:max_cases]
    )
    for title, description, code in rows.iterator(chunk_size=5000):
        yield case_text(title, description), code


def model_versions() -> QuerySet[ModelVersion]:
    return ModelVersion.objects.defer("artefact").select_related("activated_by")
