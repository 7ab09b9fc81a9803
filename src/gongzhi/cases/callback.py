"""Calling the resident back (issue 15.2): the staff member who holds a case, or who answered
a one-key call, taps to dial. The number is revealed through the audited reveal (reason
"回电") and the call-back goes on the case's timeline, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.core import clock, crypto
from gongzhi.core.access import can, role_of
from gongzhi.core.audit import audit_record
from gongzhi.core.models import AuditLog
from gongzhi.core.roles import CASE_DISPATCH

from .models import Case, CaseEvent, State
from .workflow import FINAL_STATES, is_assignee

if TYPE_CHECKING:
    from django.http import HttpRequest

    from gongzhi.core.types import Actor, AnyUser
    from gongzhi.portal.models import ResidentAccount


REASON = "回电"
UNASSIGNED = frozenset({State.REPORTED, State.ACCEPTED, State.ESCALATED, State.RETURNED})


@dataclass(frozen=True)
class Callback:
    phone: str
    name_masked: str
    house_number: str


def _onekey_answerer(case: Case) -> int | None:
    try:
        return case.onekey_call.acknowledged_by_id
    except ObjectDoesNotExist:
        return None


def may_call_back(case: Case, user: AnyUser) -> bool:
    """Who holds the case: its assignee; the one who answered its one-key call; or, while
    nobody is assigned, the dispatchers of the level that owns it."""
    if role_of(user) is None or case.state in FINAL_STATES - {State.CLOSED, State.FOLLOWED_UP}:
        return False
    if is_assignee(case, user) or _onekey_answerer(case) == user.pk:
        return True
    unassigned = not (
        case.assignee_staff_id or case.assignee_room_id or case.assignee_department_id
    )
    return unassigned and case.state in UNASSIGNED and can(user, CASE_DISPATCH, case.owning_grid)


def reporter_account(case: Case) -> ResidentAccount | None:
    """The resident account a case belongs to (its reporter, or the registry resident's)."""
    from gongzhi.portal.models import ResidentAccount

    from .resident_notify import reporter_accounts_q

    q = reporter_accounts_q(case)
    return ResidentAccount.objects.filter(q).order_by("pk").first() if q is not None else None


def house_number_of(case: Case, account: ResidentAccount | None = None) -> str:
    """The house number the resident gave when binding (or their registry household's)."""
    if account is not None and account.house_number:
        return account.house_number
    household = case.reporter_resident.household if case.reporter_resident is not None else None
    return household.house_number if household is not None else ""


def _phone(case: Case, account: ResidentAccount | None) -> str:
    if case.contact_phone_enc and (phone := crypto.decrypt(case.contact_phone_enc)):
        return phone
    if account is not None:
        return account.phone
    return case.reporter_resident.phone if case.reporter_resident is not None else ""


@transaction.atomic
def case_callback(*, case: Case, by: Actor, request: HttpRequest | None = None) -> Callback:
    """Reveal the reporter's number to the case holder, audited, and log the call-back."""
    locked = (
        Case.objects.select_for_update(of=("self",))
        .select_related("owning_grid", "reporter_resident__household")
        .get(pk=case.pk)
    )
    if not may_call_back(locked, by):
        raise PermissionDenied(_("只有承办该事件或响应该呼叫的工作人员可以回电"))
    account = reporter_account(locked)
    phone = _phone(locked, account)
    if not phone:
        raise ValidationError(_("该事件没有可回拨的电话号码"))
    audit_record(
        actor=by,
        action=AuditLog.Action.REVEAL,
        target=locked,
        fields="phone",
        reason=REASON,
        request=request,
    )
    CaseEvent.objects.create(
        case=locked,
        actor=by,
        action="callback",
        from_state="",
        to_state="",
        at=clock.now(),
        data={"phone": locked.contact_phone_masked or (account.phone_masked if account else "")},
    )
    name = locked.reporter_resident.masked_name if locked.reporter_resident is not None else ""
    return Callback(
        phone=phone,
        name_masked=name or locked.contact_name_masked,
        house_number=house_number_of(locked, account),
    )
