"""Forms for the social-organisations pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.core.forms import BaseForm
from gongzhi.org.models import Center

from .models import Member, OrgKind


class OrganisationForm(BaseForm):
    center = forms.ModelChoiceField(label=_("所属综治中心"), queryset=Center.objects.none())
    name = forms.CharField(label=_("组织名称"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("类型"), choices=OrgKind.choices)
    contact = forms.CharField(label=_("负责人"), max_length=50, required=False)
    description = forms.CharField(
        label=_("简介"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["center"].queryset = Center.objects.restrict(user).order_by("pk")


class MemberForm(BaseForm):
    name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    can_mediate = forms.BooleanField(label=_("可担任调解员"), required=False)
    can_visit = forms.BooleanField(label=_("可参与关爱走访"), required=False)


class ActivityForm(BaseForm):
    title = forms.CharField(label=_("活动名称"), max_length=100, required=False)
    date = forms.DateField(
        label=_("活动日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    hours = forms.CharField(label=_("时长(小时)"), max_length=10, required=False)
    participants = forms.ModelMultipleChoiceField(
        label=_("参加成员"),
        queryset=Member.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(
        label=_("活动内容"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = organisation.members.filter(active=True)
        self.fields["participants"].label_from_instance = lambda m: m.name
