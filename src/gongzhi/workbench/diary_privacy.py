"""What neighbours may read of a public diary entry (issue 15.6).

Every registry name of the worker's area (the compound, level 3, around the entry's grid)
found in the text becomes "某居民", as do the residents ticked as met; phone numbers and ID
numbers are hidden. The worker's preview and the residents' feed use this one function, so
what the worker sees is what goes out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.translation import gettext as _

from gongzhi.core.masking import mask_name
from gongzhi.core.paths import subtree_q
from gongzhi.core.text import clean_text
from gongzhi.grids.models import Grid
from gongzhi.people.models import Resident

AREA_LEVEL = 3  # 楼院/小区: the neighbours who read the feed live here
MIN_NAME = 2  # a one-character "name" would hide ordinary words
# 18-digit IDs (last may be X) and legacy 15-digit ones; mobiles; landlines with area code.
ID_RE = re.compile(r"(?<![0-9])(?:\d{17}[\dXx]|\d{15})(?![0-9Xx])")
MOBILE_RE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?![0-9])")
LANDLINE_RE = re.compile(r"(?<![0-9])0\d{2,3}[- ]?\d{7,8}(?![0-9])")


def area_of(grid: Grid) -> Grid:
    """The compound (level 3) a grid lies in; the grid itself if it is higher up."""
    if grid.level <= AREA_LEVEL:
        return grid
    return Grid.objects.get(path=grid.path[: Grid.steplen * (AREA_LEVEL + 1)])


def area_names(area: Grid) -> set[str]:
    """Every registry name living in the area, in one query."""
    rows = Resident.objects.filter(subtree_q("grid__path", area.path)).values_list(
        "name", flat=True
    )
    return set(rows)


def _patterns(names: Iterable[str]) -> list[str]:
    out = set()
    for name in names:
        name = (name or "").strip()
        if len(name) < MIN_NAME:
            continue
        out.add(name)
        if re.fullmatch(r"[\u4e00-\u9fff]{3,}", name):
            out.add(name[1:])  # the given name alone, as neighbours say it
        if masked := mask_name(name):
            out.add(masked)
    return sorted(out, key=len, reverse=True)  # longest first: 欧阳明月 before 明月


def diary_public_text(text: str, names: Iterable[str]) -> str:
    """`text` as neighbours will read it: names, phones and ID numbers hidden."""
    text = ID_RE.sub(_("[身份证号已隐去]"), text or "")
    text = MOBILE_RE.sub(_("[电话已隐去]"), text)
    text = LANDLINE_RE.sub(_("[电话已隐去]"), text)
    patterns = _patterns(names)
    if patterns:
        text = re.sub("|".join(map(re.escape, patterns)), _("某居民"), text)
    return text


def diary_preview_for(user, *, text: str, residents: Iterable[Resident] = ()) -> str:
    """The public version of a draft, for the worker writing it (their own area's names)."""
    from .selectors import worker_unit
    from .services import MAX_TEXT

    text = clean_text(text, field="text", label=_("日记内容"), max_length=MAX_TEXT, required=False)
    unit = worker_unit(user)
    names = area_names(area_of(unit)) if unit is not None else set()
    return diary_public_text(text, [*names, *(r.name for r in residents)])
