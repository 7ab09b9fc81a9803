"""Forms for the deliberation pages. They carry what was typed; the services judge it, so
amounts are plain text fields and the service's Chinese message is the one shown."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.core.forms import BaseForm, ServiceErrorsMixin
from gongzhi.grids.forms import GridFilterForm
from gongzhi.people.selectors import label_buildings

from .models import Choice, OrgKind, Payment, ThresholdBase

SELECT_LIMIT = 300  # households/residents offered in one drop-down (a courtyard's worth)
DATETIME = {"type": "datetime-local"}
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [f for f in files if f]


class GridForm(ServiceErrorsMixin, GridFilterForm):
    """A required grid in the user's subtree."""

    def clean_grid(self):
        grid = super().clean_grid()
        if grid is None:
            raise forms.ValidationError(_("请选择网格"))
        return grid


class ProposalForm(GridForm):
    title = forms.CharField(label=_("标题"), max_length=200)
    description = forms.CharField(
        label=_("内容"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    field_order = ["grid", "title", "description"]


class SupportForm(BaseForm):
    resident = forms.TypedChoiceField(label=_("附议居民"), coerce=int)

    def __init__(self, *args, residents, **kwargs):
        super().__init__(*args, **kwargs)
        residents = list(residents[:SELECT_LIMIT])
        label_buildings([r.household for r in residents])
        self.fields["resident"].choices = [
            (r.pk, f"{r.masked_name}({r.household.house_path()})") for r in residents
        ]


class DeliberationForm(GridForm):
    title = forms.CharField(label=_("议题"), max_length=200)
    description = forms.CharField(
        label=_("说明"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    draft = forms.BooleanField(label=_("先存为草稿"), required=False)
    field_order = ["grid", "title", "description", "draft"]


class MeetingForm(BaseForm):
    title = forms.CharField(label=_("会议名称"), max_length=200)
    scheduled_at = forms.DateTimeField(
        label=_("会议时间"), input_formats=DATETIME_FORMATS, widget=forms.DateTimeInput(DATETIME)
    )
    place = forms.CharField(label=_("地点"), max_length=200)
    agenda = forms.CharField(
        label=_("议程"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class MinutesForm(BaseForm):
    minutes = forms.CharField(
        label=_("会议纪要"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    org_kinds = forms.MultipleChoiceField(
        label=_("参会组织"),
        required=False,
        choices=OrgKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    households = forms.TypedMultipleChoiceField(
        label=_("参会户"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, households, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["households"].choices = [
            (h.pk, h.house_path()) for h in label_buildings(households[:SELECT_LIMIT])
        ]


class VoteForm(BaseForm):
    question = forms.CharField(label=_("表决事项"), max_length=300)
    opens_at = forms.DateTimeField(
        label=_("开始时间"), input_formats=DATETIME_FORMATS, widget=forms.DateTimeInput(DATETIME)
    )
    closes_at = forms.DateTimeField(
        label=_("截止时间"), input_formats=DATETIME_FORMATS, widget=forms.DateTimeInput(DATETIME)
    )
    quorum_pct = forms.CharField(
        label=_("参与率要求(%)"), initial="50", help_text=_("实际投票户数占应投户数的最低比例")
    )
    threshold_pct = forms.CharField(label=_("通过比例(%)"), initial="50")
    threshold_base = forms.ChoiceField(label=_("通过比例基数"), choices=ThresholdBase.choices)
    threshold_inclusive = forms.BooleanField(
        label=_("达到比例即通过(如“三分之二以上”);不勾选则须超过比例(如“过半数”)"), required=False
    )


class PaperBallotForm(BaseForm):
    household = forms.TypedChoiceField(label=_("户"), coerce=int)
    choice = forms.ChoiceField(label=_("选择"), choices=Choice.choices)

    def __init__(self, *args, households, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].choices = [
            (h.pk, h.house_path()) for h in label_buildings(households[:SELECT_LIMIT])
        ]


class CostShareForm(BaseForm):
    purpose = forms.CharField(label=_("集资用途"), max_length=200)
    amount_per_household = forms.CharField(label=_("每户金额(元)"), required=False, initial="50")


class PaymentForm(BaseForm):
    amount = forms.CharField(label=_("缴款金额(元)"), required=False)
    method = forms.ChoiceField(label=_("方式"), choices=Payment.Method.choices)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class ExemptForm(BaseForm):
    reason = forms.CharField(label=_("免缴原因"), max_length=200, required=False)


class ExpenditureForm(BaseForm):
    description = forms.CharField(label=_("支出事项"), max_length=200)
    amount = forms.CharField(label=_("金额(元)"), required=False)
    spent_on = forms.DateField(label=_("支出日期"), widget=forms.DateInput(attrs={"type": "date"}))
    receipt = forms.FileField(
        label=_("票据(照片或PDF)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
    )


class TaskForm(BaseForm):
    title = forms.CharField(label=_("任务"), max_length=200)
    description = forms.CharField(
        label=_("说明"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    case_number = forms.CharField(label=_("关联事件编号(可选)"), max_length=20, required=False)


class TaskCompleteForm(BaseForm):
    photos = MultipleFileField(label=_("完工照片"), required=False)
    note = forms.CharField(
        label=_("完成情况"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class BodyForm(GridForm):
    name = forms.CharField(label=_("名称"), max_length=100)
    meeting_schedule = forms.CharField(
        label=_("例会安排"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("例如:每月第一个周一")}),
    )
    field_order = ["grid", "name", "meeting_schedule"]


class MemberForm(BaseForm):
    name = forms.CharField(label=_("姓名"), max_length=50)
    org_kind = forms.ChoiceField(label=_("所属组织"), choices=OrgKind.choices)
    role = forms.CharField(label=_("职务"), max_length=50)


class IssueForm(BaseForm):
    title = forms.CharField(label=_("问题"), max_length=200)
    description = forms.CharField(
        label=_("说明"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ResolveForm(BaseForm):
    resolution = forms.CharField(label=_("解决情况"), max_length=2000, required=False)
