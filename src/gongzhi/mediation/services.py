"""Writes for the mediation room. Each service runs in one transaction and raises
ValidationError / PermissionDenied with Chinese messages; on any error nothing is written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.cases.consultations import consultation_open
from gongzhi.cases.models import Case
from gongzhi.cases.notify import notify_users
from gongzhi.core import clock
from gongzhi.core.access import can, require
from gongzhi.core.idcard import InvalidIdNumber, parse_id_number
from gongzhi.core.numbers import decimal_places
from gongzhi.core.roles import CASE_SUPERVISE, CENTER_ALERTS, MEDIATE, roles_with
from gongzhi.core.text import clean_text
from gongzhi.org.models import Center, RoomKind, Staff
from gongzhi.people.models import Resident

from .models import (
    DISPUTE_TYPES,
    Agreement,
    Consent,
    Dispute,
    MediationCounter,
    MediationKind,
    Party,
    RiskGrade,
    Session,
)
from .workflow import DISPUTE, dispute_locked_for

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from gongzhi.core.types import Actor


MAX_AMOUNT = Decimal("999999999999.99")


AMOUNT_LABEL = gettext_lazy("争议金额")


def parse_amount(
    value: Any, *, field: str = "amount", label: StrOrPromise = AMOUNT_LABEL
) -> Decimal | None:
    """A money amount from a form or an API: blank → None; anything else must be a number."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip().replace(",", "").replace(",", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValidationError(
            {field: _("%(label)s应为数字(单位:元),例如 12000 或 12000.50") % {"label": label}}
        ) from None
    if not amount.is_finite():
        raise ValidationError({field: _("%(label)s应为数字(单位:元)") % {"label": label}})
    if amount < 0:
        raise ValidationError({field: _("%(label)s不能为负数") % {"label": label}})
    if amount > MAX_AMOUNT or decimal_places(amount) > 2:
        raise ValidationError(
            {field: _("%(label)s最多保留两位小数,且不超过一万亿元") % {"label": label}}
        )
    return amount.quantize(Decimal("0.01"))


def committee_label(center: Center) -> str:
    """The issuing committee's name as it appears in a case number: the center's area
    (西峰镇 → 西峰镇调〔2026〕第0001号), or its full name when another center's area is
    called the same, so that numbers never repeat across the district."""
    grid = center.grid
    if Center.objects.filter(grid__name=grid.name).exclude(pk=center.pk).exists():
        return grid.full_name or grid.name
    return grid.name


