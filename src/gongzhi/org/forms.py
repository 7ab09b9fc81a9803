"""Forms for the staff directory pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.core.forms import BootstrapMixin, ServiceErrorsMixin
from gongzhi.grids.forms import GridFilterForm

FULL_TIME_CHOICES = [("", _("专职/兼职")), ("1", _("专职")), ("0", _("兼职"))]


class WorkerFilterForm(GridFilterForm):
    q = forms.CharField(
        label=_("姓名"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("按姓名或电话查找")}),
    )
    full_time = forms.ChoiceField(label=_("专兼职"), required=False, choices=FULL_TIME_CHOICES)
    field_order = ["q", "grid", "full_time"]

    def clean_full_time(self) -> bool | None:
        value = self.cleaned_data.get("full_time")
        return None if value == "" else value == "1"


class OfficerForm(BootstrapMixin, ServiceErrorsMixin, forms.Form):
    department: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("入驻部门"),
        queryset=None,
        error_messages={
            "required": _("请选择入驻部门"),
            "invalid_choice": _("只能为本中心的入驻部门添加人员"),
        },
    )
    name = forms.CharField(
        label=_("姓名"), max_length=50, error_messages={"required": _("请填写姓名")}
    )
    title = forms.CharField(
        label=_("职务"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("如 审判员、检察官、司法所所长")}),
    )
    phone = forms.CharField(label=_("工作电话"), max_length=20, required=False)

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
