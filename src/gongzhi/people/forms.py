"""Forms for the people pages. Validation of identifiers lives in people.services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.core.access import can
from gongzhi.core.forms import BaseForm
from gongzhi.core.roles import VIEW_SPECIAL
from gongzhi.grids.forms import GridFilterForm, LongSelect
from gongzhi.grids.models import Grid, Level
from gongzhi.people.models import CARE_TAGS, Relation, ResidentKind, Tag

UNIT_SELECT_LIMIT = 300  # above this a drop-down is too long for a phone; type the unit code


class ResidentFilterForm(GridFilterForm):
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        max_length=50,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("姓名、身份证/手机后4位、完整号码或地址"),
                "autocomplete": "off",
            }
        ),
    )
    # LongSelect: one format_html for the options, not a template per option (every page).
    tag = forms.ChoiceField(label=_("标签"), required=False, widget=LongSelect)
    kind = forms.ChoiceField(
        label=_("人口类型"),
        required=False,
        choices=[("", _("全部类型")), *ResidentKind.choices],
        widget=LongSelect,
    )
    field_order = ["q", "grid", "tag", "kind"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        visible = (
            Tag.choices
            if can(user, VIEW_SPECIAL)
            else [(value, label) for value, label in Tag.choices if value in CARE_TAGS]
        )
        self.fields["tag"].choices = [("", _("全部标签")), *visible]


class RevealForm(BaseForm):
    # Emptiness is checked by resident_reveal, so its message is the one shown.
    reason = forms.CharField(
        label=_("查看事由"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "placeholder": _("例如:办理低保核对身份"),
                "maxlength": 200,
                "list": "reveal-reasons",
            }
        ),
    )

    def reasons(self) -> list[str]:
        from .services import reveal_reasons

        return reveal_reasons()


class ResidentForm(BaseForm):
    """Create, or edit with identifiers left blank meaning "unchanged" (they are never shown)."""

    name = forms.CharField(
        label=_("姓名"), max_length=50, error_messages={"required": _("请填写姓名")}
    )
    id_number = forms.CharField(
        label=_("身份证号"), max_length=30, error_messages={"required": _("请填写身份证号")}
    )
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    clear_phone = forms.BooleanField(label=_("清除联系电话"), required=False)
    kind = forms.ChoiceField(label=_("人口类型"), choices=ResidentKind.choices)
    relation = forms.ChoiceField(label=_("与户主关系"), choices=Relation.choices)
    # The version the edit started from (a stale one is refused, see resident_update).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, resident=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.resident = resident
        if resident is None:
            del self.fields["clear_phone"], self.fields["version"]
            return
        self.initial.setdefault("version", resident.version)
        keep = _("留空则保持不变")
        for field, masked in (
            ("name", resident.masked_name),
            ("id_number", resident.masked_id_number),
            ("phone", resident.masked_phone),
        ):
            self.fields[field].required = False
            self.fields[field].widget.attrs["placeholder"] = masked
            self.fields[field].help_text = keep
        self.initial.setdefault("kind", resident.kind)
        self.initial.setdefault("relation", resident.relation)

    def service_fields(self) -> dict[str, Any]:
        """Arguments for resident_create/resident_update, filling blanks from the record."""
        data = dict(self.cleaned_data)
        clear_phone = data.pop("clear_phone", False)
        if "version" in data:
            data["expected_version"] = data.pop("version")
        if self.resident is not None:
            for field in ("name", "id_number", "phone"):
                if not (data.get(field) or "").strip():
                    data[field] = getattr(self.resident, field)
            if clear_phone:
                data["phone"] = ""
        return data


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Grid) -> str:
        return obj.full_name or obj.name


class HouseholdForm(BaseForm):
    unit = UnitChoiceField(
        label=_("所在单元(五级网格)"),
        queryset=Grid.objects.none(),
        to_field_name="code",
        error_messages={
            "required": _("请选择所在单元"),
            "invalid_choice": _("请选择您管辖范围内的五级网格(单元楼)"),
        },
    )
    house_number = forms.CharField(
        label=_("门牌号"), max_length=30, error_messages={"required": _("请填写门牌号")}
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = Grid.objects.restrict(user, "change").filter(level=Level.UNIT)
        field = self.fields["unit"]
        field.queryset = units
        if units[: UNIT_SELECT_LIMIT + 1].count() > UNIT_SELECT_LIMIT:
            field.widget = forms.TextInput(attrs={"placeholder": _("填写五级网格编码")})
            field.help_text = _("可在网格页面进入单元后点击“登记新户”自动填写")
            self.style_widgets()
