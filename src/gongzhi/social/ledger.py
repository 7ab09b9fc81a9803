"""社会组织台账: the organisations filtered by registration period, type, status and grid, and
their .xlsx export in the ledger's usual columns (the person in charge masked)."""

from __future__ import annotations

from collections.abc import Iterator

from django import forms
from django.db.models import Count, DateField, DecimalField, IntegerField, Max, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.core.ledger import PeriodFilterForm, per_row, period_filter
from gongzhi.core.masking import mask_name
from gongzhi.core.paths import subtree_q

from .models import Activity, Member, Organisation, OrgKind

ACTIVE, INACTIVE = "active", "inactive"
HOURS = DecimalField(max_digits=9, decimal_places=1)
HEADERS = [
    _("序号"), _("组织名称"), _("类型"), _("所属综治中心"), _("服务网格"), _("负责人"),
    _("在册成员"), _("可担任调解员"), _("可参与关爱走访"), _("活动次数"), _("活动时长(小时)"),
    _("最近活动日期"), _("状态"), _("登记日期"),
]  # fmt: skip


class OrganisationFilterForm(PeriodFilterForm):
    period_labels = (_("登记日期自"), _("登记日期至"))

    kind = forms.ChoiceField(
        label=_("类型"), required=False, choices=[("", _("全部类型")), *OrgKind.choices]
    )
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部状态")), (ACTIVE, _("在册")), (INACTIVE, _("已注销"))],
    )


def organisation_filter(
    qs: QuerySet[Organisation],
    *,
    grid=None,
    start=None,
    end=None,
    kind: str = "",
    status: str = "",
) -> QuerySet[Organisation]:
    qs = period_filter(qs, "created_at", start, end)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(active=status == ACTIVE)
    if grid is not None:
        qs = qs.filter(subtree_q("grid__path", grid.path))
    return qs


def organisation_rows(qs: QuerySet[Organisation]) -> Iterator[list]:
    members, activities, whole = (
        Member.objects.filter(active=True),
        Activity.objects,
        IntegerField(),
    )
    qs = qs.annotate(
        mediators=per_row(members.filter(can_mediate=True), "organisation", Count("pk"), whole),
        visitors=per_row(members.filter(can_visit=True), "organisation", Count("pk"), whole),
        activity_count=per_row(activities.all(), "organisation", Count("pk"), whole),
        activity_hours=per_row(activities.all(), "organisation", Sum("hours"), HOURS),
        last_activity=per_row(
            activities.all(), "organisation", Max("date"), DateField(), default=None
        ),
    )
    for n, o in enumerate(qs, 1):
        yield [
            n,
            o.name,
            o.get_kind_display(),
            o.center.name,
            o.grid.full_name or o.grid.name,
            mask_name(o.contact) if o.contact else "",
            o.member_count,  # type: ignore[attr-defined]  # annotated by the list's selector
            o.mediators,
            o.visitors,
            o.activity_count,
            float(o.activity_hours),
            o.last_activity,
            gettext("在册") if o.active else gettext("已注销"),
            timezone.localdate(o.created_at),
        ]
