"""Writes for households and residents. Each runs in one transaction and validates first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gongzhi.core import clock, crypto
from gongzhi.core.access import can, grid_in_scope
from gongzhi.core.audit import audit_record
from gongzhi.core.idcard import InvalidIdNumber, parse_id_number
from gongzhi.core.models import AuditLog
from gongzhi.core.phone import InvalidPhone, normalize_phone
from gongzhi.core.roles import CHANGE, REVEAL_PII, VIEW_SPECIAL
from gongzhi.core.text import clean_text
from gongzhi.grids.models import Grid, Level
from gongzhi.people.models import (
    SPECIAL_TAGS,
    Household,
    Relation,
    Resident,
    ResidentKind,
    ResidentTag,
)

if TYPE_CHECKING:
    import datetime as dt

    from django.db import models
    from django.http import HttpRequest

    from gongzhi.core.types import Actor, AnyUser


@dataclass(frozen=True)
class CleanResident:
    """A resident's fields after validation, ready to write."""

    name: str
    id_number: str
    birth_date: dt.date
    gender: str
    phone: str
    kind: str
    relation: str


def clean_resident_fields(
    *, name: str, id_number: str, phone: str = "", kind: str = "", relation: str = ""
) -> CleanResident:
    """Validate one resident's fields; raises ValidationError with per-field Chinese messages."""
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("姓名不能为空")
    elif len(name) > 50:
        errors["name"] = _("姓名不能超过50个字符")
    info = None
    try:
        info = parse_id_number(id_number)
    except InvalidIdNumber as exc:
        errors["id_number"] = str(exc)
    clean_phone = ""
    if (phone or "").strip():
        try:
            clean_phone = normalize_phone(phone)
        except InvalidPhone as exc:
            errors["phone"] = str(exc)
    kind = (kind or ResidentKind.REGISTERED).strip()
    if kind not in ResidentKind.values:
        kind = _choice_by_label(ResidentKind, kind)
        if kind is None:
            errors["kind"] = _("人口类型应为:户籍人口、流动人口或境外人员")
    relation = (relation or Relation.HEAD).strip()
    if relation not in Relation.values:
        relation = _choice_by_label(Relation, relation)
        if relation is None:
            errors["relation"] = _("与户主关系应为:%(choices)s") % {
                "choices": "、".join(str(lb) for lb in Relation.labels)
            }
    if errors:
        raise ValidationError(errors)
    assert info is not None  # parsed, else the errors above were raised
    return CleanResident(
        name=name,
        id_number=info.number,
        birth_date=info.birth_date,
        gender=info.gender,
        phone=clean_phone,
        kind=kind,
        relation=relation,
    )


def _choice_by_label(choices: type[models.Choices], text: str) -> Any:
    for value, label in choices.choices:
        if text == str(label) or text == str(label).replace("人口", ""):
            return value
    return None


def build_resident(
    clean: CleanResident, *, household: Household, synthetic: bool = False
) -> Resident:
    resident = Resident(
        household=household,
        grid_id=household.unit_id,
        name=clean.name,
        kind=clean.kind,
        relation=clean.relation,
        gender=clean.gender,
        birth_date=clean.birth_date,
        is_synthetic=synthetic,
    )
    resident.set_id_number(clean.id_number)
    resident.set_phone(clean.phone)
    return resident


def _require_change(user: AnyUser, grid: Grid) -> None:
    if not can(user, CHANGE) or not grid_in_scope(user, grid):
        raise PermissionDenied(_("您无权修改该网格的人口信息"))


def id_number_taken(id_number: str, *, exclude_pk: int | None = None) -> bool:
    qs = Resident.objects.filter(id_hash__in=crypto.blind_indexes("id", id_number))
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


@transaction.atomic
def household_create(*, by: Actor, unit: Grid, house_number: str) -> Household:
    _require_change(by, unit)
    house_number = (house_number or "").strip()
    if unit.level != Level.UNIT:
        raise ValidationError({"unit": _("户只能登记在五级网格(单元楼)下")})
    if not house_number:
        raise ValidationError({"house_number": _("门牌号不能为空")})
    if Household.objects.filter(unit=unit, house_number=house_number).exists():
        raise ValidationError({"house_number": _("该单元已有这个门牌号的户")})
    return Household.objects.create(unit=unit, house_number=house_number)


@transaction.atomic
def resident_create(*, by: Actor, household: Household, **fields: Any) -> Resident:
    _require_change(by, household.unit)
    clean = clean_resident_fields(**fields)
    if id_number_taken(clean.id_number):
        raise ValidationError({"id_number": _("该身份证号已登记,不能重复登记")})
    resident = build_resident(clean, household=household)
    try:
        with transaction.atomic():
            resident.save()
    except IntegrityError:  # a concurrent registration of the same ID won the race
        raise ValidationError({"id_number": _("该身份证号已登记,不能重复登记")}) from None
    return resident


