"""台账 exports shared by the rooms: one checked, audited, streamed .xlsx per filtered list.

Each room builds its own rows (masked, from its own restricted queryset); this module checks
the export capability, writes the titled sheet, leaves the audit row and streams the file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core import clock
from gongzhi.core.access import can
from gongzhi.core.audit import audit_record
from gongzhi.core.models import AuditLog
from gongzhi.core.roles import EXPORT
from gongzhi.core.xlsx import new_streaming_workbook, workbook_response, write_sheet
from gongzhi.grids.forms import GridFilterForm

MAX_SPAN_DAYS = 3660


class PeriodFilterForm(GridFilterForm):
    """A ledger's GET filter: the grid picker and a period (both ends optional, inclusive).

    Subclasses name the period (`period_labels`) and add their own fields."""

    period_labels = (gettext_lazy("日期自"), gettext_lazy("日期至"))

    start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["start"].label, self.fields["end"].label = self.period_labels

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            raise ValidationError(_("结束日期不能早于开始日期"))
        if start and end and (end - start).days > MAX_SPAN_DAYS:
            raise ValidationError(_("查询期间不能超过十年"))
        return data


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def period_bounds(
    start: dt.date | None, end: dt.date | None
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """[start, end] as datetimes: the end day is included."""
    return (
        _midnight(start) if start else None,
        _midnight(end + dt.timedelta(days=1)) if end else None,
    )


def period_filter(
    qs: models.QuerySet, field: str, start: dt.date | None = None, end: dt.date | None = None
) -> models.QuerySet:
    """Rows whose `field` (a DateTimeField or a DateField) lies in [start, end]."""
    low: dt.date | None
    high: dt.date | None
    if isinstance(qs.model._meta.get_field(field), models.DateTimeField):
        low, high = period_bounds(start, end)
    else:
        low, high = start, end + dt.timedelta(days=1) if end else None
    if low:
        qs = qs.filter(**{f"{field}__gte": low})
    if high:
        qs = qs.filter(**{f"{field}__lt": high})
    return qs


def per_row(
    qs: models.QuerySet, link: str, value: Any, output_field: models.Field, default: Any = 0
) -> Any:
    """One aggregate of `qs` per outer row, `link` leading back to its pk: a correlated
    subquery, so several of them never multiply each other as joins would."""
    one = qs.filter(**{link: models.OuterRef("pk")}).values(link)
    sub = models.Subquery(one.annotate(v=value).values("v")[:1], output_field=output_field)
    if default is None:
        return sub
    return Coalesce(sub, models.Value(default), output_field=output_field)


def filtered_list(
    request: HttpRequest,
    form_class: type[PeriodFilterForm],
    qs: models.QuerySet,
    apply: Callable[..., models.QuerySet],
) -> tuple[PeriodFilterForm, models.QuerySet, QueryDict]:
    """(form, rows, params) for a ledger page or its export: the rows narrowed by the GET
    filter; a junk or foreign filter shows its error and no rows."""
    params = request.GET.copy()
    params.pop("page", None)
    form = form_class(params or None, user=request.user)
    if form.is_bound and form.is_valid():
        qs = apply(qs, **form.cleaned_data)
    elif form.is_bound:
        qs = qs.none()
    return form, qs, params


if TYPE_CHECKING:
    from django.http import HttpRequest, QueryDict, StreamingHttpResponse

    from gongzhi.core.types import Actor, AnyUser


def require_export(by: Actor) -> None:
    if not can(by, EXPORT):
        raise PermissionDenied(_("您没有导出权限"))


def export_url(user: AnyUser, name: str, params: QueryDict) -> str:
    """The export link for a filtered list page ("" when the user may not export)."""
    if not can(user, EXPORT):
        return ""
    query = params.urlencode()
    return reverse(name) + (f"?{query}" if query else "")


def ledger_response(
    *,
    by: Actor,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    model: type[models.Model],
    filters: str = "",
    request: HttpRequest | None = None,
    form: forms.Form | None = None,
) -> HttpResponse | StreamingHttpResponse:
    """The ledger as an .xlsx download; `rows` must already be restricted to `by` and masked.

    A bad filter `form` is refused with its messages (400): nothing exported, nothing logged."""
    require_export(by)
    if form is not None and form.is_bound and not form.is_valid():
        return filter_refused(form)
    wb = new_streaming_workbook()
    count = write_sheet(wb, title=title, headers=[str(h) for h in headers], rows=rows)
    audit_record(
        actor=by,
        action=AuditLog.Action.EXPORT,
        target=model,
        fields=f"导出{count}条",
        reason=filters or "全部",
        request=request,
    )
    return workbook_response(wb, f"{title}_{clock.today():%Y%m%d}.xlsx")


def filter_refused(form: forms.Form) -> HttpResponse:
    errors = [str(e) for errs in form.errors.values() for e in errs]
    text = _("筛选条件有误,未导出:%(errors)s") % {"errors": ";".join(errors)}
    return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")