def dispute_number_next(center: Center, year: int) -> str:
    """西峰镇调〔2026〕第0001号: counted per issuing committee (center) and year, with the
    committee's name in the number. The counter row is locked until the caller's transaction
    ends, so two registrations never get the same number."""
    # ignore_conflicts: two first registrations of a year must not fail on the unique row.
    MediationCounter.objects.bulk_create(
        [MediationCounter(center=center, year=year)], ignore_conflicts=True
    )
    counter = MediationCounter.objects.select_for_update().get(center=center, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{committee_label(center)}调〔{year}〕第{counter.last:04d}号"


def _clean_kinds(kinds: Iterable[str]) -> list[str]:
    kinds = list(dict.fromkeys(kinds or ()))
    if not kinds:
        raise ValidationError({"kinds": _("请至少选择一种调解方式")})
    if unknown := [k for k in kinds if k not in MediationKind.values]:
        raise ValidationError(
            {"kinds": _("未知的调解方式:%(kinds)s") % {"kinds": "、".join(map(str, unknown))}}
        )
    return [k for k in MediationKind.values if k in kinds]  # canonical order


@transaction.atomic
def dispute_register(
    *,
    by: Actor,
    center: Center,
    title: str,
    facts: str,
    dispute_type: str,
    amount: Any = None,
    kinds: Sequence[str] = (),
    risk_grade: str = RiskGrade.LOW,
    case: Case | None = None,
) -> Dispute:
    """Register a dispute at a window (case=None) or from an existing case."""
    require(by, MEDIATE, center.grid)
    errors: dict[str, str] = {}
    for check in (
        lambda: clean_text(title, field="title", label=_("纠纷名称"), max_length=200),
        lambda: clean_text(facts, field="facts", label=_("主要事实"), max_length=4000),
        lambda: parse_amount(amount),
        lambda: _clean_kinds(kinds),
    ):
        try:
            check()
        except ValidationError as exc:
            errors |= {k: v[0] for k, v in exc.message_dict.items()}
    if dispute_type not in DISPUTE_TYPES:
        errors["dispute_type"] = _("请选择纠纷类型")
    if risk_grade not in RiskGrade.values:
        errors["risk_grade"] = _("稳定风险等级无效")
    if case is not None and not Case.objects.restrict(by).filter(pk=case.pk).exists():
        errors["case"] = _("关联事件不存在或您无权查看")
    if errors:
        raise ValidationError(errors)
    now = clock.now()
    dispute = Dispute.objects.create(
        number=dispute_number_next(center, timezone.localdate(now).year),
        center=center,
        case=case,
        title=title.strip(),
        facts=facts.strip(),
        dispute_type=dispute_type,
        amount=parse_amount(amount),
        kinds=_clean_kinds(kinds),
        risk_grade=risk_grade,
        opened_at=now,
        opened_by=by,
    )
    if risk_grade == RiskGrade.HIGH:
        _raise_consultation(dispute, by=by, now=now)
    return dispute


@transaction.atomic
def dispute_risk_set(*, by: Actor, dispute: Dispute, risk_grade: str) -> Dispute:
    require(by, MEDIATE, dispute.center.grid)
    if risk_grade not in RiskGrade.values:
        raise ValidationError({"risk_grade": _("稳定风险等级无效")})
    dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
    dispute.risk_grade = risk_grade
    dispute.save(update_fields=["risk_grade"])
    if risk_grade == RiskGrade.HIGH:
        _raise_consultation(dispute, by=by, now=clock.now())
    return dispute


def _center_users(center: Center, roles: Iterable[str]) -> list:
    staff = Staff.objects.filter(center=center, role__in=list(roles), active=True)
    return [s.user for s in staff.select_related("user")]


def _raise_consultation(dispute: Dispute, *, by: Actor, now: dt.datetime) -> None:
    """A high stability risk calls for a joint consultation (会诊研判) on the dispute.

    The center's staff open one at once, inviting the mediation room and every stationed
    department; anyone else (a mediator) asks the center, whose notice links to the page
    that convenes it (the mediator may convene it there too)."""
    if dispute.consultation_id:
        return
    if not can(by, CASE_SUPERVISE):
        dispute.consultation_requested = True
        dispute.save(update_fields=["consultation_requested"])
        notify_users(
            _center_users(dispute.center, roles_with(CENTER_ALERTS)),
            case=dispute.case,
            kind="consultation_request",
            title=f"高风险纠纷请组织会诊研判:{dispute.number}",
            link=reverse("consultations:new_dispute", args=[dispute.pk]),
        )
        return
    center = dispute.center
    dispute.consultation = consultation_open(
        dispute=dispute,
        by=by,
        topic=f"高风险矛盾纠纷会诊研判:{dispute.number}",
        scheduled_at=now + dt.timedelta(days=1),
        rooms=list(center.rooms.filter(kind=RoomKind.MEDIATION)),
        departments=list(center.departments.all()),
    )


@transaction.atomic
def party_add(
    *,
    by: Actor,
    dispute: Dispute,
    side: str,
    name: str,
    kind: str = Party.Kind.PERSON,
    resident: Resident | None = None,
    gender: str = "",
    age: int | None = None,
    address: str = "",
    representative: str = "",
    id_number: str = "",
) -> Party:
    require(by, MEDIATE, dispute.center.grid)
    dispute = dispute_locked_for(dispute, "add_party")
    if resident is not None and not Resident.objects.restrict(by).filter(pk=resident.pk).exists():
        raise ValidationError({"resident": _("居民不存在或不在您的管辖范围内")})
    if side not in Party.Side.values:
        raise ValidationError({"side": _("请选择申请人或被申请人")})
    if kind not in Party.Kind.values:
        raise ValidationError({"kind": _("请选择自然人或单位")})
    if resident is not None and not name:
        name = resident.name
    name = clean_text(name, field="name", label=_("当事人姓名或名称"), max_length=100)
    if kind == Party.Kind.ORGANISATION and not (representative or "").strip():
        raise ValidationError({"representative": _("单位当事人请填写法定代表人或代理人")})
    address = clean_text(address, field="address", label=_("住址"), max_length=200, required=False)
    representative = clean_text(
        representative,
        field="representative",
        label=_("代理人或法定代表人"),
        max_length=100,
        required=False,
    )
    number, born = _party_id(id_number, resident, kind)
    if born is not None and age is None:
        today = clock.today()
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    party = Party(
        dispute=dispute,
        side=side,
        kind=kind,
        name=name,
        resident=resident,
        gender=(gender or "")[:4],
        age=age,
        address=address,
        representative=representative,
    )
    party.set_id_number(number)
    party.save()
    return party


def _party_id(raw: str, resident: Resident | None, kind: str) -> tuple[str, dt.date | None]:
    """(ID number, birth date) of a person party: typed in, or the linked resident's."""
    raw = (raw or "").strip()
    if kind != Party.Kind.PERSON:
        return "", None
    if not raw and resident is not None:
        return resident.id_number, resident.birth_date
    if not raw:
        return "", None
    try:
        info = parse_id_number(raw[:40])
    except InvalidIdNumber as exc:
        raise ValidationError({"id_number": str(exc)}) from None
    return info.number, info.birth_date


@transaction.atomic
def consent_record(
    *, by: Actor, party: Party, consented: bool, on: dt.date | None = None
) -> Consent:
    require(by, MEDIATE, party.dispute.center.grid)
    dispute_locked_for(party.dispute, "record_consent")
    on = on or clock.today()
    if on < timezone.localdate(party.dispute.opened_at):
        raise ValidationError({"on": _("意愿记录日期不能早于纠纷受理日期")})
    consent, _created = Consent.objects.update_or_create(
        party=party, defaults={"consented": bool(consented), "on": on, "recorded_by": by}
    )
    return consent


@transaction.atomic
def session_record(
    *,
    by: Actor,
    dispute: Dispute,
    held_at: dt.datetime,
    notes: str,
    attendees: Iterable[Party] = (),
    place: str = "",
    other_attendees: str = "",
) -> Session:
    require(by, MEDIATE, dispute.center.grid)
    dispute = dispute_locked_for(dispute, "record_session")
    if held_at is None:
        raise ValidationError({"held_at": _("请填写调解时间")})
    # A session can never predate the dispute (or the case it came from).
    start = dispute.opened_at
    if dispute.case is not None and dispute.case.created_at > start:
        start = dispute.case.created_at
    # Forms give minutes only: a session in the minute of registration is not "before" it.
    if held_at < start.replace(second=0, microsecond=0):
        local = timezone.localtime(start)
        raise ValidationError(
            {
                "held_at": _("调解时间不能早于纠纷受理时间(%(at)s),请核对日期")
                % {"at": f"{local:%Y-%m-%d %H:%M}"}
            }
        )
    notes = clean_text(notes, field="notes", label=_("调解记录"), max_length=10000)
    refused = dispute.parties.filter(consent__consented=False)
    if refused.exists():
        names = "、".join(p.name for p in refused)
        raise ValidationError(_("当事人%(names)s不同意调解,不得进行调解") % {"names": names})
    attendees = list(attendees)
    if any(p.dispute_id != dispute.pk for p in attendees):
        raise ValidationError({"attendees": _("到场当事人必须是本纠纷的当事人")})
    session = Session.objects.create(
        dispute=dispute,
        held_at=held_at,
        notes=notes,
        place=(place or "").strip()[:100],
        other_attendees=(other_attendees or "").strip()[:300],
        recorded_by=by,
    )
    session.attendees.set(attendees)
    return session


def _unconsented(dispute: Dispute) -> list[Party]:
    return [p for p in dispute.parties.select_related("consent") if not _consented(p)]


def _consented(party: Party) -> bool:
    try:
        return party.consent.consented
    except Consent.DoesNotExist:
        return False


def _require_consent(dispute: Dispute) -> None:
    sides = set(dispute.parties.values_list("side", flat=True))
    if sides != {Party.Side.APPLICANT, Party.Side.RESPONDENT}:
        raise ValidationError(_("调解协议需要至少一名申请人和一名被申请人"))
    if missing := _unconsented(dispute):
        names = "、".join(p.name for p in missing)
        raise ValidationError(
            _("当事人%(names)s尚未同意调解,不能达成调解协议(人民调解须双方自愿)") % {"names": names}
        )


@transaction.atomic
def agreement_create(
    *,
    by: Actor,
    dispute: Dispute,
    facts: str,
    disputed_matters: str,
    responsibilities: str,
    terms: str,
    performance_method: str,
    performance_deadline: dt.date,
    effective_on: dt.date,
    performance_place: str = "",
    compensation: Any = None,
    copies: int = 3,
    mediator_names: str = "",
) -> Agreement:
    """调解协议书. Refused unless every party has consented to mediation."""
    require(by, MEDIATE, dispute.center.grid)
    dispute = dispute_locked_for(dispute, "agree_written")
    _require_consent(dispute)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for field, raw, label, limit in (
        ("facts", facts, _("纠纷主要事实"), 4000),
        ("disputed_matters", disputed_matters, _("争议事项"), 4000),
        ("responsibilities", responsibilities, _("各方责任"), 4000),
        ("terms", terms, _("协议内容"), 4000),
        ("performance_method", performance_method, _("履行方式"), 200),
    ):
        try:
            values[field] = clean_text(raw, field=field, label=label, max_length=limit)
        except ValidationError as exc:
            errors |= {k: v[0] for k, v in exc.message_dict.items()}
    try:
        values["compensation"] = parse_amount(
            compensation, field="compensation", label=_("赔偿金额")
        )
    except ValidationError as exc:
        errors |= {k: v[0] for k, v in exc.message_dict.items()}
    if not isinstance(effective_on, dt.date):
        errors["effective_on"] = _("请填写协议生效日期")
    if not isinstance(performance_deadline, dt.date):
        errors["performance_deadline"] = _("请填写履行期限")
    elif isinstance(effective_on, dt.date) and performance_deadline < effective_on:
        errors["performance_deadline"] = _("履行期限不能早于协议生效日期")
    if not isinstance(copies, int) or not 1 <= copies <= 20:
        errors["copies"] = _("协议份数应为1至20之间的整数")
    if errors:
        raise ValidationError(errors)
    names = (mediator_names or "").strip() or "、".join(
        m.display_name for m in dispute.mediators.select_related("staff")
    )
    agreement = Agreement.objects.create(
        dispute=dispute,
        performance_deadline=performance_deadline,
        effective_on=effective_on,
        performance_place=(performance_place or "").strip()[:200],
        copies=copies,
        mediator_names=names[:200],
        created_by=by,
        **values,
    )
    _finish(dispute, "agree_written", note="")
    return agreement


def _finish(dispute: Dispute, action: str, *, note: str, **fields: Any) -> None:
    outcome = DISPUTE.next_status(dispute.outcome, action)
    dispute.outcome, dispute.outcome_note, dispute.outcome_at = outcome, note, clock.now()
    for k, v in fields.items():
        setattr(dispute, k, v)
    dispute.save(update_fields=["outcome", "outcome_note", "outcome_at", *fields])


@transaction.atomic
def oral_agreement_record(*, by: Actor, dispute: Dispute, terms: str) -> Dispute:
    """口头协议: possible when the parties accept one; its content is recorded."""
    require(by, MEDIATE, dispute.center.grid)
    dispute = dispute_locked_for(dispute, "agree_oral")
    _require_consent(dispute)
    terms = clean_text(terms, field="terms", label=_("口头协议内容"), max_length=4000)
    _finish(dispute, "agree_oral", note="", oral_terms=terms)
    return dispute


@transaction.atomic
def dispute_fail(*, by: Actor, dispute: Dispute, note: str, routes_explained: bool) -> Dispute:
    """调解不成. The parties must have been told of arbitration, administrative handling and
    litigation before the failure is recorded."""
    require(by, MEDIATE, dispute.center.grid)
    dispute = dispute_locked_for(dispute, "fail")
    if not routes_explained:
        raise ValidationError(
            {"routes_explained": _("请先向当事人告知仲裁、行政处理、诉讼等其他解决途径")}
        )
    note = clean_text(note, field="note", label=_("调解不成的原因"), max_length=4000)
    _finish(dispute, "fail", note=note, routes_explained=True)
    return dispute


# Re-exported: pages and tests call these as svc.<name>.
from .closing import (  # noqa: E402
    agreement_sign,
    follow_up_record,
    judicial_confirmation_apply,
    judicial_confirmation_decide,
    performance_record,
)
from .mediators import mediator_assign  # noqa: E402

__all__ = [
    "agreement_create",
    "agreement_sign",
    "consent_record",
    "dispute_fail",
    "dispute_register",
    "dispute_risk_set",
    "follow_up_record",
    "judicial_confirmation_apply",
    "judicial_confirmation_decide",
    "mediator_assign",
    "oral_agreement_record",
    "parse_amount",
    "party_add",
    "performance_record",
    "session_record",
]
