from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.grids.forms import BootstrapMixin
from gongzhi.people.forms import ServiceErrorsMixin

from .models import RiskFlag


class NoteForm(BootstrapMixin, ServiceErrorsMixin, forms.Form):
    content = forms.CharField(
        label=_("咨询记录"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    risk_flag = forms.ChoiceField(label=_("风险标记"), required=False, choices=RiskFlag.choices)
