"""Forms of the 重点人员 pages; choices are the file's own (its tags, the staff who may take
it on), so another area's ids are refused as an invalid choice."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.grids.models import Grid
from gongzhi.org.models import Staff
from gongzhi.people.models import Household, Tag

from .forms import BaseForm
from .key_persons import KEY_PERSON_ROLES
from .models import KeyPersonRecord, RiskLevel

DATETIME_LOCAL = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
CHOICE_ERRORS = {"invalid_choice": _("请从列表中选择")}


def _responsible_field():
    return forms.ModelChoiceField(
        label=_("责任人"),
        queryset=Staff.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("责任人须为负责该网格的民警或中心工作人员")},
    )


def _responsible_queryset(grid):
    """Police and center staff whose area holds the grid (the service checks VIEW_SPECIAL)."""
    paths = [grid.path[:n] for n in range(len(grid.path), 0, -Grid.steplen)]
    return (
        Staff.objects.filter(
            Q(grid_assignments__grid__path__in=paths) | Q(center__grid__path__in=paths),
            role__in=KEY_PERSON_ROLES,
            active=True,
        )
        .distinct()
        .order_by("name")
    )


def _interval_field():
    return forms.IntegerField(
        label=_("见面间隔(天)"),
        required=False,
        min_value=1,
        max_value=180,
        help_text=_("不填则按风险等级:低30天、中14天、高7天"),
        error_messages={
            "invalid": _("见面间隔应为天数(整数)"),
            "min_value": _("见面间隔应在1至180天之间"),
            "max_value": _("见面间隔应在1至180天之间"),
        },
    )


class OpenForm(BaseForm):
    category = forms.ChoiceField(label=_("人员类别"), error_messages=CHOICE_ERRORS)
    risk_level = forms.ChoiceField(label=_("风险等级"), choices=RiskLevel.choices)
    interval_days = _interval_field()
    responsible = _responsible_field()
    reason = forms.CharField(label=_("建档说明"), max_length=500, required=False)

    def __init__(self, *args, resident, tags, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Tag.choices)
        self.fields["category"].choices = [(t, labels.get(t, t)) for t in tags]
        self.fields["responsible"].queryset = _responsible_queryset(resident.grid)


class RecordForm(BaseForm):
    kind = forms.ChoiceField(label=_("类型"), choices=KeyPersonRecord.Kind.choices)
    note = forms.CharField(
        label=_("情况"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写情况")},
    )
    at = forms.DateTimeField(
        label=_("时间"),
        required=False,
        input_formats=DATETIME_LOCAL,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL[0]),
        help_text=_("不填则为现在"),
        error_messages={"invalid": _("时间格式不正确,请按 2030-03-04 09:00 的格式填写")},
    )


class RiskForm(BaseForm):
    risk_level = forms.ChoiceField(label=_("风险等级"), choices=RiskLevel.choices)
    reason = forms.CharField(
        label=_("调整理由"), max_length=500, error_messages={"required": _("请填写调整理由")}
    )


class ScheduleForm(BaseForm):
    interval_days = _interval_field()
    responsible = _responsible_field()

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = _responsible_queryset(person.resident.grid)


class RelocateForm(BaseForm):
    household = forms.ModelChoiceField(
        label=_("迁入户编号"),
        queryset=Household.objects.none(),
        widget=forms.NumberInput,
        help_text=_("在实有人口中查到新住处的户编号后填写"),
        error_messages={
            "required": _("请填写迁入户编号"),
            "invalid_choice": _("迁入的户不存在或不在您的管辖范围内"),
        },
    )
    note = forms.CharField(
        label=_("移交说明"), max_length=500, error_messages={"required": _("请填写移交说明")}
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = Household.objects.restrict(user)


class FilterForm(BaseForm):
    risk_level = forms.ChoiceField(
        label=_("风险等级"), required=False, choices=[("", _("全部等级")), *RiskLevel.choices]
    )
    overdue = forms.BooleanField(label=_("只看逾期未见面"), required=False)
