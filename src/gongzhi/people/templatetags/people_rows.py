"""The registry's rows and tag badges, built in Python: {% load people_rows %}.

The template language costs about a third of a millisecond per row of the registry (eight
cells, a link, the tags), most of the page's rendering for 50 rows; format_html builds the same
markup in a tenth of that (docs/benchmarks.md, issue 18). One badge markup serves the list, the
resident's page and the household's members.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from gongzhi.core.text import choice_labels
from gongzhi.people.models import Gender, Resident, ResidentKind, ResidentTag, Tag, TagKind

register = template.Library()


# The column labels go in once per page (doubled braces keep the row's fields for each row).
ROW = (
    '<tr data-resident="{{pk}}">'
    '<td data-label="{l_name}"><a href="{{url}}">{{name}}</a>{{synthetic}}</td>'
    '<td data-label="{l_gender}">{{gender}}</td>'
    '<td data-label="{l_age}">{{age}}</td>'
    '<td data-label="{l_id}" class="masked">{{id_number}}</td>'
    '<td data-label="{l_phone}" class="masked">{{phone}}</td>'
    '<td data-label="{l_kind}">{{kind}}</td>'
    '<td data-label="{l_addr}">{{address}}</td>'
    '<td data-label="{l_tags}">{{tags}}</td>'
    "</tr>"
)


@register.simple_tag
def tag_badge(tag: ResidentTag, labels: dict[str, str] | None = None) -> SafeString:
    """A care tag in blue, a special-population tag (重点人员) in red with its title."""
    label = (labels or choice_labels(Tag.choices)).get(tag.tag, tag.tag)
    if tag.kind == TagKind.SPECIAL:
        return format_html(
            '<span class="badge text-bg-danger" data-tag="{}" title="{}">{}</span>',
            tag.tag,
            _("重点人员"),
            label,
        )
    return format_html('<span class="badge text-bg-info" data-tag="{}">{}</span>', tag.tag, label)


@register.simple_tag
def resident_rows(residents: Iterable[Resident]) -> SafeString:
    """The <tr> of each resident of a registry page, masked; `age` and `masked_address` are
    set by the view. Each cell names its column for the stacked phone layout (data-label)."""
    labels = {
        "l_name": _("姓名"), "l_gender": _("性别"), "l_age": _("年龄"), "l_id": _("身份证号"),
        "l_phone": _("联系电话"), "l_kind": _("人口类型"), "l_addr": _("住址"), "l_tags": _("标签"),
    }  # fmt: skip
    row = format_html(ROW, **labels)
    # One reverse() for the page: the detail URL with the pk's place kept ("/people/residents/0/").
    url_head, url_tail = reverse("people:resident_detail", args=[0]).rsplit("0", 1)
    synthetic = format_html(' <span class="badge text-bg-warning">{}</span>', _("演示数据(合成)"))
    genders, kinds, tag_labels = (
        choice_labels(Gender.choices),
        choice_labels(ResidentKind.choices),
        choice_labels(Tag.choices),
    )
    none = format_html('<span class="text-muted">{}</span>', "—")
    rows = []
    for r in residents:
        tags = format_html_join("", "{}", ((tag_badge(t, tag_labels),) for t in r.tags.all()))
        rows.append(
            format_html(
                row,
                pk=r.pk,
                url=f"{url_head}{r.pk}{url_tail}",
                name=r.masked_name,
                synthetic=synthetic if r.is_synthetic else "",
                gender=genders.get(r.gender, r.gender),
                age=r.age,  # type: ignore[attr-defined]  # set by the view
                id_number=r.masked_id_number,
                phone=r.masked_phone or "—",
                kind=kinds.get(r.kind, r.kind),
                address=r.masked_address,  # type: ignore[attr-defined]  # set by the view
                tags=tags or none,
            )
        )
    return format_html_join("", "{}", ((html,) for html in rows))
