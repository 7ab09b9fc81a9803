"""Forms for the care room's pages. Services judge the values; forms only parse them."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.core.forms import BaseForm
from gongzhi.core.roles import CARE_ASSIGNEE, roles_with
from gongzhi.grids.forms import GridFilterForm
from gongzhi.org.models import Staff

from .models import CARE_TAG_CHOICES, HelpDelivery
from .selectors import Status

DATETIME_LOCAL = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
STATUS_CHOICES = [
    ("", _("全部状态")),
    (Status.OVERDUE, _("已逾期")),
    (Status.NO_PLAN, _("未制定计划")),
    (Status.NORMAL, _("正常")),
]


class TargetFilterForm(GridFilterForm):
    tag = forms.ChoiceField(
        label=_("关爱类别"), required=False, choices=[("", _("全部类别")), *CARE_TAG_CHOICES]
    )
    status = forms.ChoiceField(label=_("状态"), required=False, choices=STATUS_CHOICES)


class PlanForm(BaseForm):
    worker = forms.ModelChoiceField(
        label=_("责任人"), queryset=Staff.objects.none(), required=False
    )
    interval_days = forms.IntegerField(
        label=_("走访周期(天)"),
        required=False,
        min_value=1,
        max_value=365,
        help_text=_("不填则按关爱类别的走访频次"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Staff the user can see; the service checks that they reach the target's grid.
        scoped = Staff.objects.restrict(user).values("pk")
        self.fields["worker"].queryset = Staff.objects.filter(
            pk__in=scoped, active=True, role__in=roles_with(CARE_ASSIGNEE)
        ).order_by("name")


class VisitForm(BaseForm):
    visited_at = forms.DateTimeField(
        label=_("走访时间"),
        required=False,
        input_formats=DATETIME_LOCAL,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL[0]),
        help_text=_("不填则为现在"),
    )
    note = forms.CharField(
        label=_("走访情况"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class HelpForm(BaseForm):
    kind = forms.ChoiceField(label=_("类型"), choices=HelpDelivery.Kind.choices)
    description = forms.CharField(label=_("内容"), required=False, max_length=200)
    value = forms.CharField(label=_("折合金额(元)"), required=False, max_length=30)
    delivered_on = forms.DateField(
        label=_("日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
