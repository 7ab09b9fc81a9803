"""Assigning mediators: a staff member, or a volunteer from a social organisation
(和事佬协会, 妈妈唠嗑队, …) chosen from social.selectors.mediator_candidates, or typed in."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.core.access import require
from gongzhi.core.roles import MEDIATE
from gongzhi.org.models import Staff
from gongzhi.social.models import Member
from gongzhi.social.selectors import mediator_candidates

from .models import Dispute, MediationKind, Mediator
from .workflow import dispute_locked_for


@transaction.atomic
def mediator_assign(
    *,
    by,
    dispute: Dispute,
    kind: str,
    staff: Staff | None = None,
    volunteer: Member | None = None,
    volunteer_name: str = "",
    volunteer_org: str = "",
) -> Mediator:
    require(by, MEDIATE, dispute.center.grid)
    dispute = dispute_locked_for(dispute, "assign_mediator")
    if kind not in MediationKind.values:
        raise ValidationError({"kind": _("未知的调解方式")})
    if volunteer is not None:
        # Only an active member allowed to mediate, in an organisation of this center's area.
        if not mediator_candidates(dispute.center).filter(pk=volunteer.pk).exists():
            raise ValidationError({"volunteer": _("该组织成员不能担任本中心的调解员")})
        volunteer_name, volunteer_org = volunteer.name, volunteer.organisation.name
    volunteer_name, volunteer_org = (volunteer_name or "").strip(), (volunteer_org or "").strip()
    if staff is None and not volunteer_name:
        raise ValidationError(
            {"volunteer_name": _("请选择工作人员、社会组织成员或填写志愿调解员姓名")}
        )
    if staff is not None and volunteer_name:
        raise ValidationError({"staff": _("一次只能指派一名调解员:工作人员和志愿调解员请分别指派")})
    mediator = Mediator.objects.create(
        dispute=dispute,
        kind=kind,
        staff=staff,
        volunteer_name=volunteer_name[:50],
        volunteer_org=volunteer_org[:100],
    )
    if kind not in dispute.kinds:  # convening another kind of mediation widens the dispute's
        dispute.kinds = [k for k in MediationKind.values if k in {*dispute.kinds, kind}]
        dispute.save(update_fields=["kinds"])
    return mediator
