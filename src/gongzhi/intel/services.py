"""Writes of gongzhi.intel: model versions (train, activate), joining a case ("我也遇到")
and rating it as a follower, and early warnings (evaluate, acknowledge, close)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from gongzhi.cases.models import Case
from gongzhi.cases.notify import notify_users
from gongzhi.cases.services import case_act
from gongzhi.cases.workflow import OPEN_STATES
from gongzhi.core import clock
from gongzhi.core.paths import subtree_q
from gongzhi.core.text import clean_text
from gongzhi.grids.models import Grid, Level

from . import rules, training
from .models import Alert, AlertRule, AlertState, CaseFollower, ModelVersion
from .permissions import may_handle
from .selectors import responsible_user_ids, training_samples

if TYPE_CHECKING:
    from gongzhi.core.types import Actor
    from gongzhi.portal.models import ResidentAccount

log = logging.getLogger("gongzhi.intel")
KEEP_VERSIONS = 10  # older inactive versions are deleted after a training
ACTIVATE_TOLERANCE = 0.02  # a retrained model replaces the active one unless clearly worse
MAX_NOTE = 1000


# --- model versions ------------------------------------------------------------------------


def model_train(
    *,
    samples: Iterable[tuple[str, str]] | None = None,
    source: str = "",
    params: training.TrainParams | None = None,
    activate: bool = True,
) -> ModelVersion:
    """Train on `samples` (default: the newest closed cases) and store a new version.

    The computation runs in a child interpreter (training.train_in_child), fed the samples
    as they are read, so this process never loads scikit-learn. A child that fails raises
    training.TrainingFailed and nothing is stored. The new version becomes active when none
    is, or when its held-out accuracy is not clearly below the active one's; otherwise it is
    kept for the administrator to compare and activate."""
    if samples is None:
        samples = training_samples(settings.INTEL_TRAIN_MAX_CASES)
        source = source or _("已结案事件")
    params = params or training.TrainParams()
    try:
        result = training.train_in_child(  # minutes: outside any transaction
            samples,
            params,
            timeout=settings.INTEL_TRAIN_TIMEOUT_SECONDS,
            workdir=Path(settings.VAR_DIR) / "tmp",
        )
    except training.TrainingFailed:
        log.exception("model training failed; no version stored")
        raise
    blob = result.artefact
    with transaction.atomic():
        number = (ModelVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
        version = ModelVersion.objects.create(
            number=number,
            source=source[:100],
            trained_on=result.trained_on,
            heldout_size=result.heldout_size,
            accuracy=result.accuracy,
            leaf_accuracy=result.leaf_accuracy,
            labels=result.labels,
            confusion=result.confusion,
            classes=result.classes,
            params=params.as_dict(),
            train_seconds=round(result.seconds, 2),
            peak_memory_mb=result.peak_memory_mb,
            artefact=blob,
            size_bytes=len(blob),
        )
        current = ModelVersion.objects.select_for_update().filter(active=True).first()
        if activate and _better(version, current):
            _activate(version, by=None)
        _prune()
    log.info(
        "model v%s trained on %s samples in %.1f s (child peak %s MB), accuracy %s",
        number,
        result.trained_on,
        result.seconds,
        result.peak_memory_mb,
        result.accuracy,
    )
    return version


def _better(new: ModelVersion, current: ModelVersion | None) -> bool:
    if current is None or current.accuracy is None:
        return True
    return (new.accuracy or 0.0) >= current.accuracy - ACTIVATE_TOLERANCE


def _activate(version: ModelVersion, *, by: Actor | None) -> None:
    ModelVersion.objects.filter(active=True).exclude(pk=version.pk).update(active=False)
    version.active, version.activated_at, version.activated_by = True, clock.now(), by
    version.save(update_fields=["active", "activated_at", "activated_by"])


def _prune() -> None:
    keep = ModelVersion.objects.order_by("-number").values_list("pk", flat=True)[:KEEP_VERSIONS]
    ModelVersion.objects.exclude(pk__in=list(keep)).filter(active=False).delete()


@transaction.atomic
def model_version_activate(*, by: Actor, version: ModelVersion) -> ModelVersion:
    """Make `version` the one every process uses (a roll-back is activating an older one)."""
    from gongzhi.core.access import require
    from gongzhi.core.roles import ADMIN_SITE

    require(by, ADMIN_SITE, message=_("仅区管理员可以切换模型版本"))
    locked = ModelVersion.objects.select_for_update().get(pk=version.pk)
    _activate(locked, by=by)
    return locked


# --- "我也遇到": joining an open case instead of reporting it again ---------------------------


def _community_path(grid: Grid) -> str:
    return grid.path[: Grid.steplen * (Level.TOWNSHIP + 1)]


@transaction.atomic
def case_join(*, account: ResidentAccount, case: Case) -> CaseFollower:
    """The resident follows an open case of their own community: they hear of its changes
    and may rate it. Joining twice changes nothing."""
    from gongzhi.portal.models import PostReaction

    if account.unit is None:
        raise ValidationError({"case": _("请先绑定您居住的单元")})
    same_community = Case.objects.filter(
        subtree_q("grid__path", _community_path(account.unit)), pk=case.pk
    )
    locked = same_community.select_for_update().filter(state__in=OPEN_STATES).first()
    if locked is None:
        raise ValidationError({"case": _("该问题已办结或不在您所在的社区,请直接提交留言")})
    if locked.reporter_user_id == account.user_id:
        raise ValidationError({"case": _("这是您自己反映的问题")})
    follower, _created = CaseFollower.objects.get_or_create(case=locked, user_id=account.user_id)
    if hasattr(locked, "board"):
        PostReaction.objects.get_or_create(case=locked, account=account, kind="support")
    return follower


def followed_case_rate(
    *,
    account: ResidentAccount,
    case: Case,
    rating: str,
    stars: int | str | None,
    comment: str = "",
    resolved: bool | None = None,
) -> Case:
    """A follower's confirmation and rating: the workflow's follow_up (its reporter rule
    admits followers, cases.workflow.may)."""
    if not CaseFollower.objects.filter(case=case, user_id=account.user_id).exists():
        raise PermissionDenied(_("只能评价您关注的问题"))
    return case_act(
        case=case,
        by=account.user,
        action="follow_up",
        expected_version=case.version,
        comment=comment,
        rating=rating,
        stars=stars,
        resolved=resolved,
    )


# --- early warnings ------------------------------------------------------------------------


def alerts_evaluate(now: dt.datetime | None = None) -> list[Alert]:
    """Run every enabled rule; raise an alert for each new finding. Idempotent: a finding
    whose cause was already raised, or whose subject has an alert not yet closed, is
    skipped, and a concurrent evaluation's twin fails on the unique keys and is dropped."""
    now = now or clock.now()
    findings = rules.evaluate(list(AlertRule.objects.filter(enabled=True)), now)
    if not findings:
        return []
    raised = set(
        Alert.objects.filter(cause_key__in=[f.cause_key for f in findings]).values_list(
            "cause_key", flat=True
        )
    )
    busy = set(
        Alert.objects.exclude(state=AlertState.CLOSED)
        .filter(subject__in=[f.subject for f in findings])
        .values_list("subject", flat=True)
    )
    severity = dict(AlertRule.objects.values_list("kind", "severity"))
    created = []
    for f in findings:
        if f.cause_key in raised or f.subject in busy:
            continue
        try:
            with transaction.atomic():
                alert = Alert.objects.create(
                    kind=f.kind,
                    severity=severity[f.kind],
                    grid_id=f.grid_id,
                    reason=f.reason[:2000],
                    subject=f.subject[:120],
                    cause_key=f.cause_key[:160],
                    created_at=now,
                )
                alert.cases.set(f.case_ids)
                notify_users(
                    responsible_user_ids(f.kind, alert.grid),
                    kind="alert",
                    title=_("预警:%(kind)s") % {"kind": alert.get_kind_display()},
                    body=alert.reason[:500],
                )
        except IntegrityError:
            continue  # raised by a concurrent evaluation
        raised.add(f.cause_key)
        busy.add(f.subject)
        created.append(alert)
    return created


