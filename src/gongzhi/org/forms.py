"""Forms for the staff directory pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

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