@transaction.atomic
def resident_update(
    *, by: Actor, resident: Resident, expected_version: int | None = None, **fields: Any
) -> Resident:
    """Edit a resident. With `expected_version` (every form and API edit sends it), an edit
    started from an older version is refused (StaleResident) instead of overwriting. Each
    change writes an audit row naming who changed which fields (values stay out: PII)."""
    _require_change(by, resident.grid)
    locked = Resident.objects.select_for_update().get(pk=resident.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleResident(
            {"version": _("该居民信息已被其他人修改,请刷新页面查看最新信息后再保存")}
        )
    clean = clean_resident_fields(**fields)
    if id_number_taken(clean.id_number, exclude_pk=locked.pk):
        raise ValidationError({"id_number": _("该身份证号已登记,不能重复登记")})
    before = {f: getattr(locked, f) for f in CHANGE_TRACKED}
    for attr in ("name", "kind", "relation", "gender", "birth_date"):
        setattr(locked, attr, getattr(clean, attr))
    locked.set_id_number(clean.id_number)
    locked.set_phone(clean.phone)
    changed = [f for f in CHANGE_TRACKED if getattr(locked, f) != before[f]]
    if changed:
        locked.updated_at = clock.now()
        locked.version += 1
        locked.save()
        audit_record(
            actor=by, action=AuditLog.Action.CHANGE, target=locked, fields=",".join(changed)
        )
    resident.__dict__.update({k: v for k, v in locked.__dict__.items() if k != "_state"})
    return resident


@transaction.atomic
def resident_move(*, by: Actor, resident: Resident, household: Household) -> Resident:
    """The resident moves into another household (迁移); audited like an edit. Used by the
    重点人员 hand-over, which moves the file along with the person."""
    locked = Resident.objects.select_for_update().select_related("grid").get(pk=resident.pk)
    if not can(by, CHANGE) or not (
        grid_in_scope(by, locked.grid) and grid_in_scope(by, household.unit)
    ):
        raise PermissionDenied(_("您无权办理该居民的迁移"))
    if household.pk == locked.household_id:
        raise ValidationError({"household": _("该居民已在此户")})
    locked.household, locked.grid_id = household, household.unit_id
    locked.updated_at = clock.now()
    locked.version += 1
    locked.save(update_fields=["household", "grid", "updated_at", "version"])
    audit_record(actor=by, action=AuditLog.Action.CHANGE, target=locked, fields="household")
    resident.__dict__.update({k: v for k, v in locked.__dict__.items() if k != "_state"})
    return resident


class StaleResident(ValidationError):
    """The edit started from an older version of the record (answered 409 by the API)."""


# Fields whose change is recorded (names only) in the audit log.
CHANGE_TRACKED = ("name", "id_number", "phone", "kind", "relation", "gender", "birth_date")


@transaction.atomic
def resident_tag_add(*, by: Actor, resident: Resident, tag: str, note: str = "") -> ResidentTag:
    _require_change(by, resident.grid)
    if tag in SPECIAL_TAGS and not can(by, VIEW_SPECIAL):
        raise PermissionDenied(_("您无权登记重点人员"))
    obj, _created = ResidentTag.objects.get_or_create(
        resident=resident, tag=tag, defaults={"note": note}
    )
    return obj


REVEALABLE = {"id_number": "身份证号", "phone": "电话", "name": "姓名"}
MIN_REVEAL_REASON = 4  # distinct characters, unless the reason is one of the listed ones


def reveal_reasons() -> list[str]:
    """The usual reasons, offered as a list next to the free-text reason."""
    return [_("核查"), _("入户走访"), _("矛盾纠纷调解"), _("救助帮扶核对"), _("协助案件核查")]


@transaction.atomic
def resident_reveal(
    *, by: Actor, resident: Resident, reason: str, request: HttpRequest | None = None
) -> dict[str, str]:
    """Full identifiers for a permitted user; every call writes an audit row."""
    if not can(by, REVEAL_PII) or not grid_in_scope(by, resident.grid):
        raise PermissionDenied(_("您无权查看完整身份信息"))
    reason = clean_text(reason, field="reason", label=_("查看事由"), max_length=200)
    if reason not in reveal_reasons() and len(set(reason) - set(" \t\n")) < MIN_REVEAL_REASON:
        # A one-letter or "aaaa" reason says nothing an auditor can check.
        raise ValidationError(
            {
                "reason": _("请填写查看事由:从列表中选择,或写明至少%(n)d个字")
                % {"n": MIN_REVEAL_REASON}
            }
        )
    try:
        values = {"name": resident.name, "id_number": resident.id_number, "phone": resident.phone}
    except crypto.Undecryptable:
        # Logged by crypto.decrypt; the key was changed or lost (see docs/security.md).
        raise ValidationError(
            _("该居民的加密信息无法解密(加密密钥可能已更换),请联系系统管理员")
        ) from None
    audit_record(
        actor=by,
        action=AuditLog.Action.REVEAL,
        target=resident,
        fields=",".join(REVEALABLE),
        reason=reason,
        request=request,
    )
    return values
