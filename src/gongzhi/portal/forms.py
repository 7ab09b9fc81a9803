"""Portal forms: thin wrappers whose cleaning is done by the services."""

from django import forms
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from .services import PORTAL_CATEGORY_CODES


class PhoneForm(forms.Form):
    phone = forms.CharField(label=_("手机号"), max_length=20)


class VerifyForm(forms.Form):
    code = forms.CharField(label=_("验证码"), max_length=6)


class PostForm(forms.Form):
    text = forms.CharField(label=_("问题或建议"), widget=forms.Textarea(attrs={"rows": 5}))
    category = forms.ChoiceField(
        label=_("类别"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    is_public = forms.BooleanField(
        label=_("公开到本社区留言板(匿名显示)"),
        required=False,
        initial=True,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    show_name = forms.BooleanField(
        label=_("显示我的姓氏(已脱敏)"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)
    lng = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)
    key = forms.CharField(widget=forms.HiddenInput, max_length=60)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("自动识别"))] + [
            (c.code, c.name) for c in categories if c.code in PORTAL_CATEGORY_CODES
        ]


def _star_choices() -> list[tuple[int, str]]:
    # A callable, so the labels are translated when the form renders, not at import.
    return [(i, gettext("%(n)d星") % {"n": i}) for i in range(5, 0, -1)]


def _yes(value: str) -> bool:
    return value == "yes"


class RateForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("评价"),
        choices=[("satisfied", _("满意")), ("basic", _("基本满意")), ("unsatisfied", _("不满意"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择评价"), "invalid_choice": _("请选择评价")},
    )
    stars = forms.TypedChoiceField(
        label=_("星级"),
        coerce=int,
        choices=_star_choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择星级"), "invalid_choice": _("请选择星级")},
    )
    # Nothing is ticked for her: left unanswered, the rating decides (不满意 = not solved).
    resolved = forms.TypedChoiceField(
        label=_("问题是否已解决"),
        choices=[
            ("yes", pgettext_lazy("rating", "已解决")),
            ("no", pgettext_lazy("rating", "未解决")),
        ],
        coerce=_yes,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("请选择问题是否已解决")},
    )
    comment = forms.CharField(
        label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class BindForm(forms.Form):
    unit = forms.IntegerField(widget=forms.HiddenInput)
    house_number = forms.CharField(label=_("门牌号"), max_length=30, required=False)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class BoardSettingForm(forms.Form):
    """One community's board policy, as the moderating staff set it (portal-staff pages)."""

    community = forms.IntegerField(
        min_value=1,
        max_value=2**63 - 1,
        error_messages={
            "required": _("请选择社区"),
            "invalid": _("社区编号应为正整数"),
            "min_value": _("社区编号应为正整数"),
            "max_value": _("社区编号应为正整数"),
        },
    )
    require_approval = forms.TypedChoiceField(
        choices=(("1", _("先审后发")), ("0", _("先发后审"))),
        coerce=lambda v: v == "1",
        error_messages={
            "required": _("请选择留言是否先审后发"),
            "invalid_choice": _("请选择留言是否先审后发"),
        },
    )
