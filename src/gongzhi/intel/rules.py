"""The early-warning rules (预警): each reads its thresholds from an AlertRule row and
returns Findings; services.alerts_evaluate turns new findings into Alerts.

A finding's `subject` is who or what it is about (at most one alert per subject is not
closed) and its `cause_key` the subject plus the evidence (unique: evaluating again raises
nothing; new evidence after an alert was closed raises a new one). Each rule is a bounded
query over a recent window. The statistics of the surge rule are in docs/decisions.md.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.cases.deadlines import next_owner
from gongzhi.cases.models import Case, CaseEvent, Category, Channel, OwningLevel
from gongzhi.cases.workflow import OPEN_STATES
from gongzhi.core import clock
from gongzhi.core.masking import mask_name
from gongzhi.grids.models import Grid
from gongzhi.grids.selectors import level_depth
from gongzhi.people.models import Resident, ResidentTag, TagKind

from .models import AlertKind, AlertRule

LAMBDA_FLOOR = 0.5  # expected count when the baseline is empty (docs/decisions.md)
MAX_LINKED = 50  # cases linked to one alert


@dataclass
class Finding:
    kind: str
    subject: str
    cause_key: str
    grid_id: int
    reason: str
    case_ids: list[int] = field(default_factory=list)


def poisson_tail(k: int, lam: float) -> float:
    """P(X ≥ k) for X ~ Poisson(lam)."""
    if k <= 0:
        return 1.0
    term, below = math.exp(-lam), 0.0
    for i in range(k):
        below += term
        term *= lam / (i + 1)
    return max(0.0, 1.0 - below)


# --- 1. the same parties in two or more disputes → the mediation room ----------------------


def _pair_key(a: dict, b: dict) -> str | None:
    """Two parties as one key: by household when they live apart, else by resident."""
    if a["resident_id"] == b["resident_id"]:
        return None
    if a["household"] != b["household"]:
        x, y = sorted((a["household"], b["household"]))
        return f"h{x}-h{y}"
    x, y = sorted((a["resident_id"], b["resident_id"]))
    return f"r{x}-r{y}"


def repeat_disputes(rule: AlertRule, now: dt.datetime) -> list[Finding]:
    from gongzhi.mediation.models import Party

    since = now - dt.timedelta(days=rule.window_days)
    rows = Party.objects.filter(
        dispute__opened_at__gte=since, dispute__opened_at__lte=now, resident__isnull=False
    ).values(
        "dispute_id",
        "side",
        "resident_id",
        "resident__name",
        "dispute__number",
        "dispute__center__grid_id",
        "dispute__case_id",
        "resident__household_id",
    )
    by_dispute: dict[int, list[dict]] = defaultdict(list)
    for row in cast("Iterable[dict[str, Any]]", rows):
        row["household"] = row["resident__household_id"]
        by_dispute[row["dispute_id"]].append(row)
    pairs: dict[str, dict[int, list[dict]]] = defaultdict(dict)
    for dispute_id, parties in by_dispute.items():
        for a in (p for p in parties if p["side"] == "applicant"):
            for b in (p for p in parties if p["side"] == "respondent"):
                if key := _pair_key(a, b):
                    pairs[key][dispute_id] = [a, b]
    found = []
    for key, disputes in pairs.items():
        if len(disputes) < rule.min_count:
            continue
        newest = max(disputes)
        a, b = disputes[newest]
        numbers = [disputes[d][0]["dispute__number"] for d in sorted(disputes)]
        found.append(
            Finding(
                kind=AlertKind.REPEAT_DISPUTE,
                subject=f"dispute_pair:{key}",
                cause_key=f"dispute_pair:{key}:{newest}",
                grid_id=a["dispute__center__grid_id"],
                reason=_(
                    "%(a)s与%(b)s在%(days)d天内发生%(n)d起矛盾纠纷(%(numbers)s),"
                    "请调解室提前介入,防止矛盾激化。"
                )
                % {
                    "a": mask_name(a["resident__name"]),
                    "b": mask_name(b["resident__name"]),
                    "days": rule.window_days,
                    "n": len(disputes),
                    "numbers": "、".join(numbers),
                },
                case_ids=[
                    p[0]["dispute__case_id"] for p in disputes.values() if p[0]["dispute__case_id"]
                ],
            )
        )
    return found


# --- 2. a category far above its own baseline in a grid → the community center -------------


def category_surges(rule: AlertRule, now: dt.datetime) -> list[Finding]:
    recent_from = now - dt.timedelta(days=rule.window_days)
    base_from = recent_from - dt.timedelta(days=rule.baseline_days)
    prefix = Grid.steplen * level_depth(rule.grid_level)
    rows = (
        Case.objects.filter(created_at__gte=base_from, created_at__lte=now)
        .annotate(area=Substr("grid__path", 1, prefix), top=Substr("category__code", 1, 2))
        .values("area", "top")
        .annotate(
            recent=Count("pk", filter=Q(created_at__gte=recent_from)),
            base=Count("pk", filter=Q(created_at__lt=recent_from)),
        )
        .filter(recent__gte=rule.min_count)
        .order_by()
    )
    hits = []
    for row in rows:
        expected = max(row["base"] * rule.window_days / rule.baseline_days, LAMBDA_FLOOR)
        p = poisson_tail(row["recent"], expected)
        if p < rule.threshold:
            hits.append((row, expected, p))
    if not hits:
        return []
    grids = {g.path: g for g in Grid.objects.filter(path__in=[r["area"] for r, _e, _p in hits])}
    names = dict(Category.objects.filter(parent=None).values_list("code", "name"))
    week = timezone.localdate(now).isocalendar()
    found = []
    for row, expected, p in hits:
        grid = grids.get(row["area"])
        if grid is None:
            continue
        cases = (
            Case.objects.filter(
                grid__path__startswith=row["area"],
                category__code__startswith=row["top"],
                created_at__gte=recent_from,
                created_at__lte=now,
            )
            .order_by("-created_at")
            .values_list("pk", flat=True)[:MAX_LINKED]
        )
        subject = f"surge:{row['area']}:{row['top']}"
        found.append(
            Finding(
                kind=AlertKind.SURGE,
                subject=subject,
                cause_key=f"{subject}:{week.year}-W{week.week:02d}",
                grid_id=grid.pk,
                reason=_(
                    "%(grid)s近%(days)d天「%(cat)s」类事件%(k)d件,过去%(weeks)d周同期平均%(mean).1f件"
                    "(泊松检验 P(X≥%(k)d)=%(p).1e,低于阈值%(alpha)s),请社区综治中心研判原因。"
                )
                % {
                    "grid": grid.full_name or grid.name,
                    "days": rule.window_days,
                    "cat": names.get(row["top"], row["top"]),
                    "k": row["recent"],
                    "weeks": rule.baseline_days // 7,
                    "mean": expected,
                    "p": p,
                    "alpha": f"{rule.threshold:g}",
                },
                case_ids=list(cases),
            )
        )
    return found


# --- 3. reopened twice, or overdue at two levels → the supervisor above -------------------


def stuck_cases(rule: AlertRule, now: dt.datetime) -> list[Finding]:
    found = []
    reopened = Case.objects.filter(state__in=OPEN_STATES, rehandle_count__gte=rule.min_count)
    for case in reopened.select_related("owning_grid", "grid")[:500]:
        found.append(
            _stuck(
                case,
                f"case_reopen:{case.pk}",
                f"case_reopen:{case.pk}:{case.rehandle_count}",
                _("事件%(number)s已重办%(n)d次仍未解决,请上级督办。")
                % {"number": case.number, "n": case.rehandle_count},
            )
        )
    since = now - dt.timedelta(days=rule.window_days)
    overdue = (
        CaseEvent.objects.filter(
            action__in=("auto_escalate", "supervise_red"),
            at__gte=since,
            at__lte=now,
            case__state__in=OPEN_STATES,
        )
        .values("case_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=rule.min_count)
        .order_by()
    )
    counts = {row["case_id"]: row["n"] for row in overdue[:500]}
    for case in Case.objects.filter(pk__in=counts).select_related("owning_grid", "grid"):
        found.append(
            _stuck(
                case,
                f"case_overdue:{case.pk}",
                f"case_overdue:{case.pk}",
                _("事件%(number)s已在%(n)d个层级超时(红牌),现由%(level)s主办,请上级督办。")
                % {
                    "number": case.number,
                    "n": counts[case.pk],
                    "level": OwningLevel(case.owning_level).label,
                },
            )
        )
    return found


def _stuck(case: Case, subject: str, cause: str, reason: str) -> Finding:
    above = next_owner(case)
    grid = (
        above[1]
        if above
        else Grid.objects.get(path=case.owning_grid.district_path or case.owning_grid.path)
    )
    return Finding(
        kind=AlertKind.CASE_STUCK,
        subject=subject,
        cause_key=cause,
        grid_id=grid.pk,
        reason=reason,
        case_ids=[case.pk],
    )


# --- 4. a special-population resident in a new dispute or one-key call → police liaison ----


def _special_tags(resident_ids) -> dict[int, list[str]]:
    tags: dict[int, list[str]] = defaultdict(list)
    rows = ResidentTag.objects.filter(resident_id__in=resident_ids, kind=TagKind.SPECIAL)
    for tag in rows.order_by("pk"):
        tags[tag.resident_id].append(str(tag.get_tag_display()))
    return tags


def special_people(rule: AlertRule, now: dt.datetime) -> list[Finding]:
    from gongzhi.mediation.models import Party

    since = now - dt.timedelta(days=rule.window_days)
    special = ResidentTag.objects.filter(kind=TagKind.SPECIAL).values("resident_id")
    parties = list(
        Party.objects.filter(
            dispute__opened_at__gte=since, dispute__opened_at__lte=now, resident_id__in=special
        ).values("resident_id", "dispute_id", "dispute__number", "dispute__case_id")
    )
    calls = list(
        Case.objects.filter(
            channel=Channel.CALL_BUTTON,
            created_at__gte=since,
            created_at__lte=now,
            reporter_resident_id__in=special,
        ).values("reporter_resident_id", "pk", "number")
    )
    ids = {p["resident_id"] for p in parties} | {c["reporter_resident_id"] for c in calls}
    if not ids:
        return []
    people = {r.pk: r for r in Resident.objects.filter(pk__in=ids)}
    tags = _special_tags(ids)
    found = []

    def add(resident_id: int, evidence: str, what: str, case_id: int | None) -> None:
        person = people[resident_id]
        found.append(
            Finding(
                kind=AlertKind.SPECIAL_PERSON,
                subject=f"special:{resident_id}",
                cause_key=f"special:{resident_id}:{evidence}",
                grid_id=person.grid_id,
                reason=_("重点人员%(name)s(%(tags)s)%(what)s,请警民联络室关注。")
                % {
                    "name": person.masked_name,
                    "tags": "、".join(tags[resident_id]),
                    "what": what,
                },
                case_ids=[case_id] if case_id else [],
            )
        )

    for p in parties:
        what = _("被列为新矛盾纠纷%(n)s的当事人") % {"n": p["dispute__number"]}
        add(p["resident_id"], f"dispute:{p['dispute_id']}", what, p["dispute__case_id"])
    for c in calls:
        what = _("使用了一键呼叫(事件%(n)s)") % {"n": c["number"]}
        add(c["reporter_resident_id"], f"call:{c['pk']}", what, c["pk"])
    return found


# --- 5. a care target with an overdue visit who also called → the care room ---------------


def care_calls(rule: AlertRule, now: dt.datetime) -> list[Finding]:
    from gongzhi.care.models import VisitPlan
    from gongzhi.hotline.models import HotlineCall

    today = timezone.localdate(now)
    since = now - dt.timedelta(days=rule.window_days)
    plans = {
        p.resident_id: p
        for p in VisitPlan.objects.filter(active=True, next_due_on__lt=today).select_related(
            "resident"
        )
    }
    if not plans:
        return []
    calls: dict[int, list[tuple[dt.datetime, str, int | None]]] = defaultdict(list)
    channels: dict[str, str] = {Channel.CALL_BUTTON: _("一键呼叫"), Channel.HOTLINE: _("民情热线")}
    for c in Case.objects.filter(
        channel__in=list(channels),
        created_at__gte=since,
        created_at__lte=now,
        reporter_resident_id__in=list(plans),
    ).values("reporter_resident_id", "pk", "created_at", "channel"):
        calls[c["reporter_resident_id"]].append((c["created_at"], channels[c["channel"]], c["pk"]))
    for h in HotlineCall.objects.filter(
        started_at__gte=since, started_at__lte=now, resident_id__in=list(plans), case__isnull=True
    ).values("resident_id", "started_at"):
        calls[h["resident_id"]].append((h["started_at"], channels[Channel.HOTLINE], None))
    found = []
    for resident_id, made in calls.items():
        plan = plans[resident_id]
        made.sort(key=lambda c: c[0])
        last_at, how, _pk = made[-1]
        found.append(
            Finding(
                kind=AlertKind.CARE_CALL,
                subject=f"care:{resident_id}",
                cause_key=f"care:{resident_id}:{plan.next_due_on:%Y%m%d}",
                grid_id=plan.resident.grid_id,
                reason=_(
                    "关爱对象%(name)s走访已逾期(应于%(due)s前走访),%(when)s又通过%(how)s求助,"
                    "请关爱工作室尽快上门。"
                )
                % {
                    "name": plan.resident.masked_name,
                    "due": f"{plan.next_due_on:%m月%d日}",
                    "when": timezone.localtime(last_at).strftime("%m月%d日%H:%M"),
                    "how": how,
                },
                case_ids=[pk for _at, _how, pk in made if pk],
            )
        )
    return found


DETECTORS: dict[str, Callable[[AlertRule, dt.datetime], list[Finding]]] = {
    AlertKind.REPEAT_DISPUTE: repeat_disputes,
    AlertKind.SURGE: category_surges,
    AlertKind.CASE_STUCK: stuck_cases,
    AlertKind.SPECIAL_PERSON: special_people,
    AlertKind.CARE_CALL: care_calls,
}


def evaluate(rules: list[AlertRule], now: dt.datetime | None = None) -> list[Finding]:
    now = now or clock.now()
    found: list[Finding] = []
    for rule in rules:
        if rule.enabled and rule.kind in DETECTORS:
            found.extend(DETECTORS[rule.kind](rule, now))
    return found
