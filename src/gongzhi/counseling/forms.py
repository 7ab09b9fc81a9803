from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.forms import BaseForm
from gongzhi.org.models import Center, Staff

from .models import CounselorSlot, RiskFlag


class NoteForm(BaseForm):
    content = forms.CharField(
        label=_("咨询记录"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    risk_flag = forms.ChoiceField(label=_("风险标记"), required=False, choices=RiskFlag.choices)


DATETIME_LOCAL = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


def _when(label):
    return forms.DateTimeField(
        label=label,
        input_formats=DATETIME_LOCAL,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL[0]),
    )


class SlotForm(BaseForm):
    counselor = forms.ModelChoiceField(label=_("心理咨询师"), queryset=Staff.objects.none())
    starts_at = _when(_("开始时间"))
    ends_at = _when(_("结束时间"))

    def __init__(self, *args, counselors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counselor"].queryset = counselors
        if counselors.count() == 1:
            self.fields["counselor"].initial = counselors.first().pk


class ScheduleForm(BaseForm):
    slot = forms.ModelChoiceField(label=_("咨询时段"), queryset=CounselorSlot.objects.none())

    def __init__(self, *args, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = slots
        self.fields["slot"].label_from_instance = lambda s: (
            f"{timezone.localtime(s.starts_at):%m-%d %H:%M} {s.counselor.name}"
        )


class DeclineForm(BaseForm):
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)


class GrantForm(BaseForm):
    counselor = forms.ModelChoiceField(label=_("心理咨询师"), queryset=Staff.objects.none())
    supervisor = forms.ModelChoiceField(label=_("督导"), queryset=Staff.objects.none())

    def __init__(self, *args, counselors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counselor"].queryset = counselors
        self.fields["supervisor"].queryset = counselors


class ResidentRequestForm(BaseForm):
    center = forms.ModelChoiceField(label=_("咨询地点"), queryset=Center.objects.none())
    preferred = forms.CharField(
        label=_("希望时间(可不填)"),
        max_length=100,
        required=False,
        help_text=_("例如:工作日下午、周六上午"),
    )
    contact_ok = forms.BooleanField(
        label=_("同意咨询室打电话与我约定时间"), required=False, initial=True
    )

    def __init__(self, *args, centers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["center"].queryset = centers
