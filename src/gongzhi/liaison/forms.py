"""Forms for the police liaison pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.core.forms import BaseForm, ServiceErrorsMixin
from gongzhi.core.roles import POLICE_DUTY, roles_with
from gongzhi.grids.forms import GridFilterForm
from gongzhi.org.models import Center, Staff

from .models import DutyShift, SecurityHazard


def _date(label):
    return forms.DateField(
        label=label, required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


def _area(label, rows=3, max_length=4000):
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class ReferralForm(BaseForm):
    case = forms.CharField(label=_("事件编号"), max_length=20, required=False)
    police_unit = forms.CharField(
        label=_("接收单位"), max_length=100, required=False, initial=_("辖区派出所")
    )
    reason = _area(_("移送理由"), max_length=2000)


class ReceiptForm(BaseForm):
    receipt_number = forms.CharField(label=_("回执编号"), max_length=50, required=False)


class FeedbackForm(BaseForm):
    feedback = _area(_("公安反馈"))


class CloseForm(BaseForm):
    note = _area(_("办结说明"), rows=2, max_length=2000)


class MultiFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiFileField(forms.FileField):
    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultiFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class HazardForm(ServiceErrorsMixin, GridFilterForm):
    """Reuses the grid picker (limited to the user's subtree)."""

    location = forms.CharField(label=_("具体位置"), max_length=200, required=False)
    description = _area(_("隐患描述"))
    photos = MultiFileField(
        label=_("现场照片"),
        required=False,
        widget=MultiFileInput(attrs={"accept": "image/*", "multiple": True}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["grid"].label = _("所在网格")
        self.fields["grid"].widget.choices[0] = ("", _("请选择网格"))


class HazardUpdateForm(BaseForm):
    to_status = forms.ChoiceField(label=_("状态"), choices=SecurityHazard.Status.choices)
    note = _area(_("整改情况说明"), rows=2, max_length=2000)


class DutyForm(BaseForm):
    center = forms.ModelChoiceField(
        label=_("综治中心"), queryset=Center.objects.none(), required=False
    )
    date = _date(_("日期"))
    officer = forms.ModelChoiceField(
        label=_("值班民警"), queryset=Staff.objects.none(), required=False
    )
    shift = forms.ChoiceField(label=_("班次"), choices=DutyShift.choices)
    phone = forms.CharField(label=_("值班电话"), max_length=20, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["center"].queryset = Center.objects.restrict(user).order_by("pk")
        self.fields["officer"].queryset = Staff.objects.restrict(user).filter(
            role__in=roles_with(POLICE_DUTY), active=True
        )


class PatrolForm(BaseForm):
    center = forms.ModelChoiceField(
        label=_("综治中心"), queryset=Center.objects.none(), required=False
    )
    date = _date(_("巡逻日期"))
    route = forms.CharField(label=_("巡逻路线"), max_length=300, required=False)
    staff = forms.ModelMultipleChoiceField(
        label=_("参加人员"),
        queryset=Staff.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    other_participants = forms.CharField(label=_("其他参加人员"), max_length=300, required=False)
    findings = _area(_("巡逻发现"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["center"].queryset = Center.objects.restrict(user).order_by("pk")
        self.fields["staff"].queryset = Staff.objects.restrict(user).filter(active=True)
