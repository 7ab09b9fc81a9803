"""Forms for the mediation pages. Amounts are plain text so the service's message is shown."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.core.forms import BaseForm
from gongzhi.org.models import Center, Staff
from gongzhi.social.models import Member
from gongzhi.social.selectors import mediator_candidates

from .models import (
    DISPUTE_TYPE_CHOICES,
    JudicialConfirmation,
    MediationKind,
    Party,
    Performance,
    RiskGrade,
)

DATETIME_LOCAL = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def _date(label, required=True):
    return forms.DateField(
        label=label, required=required, widget=forms.DateInput(attrs={"type": "date"})
    )


def _text(label, required=False, rows=3, max_length=4000):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class DisputeForm(BaseForm):
    center = forms.ModelChoiceField(label=_("受理中心"), queryset=Center.objects.none())
    title = forms.CharField(label=_("纠纷名称"), max_length=200, required=False)
    dispute_type = forms.ChoiceField(
        label=_("纠纷类型"), choices=[("", "---------"), *DISPUTE_TYPE_CHOICES], required=False
    )
    facts = _text(_("主要事实"), rows=4)
    amount = forms.CharField(label=_("争议金额(元)"), required=False, max_length=30)
    kinds = forms.MultipleChoiceField(
        label=_("调解方式"),
        choices=MediationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    risk_grade = forms.ChoiceField(label=_("稳定风险等级"), choices=RiskGrade.choices)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["center"].queryset = Center.objects.restrict(user).order_by("pk")


class PartyForm(BaseForm):
    side = forms.ChoiceField(label=_("身份"), choices=Party.Side.choices)
    kind = forms.ChoiceField(label=_("类型"), choices=Party.Kind.choices)
    name = forms.CharField(label=_("姓名或名称"), max_length=100, required=False)
    gender = forms.ChoiceField(
        label=_("性别"), choices=[("", "—"), ("男", _("男")), ("女", _("女"))], required=False
    )
    age = forms.IntegerField(label=_("年龄"), min_value=0, max_value=150, required=False)
    address = forms.CharField(label=_("住址或所在地"), max_length=200, required=False)
    representative = forms.CharField(label=_("代理人或法定代表人"), max_length=100, required=False)
    id_number = forms.CharField(
        label=_("身份证号"),
        max_length=40,
        required=False,
        help_text=_("自然人当事人填写;协议书中只显示前6位和后4位"),
    )


class MediatorForm(BaseForm):
    kind = forms.ChoiceField(label=_("调解方式"), choices=MediationKind.choices)
    staff = forms.ModelChoiceField(
        label=_("工作人员"), queryset=Staff.objects.none(), required=False
    )
    volunteer = forms.ModelChoiceField(
        label=_("或:社会组织成员"), queryset=Member.objects.none(), required=False
    )
    volunteer_name = forms.CharField(label=_("或:志愿调解员"), max_length=50, required=False)
    volunteer_org = forms.CharField(label=_("所在组织"), max_length=100, required=False)

    def __init__(self, *args, dispute, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = Staff.objects.filter(center=dispute.center, active=True)
        # 和事佬协会, 妈妈唠嗑队 …: members the social-organisations room marked as mediators.
        self.fields["volunteer"].queryset = mediator_candidates(dispute.center)
        self.fields["volunteer"].label_from_instance = lambda m: f"{m.name}({m.organisation.name})"


class ConsentForm(BaseForm):
    party = forms.ModelChoiceField(label=_("当事人"), queryset=Party.objects.none())
    consented = forms.TypedChoiceField(
        label=_("调解意愿"),
        choices=[("1", _("同意调解")), ("0", _("不同意调解"))],
        coerce=lambda v: v == "1",
    )
    on = _date(_("日期"), required=False)

    def __init__(self, *args, dispute, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = dispute.parties.all()


class SessionForm(BaseForm):
    held_at = forms.DateTimeField(
        label=_("调解时间"),
        input_formats=DATETIME_LOCAL,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL[0]),
    )
    place = forms.CharField(label=_("地点"), max_length=100, required=False)
    notes = _text(_("调解记录"), rows=4, max_length=10000)
    attendees = forms.ModelMultipleChoiceField(
        label=_("到场当事人"),
        queryset=Party.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_attendees = forms.CharField(label=_("其他参加人员"), max_length=300, required=False)

    def __init__(self, *args, dispute, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = dispute.parties.all()


class AgreementForm(BaseForm):
    facts = _text(_("纠纷主要事实"))
    disputed_matters = _text(_("争议事项"))
    responsibilities = _text(_("各方责任"))
    terms = _text(_("协议内容"), rows=4)
    compensation = forms.CharField(label=_("赔偿金额(元)"), required=False, max_length=30)
    performance_method = forms.CharField(label=_("履行方式"), max_length=200, required=False)
    performance_place = forms.CharField(label=_("履行地点"), max_length=200, required=False)
    performance_deadline = _date(_("履行期限"))
    effective_on = _date(_("生效日期"))
    copies = forms.IntegerField(label=_("协议份数"), min_value=1, max_value=20, initial=3)
    mediator_names = forms.CharField(label=_("调解员"), max_length=200, required=False)


class PerformanceForm(BaseForm):
    status = forms.ChoiceField(label=_("履行情况"), choices=Performance.Status.choices)
    note = forms.CharField(label=_("说明"), max_length=500, required=False)


class FollowUpForm(BaseForm):
    note = _text(_("回访情况"))


class JudicialForm(BaseForm):
    court = forms.CharField(label=_("受理法院"), max_length=100, required=False)
    applied_on = _date(_("申请日期"))


class JudicialDecideForm(BaseForm):
    result = forms.ChoiceField(
        label=_("法院裁定结果"),
        choices=[c for c in JudicialConfirmation.Result.choices if c[0] != "pending"],
    )
    decided_on = _date(_("裁定日期"))
    note = forms.CharField(label=_("说明(如裁定书文号)"), max_length=1000, required=False)


class OralForm(BaseForm):
    terms = _text(_("口头协议内容"), rows=3)


class RiskForm(BaseForm):
    risk_grade = forms.ChoiceField(label=_("稳定风险等级"), choices=RiskGrade.choices)


class SignForm(BaseForm):
    party = forms.ModelChoiceField(label=_("当事人"), queryset=Party.objects.none())
    signed_on = _date(_("签字日期"))

    def __init__(self, *args, dispute, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = dispute.parties.all()


class FailForm(BaseForm):
    note = _text(_("调解不成的原因"))
    routes_explained = forms.BooleanField(
        label=_("已告知当事人可通过仲裁、行政处理、诉讼等途径解决"), required=False
    )
