"""Forms of the alert pages: shapes only; the services check the rest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.core.forms import BootstrapMixin

from .models import AlertKind, AlertState


class AlertFilterForm(BootstrapMixin, forms.Form):
    state = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *AlertState.choices]
    )
    kind = forms.ChoiceField(
        label=_("预警类型"), required=False, choices=[("", _("全部类型")), *AlertKind.choices]
    )


class AlertNoteForm(BootstrapMixin, forms.Form):
    note = forms.CharField(
        label=_("处理说明"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
