"""The seed story's residents (issue 15.9): 茹玉芳 of 公园路46号楼院 and 周金玉 of 悦和家园,
both in 金泉路社区. They are synthetic like every other demo person (their ID numbers are
generated and pass the checksum; is_synthetic is set), and the demo resident account is
茹玉芳's (her phone is the demo phone)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from gongzhi.core import crypto
from gongzhi.core.idcard import make_id_number
from gongzhi.core.paths import subtree_q
from gongzhi.grids.models import Grid, Level
from gongzhi.people.models import Household, Relation, Resident
from gongzhi.people.services import build_resident, clean_resident_fields
from gongzhi.seeding.names import JINQUAN, JINQUAN_COMPOUNDS

DEMO_PHONE = "13800000000"  # the demo resident's sign-in phone (its code shows on the page)


@dataclass(frozen=True)
class StoryResident:
    name: str
    compound: str
    phone: str
    born: dt.date
    sequence: int  # even: female (GB 11643)
    house_number: str


STORY_RESIDENTS = (
    StoryResident("茹玉芳", JINQUAN_COMPOUNDS[0], DEMO_PHONE, dt.date(1956, 3, 14), 462, "1-201"),
    StoryResident("周金玉", JINQUAN_COMPOUNDS[1], "13800000001", dt.date(1960, 8, 2), 508, "3-502"),
)


def _unit_in(compound: str) -> Grid | None:
    """The first unit (level 5) of a 金泉路社区 compound, or None if the district lacks it."""
    community = Grid.objects.filter(level=Level.TOWNSHIP, name=JINQUAN).first()
    if community is None:
        return None
    return (
        Grid.objects.filter(
            subtree_q("path", community.path), level=Level.UNIT, full_name__contains=compound
        )
        .order_by("path")
        .first()
    )


@transaction.atomic
def story_residents_ensure() -> dict[str, Resident]:
    """Create (or put back) the story's residents in their compounds; idempotent.

    Returns them by name; a compound the seeded district does not have is skipped.
    """
    out = {}
    for person in STORY_RESIDENTS:
        unit = _unit_in(person.compound)
        if unit is None:
            continue
        household, _created = Household.objects.get_or_create(
            unit=unit, house_number=person.house_number, defaults={"is_synthetic": True}
        )
        id_number = make_id_number("620902", person.born, person.sequence)
        resident = Resident.objects.filter(id_hash=crypto.blind_index("id", id_number)).first()
        if resident is None:
            clean = clean_resident_fields(
                name=person.name,
                id_number=id_number,
                phone=person.phone,
                relation=Relation.HEAD,
            )
            resident = build_resident(clean, household=household, synthetic=True)
        resident.household, resident.grid_id, resident.is_synthetic = household, unit.pk, True
        resident.save()
        out[person.name] = resident
    return out