def _handle(by: Actor, alert: Alert, target: str, note: str, *, required: bool) -> Alert:
    locked = Alert.objects.select_for_update().select_related("grid").get(pk=alert.pk)
    if not may_handle(by, locked):
        raise PermissionDenied(_("您无权处理该预警"))
    note = clean_text(
        note, field="note", label=_("处理说明"), max_length=MAX_NOTE, required=required
    )
    if locked.state == AlertState.CLOSED or locked.state == target:
        raise ValidationError(
            {"state": _("该预警已%(state)s") % {"state": locked.get_state_display()}}
        )
    now = clock.now()
    locked.state = target
    if note:
        locked.note = f"{locked.note}\n{note}".strip()[:4000]
    if target == AlertState.ACKNOWLEDGED:
        locked.acknowledged_at, locked.acknowledged_by = now, by
    else:
        locked.closed_at, locked.closed_by = now, by
    locked.save()
    return locked


@transaction.atomic
def alert_acknowledge(*, by: Actor, alert: Alert, note: str = "") -> Alert:
    return _handle(by, alert, AlertState.ACKNOWLEDGED, note, required=False)


@transaction.atomic
def alert_close(*, by: Actor, alert: Alert, note: str) -> Alert:
    """Close with a note saying what was done (required)."""
    return _handle(by, alert, AlertState.CLOSED, note, required=True)
