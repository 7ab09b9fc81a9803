"""Forms of the joint consultation pages. Choices come from the consultation's own units and
people, so another center's ids are refused as an invalid choice."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core import clock
from gongzhi.core.forms import BootstrapMixin, ServiceErrorsMixin
from gongzhi.org.models import Department, Room, Staff

from . import consultations as svc
from .models import Consultation

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable

    from gongzhi.grids.models import Grid


DATETIME_LOCAL = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class _Form(BootstrapMixin, ServiceErrorsMixin, forms.Form):
    def style_widgets(self) -> None:
        super().style_widgets()
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxSelectMultiple):
                field.widget.attrs["class"] = "form-check-input"


class _UnitChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}({obj.center.name})"


class OpenForm(_Form):
    topic = forms.CharField(label=gettext_lazy("议题"), max_length=200)
    scheduled_at = forms.DateTimeField(
        label=gettext_lazy("会商时间"),
        input_formats=DATETIME_LOCAL,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL[0]),
        error_messages={
            "required": gettext_lazy("请填写会商时间"),
            "invalid": gettext_lazy("会商时间格式不正确,请按 2030-03-04 09:00 的格式填写"),
        },
    )
    departments = _UnitChoice(
        label=gettext_lazy("参加部门(公检法司等入驻部门)"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": gettext_lazy("只能邀请本辖区综治中心的入驻部门")},
    )
    rooms = _UnitChoice(
        label=gettext_lazy("参加科室"),
        queryset=Room.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": gettext_lazy("只能邀请本辖区综治中心的科室")},
    )
    staff = forms.ModelMultipleChoiceField(
        label=gettext_lazy("另邀请人员"),
        queryset=Staff.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
        error_messages={"invalid_choice": gettext_lazy("只能邀请本辖区综治中心的人员")},
    )

    def __init__(self, *args: Any, grid: Grid, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        centers = svc.centers_on_path(grid)
        cast("forms.ModelChoiceField", self.fields["rooms"]).queryset = (
            Room.objects.filter(center__in=centers).exclude(kind="hall").select_related("center")
        )
        cast("forms.ModelChoiceField", self.fields["departments"]).queryset = (
            Department.objects.filter(center__in=centers)
            .select_related("center")
            .order_by("-center__grid__depth", "pk")
        )
        cast("forms.ModelChoiceField", self.fields["staff"]).queryset = Staff.objects.filter(
            center__in=centers, active=True
        ).order_by("name")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not (data.get("rooms") or data.get("departments") or data.get("staff")):
            raise ValidationError(_("请至少选择一个参加的科室、部门或人员"))
        return data


class RecordForm(_Form):
    minutes = forms.CharField(
        label=gettext_lazy("会议纪要"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    decision = forms.CharField(
        label=gettext_lazy("研判结论"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("请填写研判结论")},
    )


def _unit_key(unit: Room | Department) -> str:
    return f"{'department' if isinstance(unit, Department) else 'room'}:{unit.pk}"


class OpinionForm(_Form):
    unit = forms.ChoiceField(
        label=gettext_lazy("部门或科室"),
        error_messages={
            "required": gettext_lazy("请选择发表意见的部门或科室"),
            "invalid_choice": gettext_lazy("该部门或科室未受邀参加本次会诊研判"),
        },
    )
    speaker = forms.CharField(
        label=gettext_lazy("发表意见人"),
        required=False,
        max_length=50,
        help_text=gettext_lazy("代部门记录时填写,如:张法官(审判员);本人发表可不填"),
    )
    text = forms.CharField(
        label=gettext_lazy("意见"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("请填写意见")},
    )

    def __init__(
        self,
        *args: Any,
        consultation: Consultation,
        units: Iterable[Room | Department],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.units = {_unit_key(u): u for u in units}
        cast("forms.ChoiceField", self.fields["unit"]).choices = [("", "---------")] + [
            (k, u.name) for k, u in self.units.items()
        ]

    def service_kwargs(self) -> dict:
        unit = self.units[self.cleaned_data["unit"]]
        kind = "department" if isinstance(unit, Department) else "room"
        return {
            kind: unit,
            "speaker": self.cleaned_data["speaker"],
            "text": self.cleaned_data["text"],
        }


class TaskForm(_Form):
    title = forms.CharField(label=gettext_lazy("任务"), max_length=200)
    assignee = forms.ChoiceField(
        label=gettext_lazy("承办人或承办部门"),
        error_messages={
            "required": gettext_lazy("请选择承办人或承办部门"),
            "invalid_choice": gettext_lazy("承办人须是参加人员或能办理该事项的工作人员"),
        },
    )
    due_date = forms.DateField(
        label=gettext_lazy("完成期限"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": gettext_lazy("请填写完成期限"),
            "invalid": gettext_lazy("完成期限格式不正确,请按 2030-03-10 的格式填写"),
        },
    )

    def __init__(self, *args: Any, consultation: Consultation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.targets: dict[str, Staff | Department] = {}
        for d in consultation.departments.all():
            self.targets[f"department:{d.pk}"] = d
        for s in svc.task_assignees(consultation).select_related("department", "room"):
            self.targets[f"staff:{s.pk}"] = s
        departments = [(k, v.name) for k, v in self.targets.items() if k.startswith("department")]
        people = [
            (k, f"{v.name}({v.department or v.room or v.get_role_display()})")
            for k, v in self.targets.items()
            if isinstance(v, Staff)
        ]
        cast("forms.ChoiceField", self.fields["assignee"]).choices = [
            ("", "---------"),
            (_("部门"), departments),
            (_("人员"), sorted(people, key=lambda kv: kv[1])),
        ]

    def clean_due_date(self) -> dt.date:
        due = self.cleaned_data["due_date"]
        if due < clock.today():
            raise ValidationError(_("完成期限不能早于今天"))
        return due

    def service_kwargs(self) -> dict:
        target = self.targets[self.cleaned_data["assignee"]]
        who = {"department": target} if isinstance(target, Department) else {"assignee": target}
        return {
            "title": self.cleaned_data["title"],
            "due_date": self.cleaned_data["due_date"],
            **who,
        }
