"""关爱对象台账: the care targets list, filtered as on the page, masked, as .xlsx."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core import clock
from gongzhi.people.models import Resident

from .models import HelpDelivery
from .selectors import plan_overdue

HEADERS = [
    gettext_lazy("序号"), gettext_lazy("姓名"), gettext_lazy("性别"), gettext_lazy("年龄"),
    gettext_lazy("所在网格"), gettext_lazy("关爱类别"), gettext_lazy("责任人"),
    gettext_lazy("走访周期(天)"), gettext_lazy("下次走访期限"), gettext_lazy("最近走访"),
    gettext_lazy("状态"), gettext_lazy("帮扶次数"),
]  # fmt: skip


def _age(birth, today) -> int | None:
    if not birth:
        return None
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def care_target_rows(qs: QuerySet[Resident]) -> Iterator[list]:
    today = clock.today()
    helps = HelpDelivery.objects.filter(resident=OuterRef("pk")).values("resident")
    qs = qs.annotate(
        help_count=Coalesce(Subquery(helps.annotate(n=Count("pk")).values("n")[:1]), 0)
    )
    for n, r in enumerate(qs, 1):
        plan = getattr(r, "care_plan", None)
        if r.has_alert or plan_overdue(plan, today):  # type: ignore[attr-defined]  # annotated
            status = _("已逾期")
        elif plan is not None and plan.active:
            status = _("正常")
        else:
            status = _("未制定计划")
        last_visit = r.last_visit  # type: ignore[attr-defined]  # annotated by care_targets_for
        last = timezone.localtime(last_visit).replace(tzinfo=None) if last_visit else None
        yield [
            n,
            r.masked_name,
            r.get_gender_display(),
            _age(r.birth_date, today),
            r.grid.full_name or r.grid.name,
            "、".join(t.get_tag_display() for t in r.tags.all()),
            plan.worker.name if plan and plan.worker_id else "",
            plan.interval_days if plan else None,
            plan.next_due_on if plan else None,
            last,
            status,
            r.help_count,
        ]
