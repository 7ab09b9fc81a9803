"""Forms of the hotline intake screen. They check shapes; hotline.services has the rules."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.cases.forms import GRID_SELECT_LIMIT, category_choices
from gongzhi.cases.models import Category, Urgency
from gongzhi.core.forms import BaseForm
from gongzhi.grids.models import Grid

from .services import MAX_TEXT, OUTCOMES


class HotlineStartForm(BaseForm):
    caller = forms.CharField(
        label=_("来电号码"),
        max_length=30,
        error_messages={"required": _("请填写来电号码")},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )


class HotlineIntakeForm(BaseForm):
    token = forms.CharField(widget=forms.HiddenInput, max_length=80)
    matter = forms.CharField(
        label=_("来电事项"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("请填写来电事项")},
    )
    resident = forms.TypedChoiceField(
        label=_("来电居民"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("所选居民与来电号码不符或不在您的管辖范围内")},
    )
    outcome = forms.ChoiceField(
        label=_("处理方式"),
        widget=forms.RadioSelect,
        choices=[(OUTCOMES[0].value, _("转为事件")), (OUTCOMES[1].value, _("当场解答"))],
        error_messages={
            "required": _("请选择处理方式:转为事件或当场解答"),
            "invalid_choice": _("请选择处理方式:转为事件或当场解答"),
        },
    )
    category = forms.ChoiceField(
        label=_("事件类别"),
        required=False,
        error_messages={"invalid_choice": _("未知的事件类别")},
    )
    title = forms.CharField(label=_("标题"), max_length=200, required=False)
    grid = forms.ChoiceField(
        label=_("所在网格"),
        required=False,
        help_text=_("不选时按地图上选的位置确定网格;都没有时使用来电居民的住址网格"),
        error_messages={"invalid_choice": _("所选网格不存在或不在您的管辖范围内")},
    )
    lat = forms.FloatField(
        required=False,
        widget=forms.HiddenInput,
        min_value=-90,
        max_value=90,
        error_messages={"invalid": _("位置坐标无效,请在地图上重新选择")},
    )
    lng = forms.FloatField(
        required=False,
        widget=forms.HiddenInput,
        min_value=-180,
        max_value=180,
        error_messages={"invalid": _("位置坐标无效,请在地图上重新选择")},
    )
    contact_name = forms.CharField(label=_("来电人称呼"), max_length=50, required=False)
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices)
    answer = forms.CharField(
        label=_("当场答复"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    notes = forms.CharField(
        label=_("备注"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, user, residents, **kwargs):
        super().__init__(*args, **kwargs)
        self.residents = {r.pk: r for r in residents}
        for name in ("resident", "outcome"):
            self.fields[name].widget.attrs["class"] = "form-check-input"
        self.fields["resident"].choices = [("", _("不关联居民"))] + [
            (r.pk, f"{r.masked_name} · {r.masked_phone} · {r.grid.full_name}")
            for r in self.residents.values()
        ]
        self.fields["category"].choices = category_choices(blank=_("请选择类别"))
        grids = Grid.objects.restrict(user).order_by("path").only("pk", "full_name", "name")
        self.fields["grid"].choices = [("", _("请选择网格"))] + [
            (str(g.pk), g.full_name or g.name) for g in grids[:GRID_SELECT_LIMIT]
        ]
        if len(self.residents) == 1 and not self.is_bound:
            self.initial.setdefault("resident", next(iter(self.residents)))
        if not self.is_bound:
            # Made when the screen is shown: a double submit carries the same token.
            self.initial.setdefault("token", uuid.uuid4().hex)
            self.initial.setdefault("urgency", Urgency.NORMAL)

    def service_fields(self) -> dict:
        data = self.cleaned_data
        code = data.get("category")
        grid = data.get("grid")
        return {
            "token": data["token"], "matter": data["matter"], "outcome": data["outcome"],
            "resident": self.residents.get(data.get("resident")),
            "category": Category.objects.filter(code=code, active=True).first() if code else None,
            "grid": Grid.objects.filter(pk=grid).first() if grid else None,
            "title": data.get("title", ""), "contact_name": data.get("contact_name", ""),
            "urgency": data["urgency"], "answer": data.get("answer", ""),
            "notes": data.get("notes", ""), "lat": data.get("lat"), "lng": data.get("lng"),
        }  # fmt: skip
