"""Writes for 楼院自治组织: the body, its members and its list of issues."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.core import clock

from ..models import BodyIssue, BodyMember, CourtyardBody, OrgKind
from .common import clean_text, require_staff_in

if TYPE_CHECKING:
    from gongzhi.core.types import Actor
    from gongzhi.grids.models import Grid


@transaction.atomic
def body_create(*, by: Actor, grid: Grid, name: str, meeting_schedule: str = "") -> CourtyardBody:
    require_staff_in(by, grid)
    return CourtyardBody.objects.create(
        grid=grid,
        name=clean_text(name, field="name", label=_("名称"), max_length=100),
        meeting_schedule=clean_text(
            meeting_schedule,
            field="meeting_schedule",
            label=_("例会安排"),
            max_length=100,
            required=False,
        ),
        created_by=by,
    )


@transaction.atomic
def body_member_add(
    *, body: CourtyardBody, by: Actor, name: str, org_kind: str, role: str
) -> BodyMember:
    require_staff_in(by, body.grid)
    if org_kind not in OrgKind.values:
        raise ValidationError({"org_kind": _("请选择所属组织(党组织、服务站、业委会或物业企业)")})
    return BodyMember.objects.create(
        body=body,
        name=clean_text(name, field="name", label=_("姓名"), max_length=50),
        org_kind=org_kind,
        role=clean_text(role, field="role", label=_("职务"), max_length=50),
    )


@transaction.atomic
def body_issue_add(
    *, body: CourtyardBody, by: Actor, title: str, description: str = ""
) -> BodyIssue:
    require_staff_in(by, body.grid)
    return BodyIssue.objects.create(
        body=body,
        title=clean_text(title, field="title", label=_("问题"), max_length=200),
        description=clean_text(
            description, field="description", label=_("说明"), max_length=2000, required=False
        ),
    )


@transaction.atomic
def body_issue_resolve(*, issue: BodyIssue, by: Actor, resolution: str) -> BodyIssue:
    locked = BodyIssue.objects.select_for_update().select_related("body__grid").get(pk=issue.pk)
    require_staff_in(by, locked.body.grid)
    if locked.status == BodyIssue.Status.RESOLVED:
        raise ValidationError(_("该问题已解决"))
    locked.resolution = clean_text(
        resolution, field="resolution", label=_("解决情况"), max_length=2000
    )
    locked.status, locked.resolved_at = BodyIssue.Status.RESOLVED, clock.now()
    locked.save()
    return locked
