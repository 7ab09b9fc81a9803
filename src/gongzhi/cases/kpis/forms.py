"""The period selector of the KPI pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.cases.calendar import LOCAL
from gongzhi.core import clock

from .periods import KIND_LABELS, Period, period_for


def default_kind(today: dt.date | None = None) -> str:
    """The period shown when none is chosen: this month, except in its first days
    (KPI_LAST_MONTH_DAYS, default 7), when few deadlines of the month have passed yet and
    most figures would be "0/0": then last month (docs/kpis.md, "Default period")."""
    today = today or clock.now().astimezone(LOCAL).date()
    return "last_month" if today.day <= settings.KPI_LAST_MONTH_DAYS else "month"


class KpiPeriodForm(forms.Form):
    period = forms.ChoiceField(
        label=_("统计周期"), choices=list(KIND_LABELS.items()), required=False
    )
    start = forms.DateField(
        label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.default_kind = default_kind()
        self.fields["period"].initial = self.default_kind
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select form-select-sm")
        self.fields["start"].widget.attrs["class"] = "form-control form-control-sm"
        self.fields["end"].widget.attrs["class"] = "form-control form-control-sm"
        self.fields["period"].error_messages["invalid_choice"] = gettext("请选择有效的统计周期")
        for name in ("start", "end"):
            self.fields[name].error_messages["invalid"] = gettext("请输入有效的日期,如 2030-03-01")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kind = data.get("period") or self.default_kind
        data["period"] = kind
        if kind != "custom" or self.errors:
            return data
        start, end = data.get("start"), data.get("end")
        if start is None or end is None:
            raise ValidationError(gettext("自定义周期请填写开始日期和结束日期"))
        try:
            data["resolved"] = period_for("custom", first_day=start, last_day=end)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        return data

    def resolved_period(self) -> Period:
        """The chosen period; the default one (default_kind) when the input is missing or
        invalid."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data.get("resolved") or period_for(self.cleaned_data["period"])
        return period_for(self.default_kind)
