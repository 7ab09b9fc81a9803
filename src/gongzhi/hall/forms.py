"""Forms for the hall pages. Services validate; forms only parse and keep what was typed."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.cases.models import Category
from gongzhi.core.forms import BaseForm
from gongzhi.counseling.models import CounselorSlot
from gongzhi.counseling.selectors import free_slots
from gongzhi.mediation.models import DISPUTE_TYPE_CHOICES, MediationKind, RiskGrade
from gongzhi.org.models import Room, RoomKind
from gongzhi.people.models import Household, Resident

from .models import Outcome, Service, Window


class ServiceForm(BaseForm):
    name = forms.CharField(label=_("服务事项名称"), max_length=50, required=False)
    # A field named like Form.prefix (the form's HTML name prefix), which it shadows.
    prefix = forms.CharField(label=_("号码字头"), max_length=2, required=False)  # type: ignore[assignment]
    order = forms.IntegerField(label=_("排序"), min_value=0, max_value=999, required=False)


class WindowForm(BaseForm):
    name = forms.CharField(label=_("窗口名称"), max_length=30, required=False)
    services = forms.ModelMultipleChoiceField(
        label=_("办理事项"),
        queryset=Service.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, center, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = Service.objects.filter(center=center, active=True)


class IssueForm(forms.Form):
    service = forms.ModelChoiceField(queryset=Service.objects.none())

    def __init__(self, *args, center, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(center=center)


class LookupForm(BaseForm):
    q = forms.CharField(
        label=_("查找居民"),
        required=False,
        max_length=50,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autocomplete": "off",
                "placeholder": _("姓名、身份证/手机后4位、完整号码或地址"),
            }
        ),
    )


class VisitForm(BaseForm):
    """Registration: who (existing or new resident), what, and where it goes."""

    resident = forms.ModelChoiceField(
        label=_("来访居民"),
        queryset=Resident.objects.none(),
        required=False,
        widget=forms.HiddenInput,
    )
    new_name = forms.CharField(label=_("新居民姓名"), max_length=50, required=False)
    new_id_number = forms.CharField(label=_("身份证号"), max_length=18, required=False)
    new_phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    new_household = forms.ModelChoiceField(
        label=_("所在户(户编号)"),
        queryset=Household.objects.none(),
        required=False,
        widget=forms.NumberInput,
        help_text=_("在查找结果中点“加入此户”,或先登记新户"),
        error_messages={"invalid_choice": _("户编号不存在或不在您的管辖范围内")},
    )
    window = forms.ModelChoiceField(label=_("窗口"), queryset=Window.objects.none(), required=False)
    title = forms.CharField(label=_("事项摘要"), max_length=100, required=False)
    matter = forms.CharField(
        label=_("诉求内容"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    outcome = forms.ChoiceField(
        label=_("处理方式"), choices=Outcome.choices, required=False, widget=forms.RadioSelect
    )
    room = forms.ModelChoiceField(label=_("转交科室"), queryset=Room.objects.none(), required=False)
    counseling_slot = forms.ModelChoiceField(
        label=_("心理咨询时段(转交心理咨询室时可当场预约)"),
        queryset=CounselorSlot.objects.none(),
        required=False,
        help_text=_("不选则作为咨询申请转给咨询室安排"),
    )
    category = forms.ModelChoiceField(
        label=_("事件类别"), queryset=Category.objects.none(), required=False
    )
    dispute_type = forms.ChoiceField(
        label=_("纠纷类型"), choices=[("", "---------"), *DISPUTE_TYPE_CHOICES], required=False
    )
    amount = forms.CharField(label=_("争议金额(元)"), max_length=30, required=False)
    kinds = forms.MultipleChoiceField(
        label=_("调解方式"),
        choices=MediationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    risk_grade = forms.ChoiceField(
        label=_("稳定风险等级"), choices=RiskGrade.choices, required=False
    )
    outcome_note = forms.CharField(
        label=_("办理结果(当场办结时填写)"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    NEW = ("new_name", "new_id_number", "new_phone")

    def __init__(self, *args, user, center, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resident"].queryset = Resident.objects.restrict(user)
        self.fields["new_household"].queryset = Household.objects.restrict(user, "change")
        self.fields["window"].queryset = Window.objects.filter(center=center, active=True)
        self.fields["room"].queryset = Room.objects.filter(center=center).exclude(
            kind=RoomKind.HALL
        )
        self.fields["category"].queryset = Category.objects.filter(active=True).select_related(
            "parent"
        )
        self.fields["counseling_slot"].queryset = free_slots(center)
        self.fields["counseling_slot"].label_from_instance = lambda s: (
            f"{timezone.localtime(s.starts_at):%m-%d %H:%M} {s.counselor.name}"
        )

    def service_kwargs(self) -> dict:
        cd = dict(self.cleaned_data)
        new = {k[4:]: cd.pop(k) for k in self.NEW}
        household = cd.pop("new_household")
        cd["new_resident"] = (new | {"household": household}) if any(new.values()) else None
        if household is not None and cd["new_resident"] is None:
            self.add_error("new_name", _("请填写新居民的姓名和身份证号"))
        cd["risk_grade"] = cd.get("risk_grade") or RiskGrade.LOW
        return cd


class ArticleForm(BaseForm):
    title = forms.CharField(label=_("标题"), max_length=200, required=False)
    category = forms.CharField(label=_("栏目"), max_length=50, required=False)
    summary = forms.CharField(label=_("摘要"), max_length=300, required=False)
    body = forms.CharField(
        label=_("正文"), max_length=20000, required=False, widget=forms.Textarea(attrs={"rows": 10})
    )
    published = forms.BooleanField(label=_("发布"), required=False, initial=True)


class FAQForm(BaseForm):
    question = forms.CharField(label=_("问题"), max_length=200, required=False)
    answer = forms.CharField(
        label=_("解答"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    order = forms.IntegerField(label=_("排序"), min_value=0, max_value=999, required=False)
    published = forms.BooleanField(label=_("发布"), required=False, initial=True)
