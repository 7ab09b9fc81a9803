"""Permission-aware reads of households and residents."""

from django.db.models import Q

from gongzhi.core import crypto
from gongzhi.core.access import can
from gongzhi.core.paths import subtree_q
from gongzhi.core.roles import VIEW_SPECIAL
from gongzhi.people.models import SPECIAL_TAGS, Household, Resident


def resident_list_for(user, *, action: str = "view"):
    return Resident.objects.restrict(user, action).select_related("household", "grid")


def household_list_for(user, *, action: str = "view"):
    return Household.objects.restrict(user, action).select_related("unit")


def resident_search(
    qs,
    *,
    q: str = "",
    grid=None,
    tag: str = "",
    kind: str = "",
    user=None,
):
    """Search by name, ID suffix, phone suffix or address, plus grid/tag/type filters."""
    q = (q or "").strip()
    if q:
        if q.isdigit() and len(q) == 4:
            qs = qs.filter(Q(id_suffix=q) | Q(phone_suffix=q))
        elif q.isdigit() and len(q) == 11:
            qs = qs.filter(phone_hash=crypto.blind_index("phone", q))
        elif len(q) >= 15 and q[:-1].isdigit():
            qs = qs.filter(id_hash=crypto.blind_index("id", q.upper()))
        else:
            qs = qs.filter(
                Q(name__startswith=q)
                | Q(grid__full_name__contains=q)
                | Q(household__house_number=q)
            )
    if grid is not None:
        qs = qs.filter(subtree_q("grid__path", grid.path))
    if tag:
        if tag in SPECIAL_TAGS and not can(user, VIEW_SPECIAL):
            return qs.none()
        qs = qs.filter(tags__tag=tag)
    if kind:
        qs = qs.filter(kind=kind)
    return qs
