"""Households and residents, streamed in batches so memory stays flat at any scale.

Each resident's identifiers go through Resident.set_id_number/set_phone (encryption +
blind index), as in people.services.build_resident; the rows are then written by
bulk.FastInsert. Validating each row through the service would re-parse ID numbers
that were generated valid, 455,611 times.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass

from django.db import connection

from gongzhi.core import clock
from gongzhi.people.models import (
    Household,
    Relation,
    Resident,
    ResidentKind,
    ResidentTag,
    Tag,
    tag_kind,
)
from gongzhi.seeding.bulk import FastInsert, indexes_deferred
from gongzhi.seeding.district import Node, Tree, apportion
from gongzhi.seeding.identity import IdAllocator, NamePool, PhonePool
from gongzhi.seeding.names import house_number
from gongzhi.seeding.scale import Scale

# Ages are computed against a fixed day so a given --seed always yields the same people.
REFERENCE_DATE = dt.date(2025, 6, 30)
# Household sizes 1–6; with the last household of each unit cut to fit, the mean is ~2.8.
SIZES = (1, 2, 3, 4, 5, 6)
SIZE_WEIGHTS = (16, 26, 29, 16, 8, 5)
# Per-person chances of the special-population tags (重点人员), by eligible age.
SPECIAL_RATES = (
    (Tag.COMMUNITY_CORRECTION, 18, 60, 0.0008),
    (Tag.RELEASED_PRISONER, 20, 65, 0.0012),
    (Tag.DRUG_USER, 18, 55, 0.0006),
    (Tag.SEVERE_MENTAL, 18, 90, 0.0015),
    (Tag.AT_RISK_YOUTH, 12, 22, 0.003),
)


@dataclass(slots=True)
class Person:
    name: str
    gender: str
    age: int
    relation: str
    born: dt.date | None = None
    id_number: str = ""
    phone: str = ""
    tags: tuple[str, ...] = ()


class HouseholdMaker:
    def __init__(
        self, rng: random.Random, *, special_boost: float = 1.0, ids: IdAllocator | None = None
    ):
        self.rng = rng
        self.special_boost = special_boost
        self.names = NamePool(rng)
        self.ids = ids or IdAllocator(rng)
        self.phones = PhonePool(rng)

    def size(self) -> int:
        return self.rng.choices(SIZES, SIZE_WEIGHTS)[0]

    def kind(self) -> str:
        r = self.rng.random()
        if r < 0.004:
            return ResidentKind.FOREIGN
        return ResidentKind.FLOATING if r < 0.14 else ResidentKind.REGISTERED

    def members(self, size: int, kind: str, *, rural: bool) -> list[Person]:
        rng = self.rng
        foreign = kind == ResidentKind.FOREIGN
        if foreign:
            size = min(size, 2)
        surname = None if foreign else self.names.surname()
        people: list[Person] = []

        def add(gender: str, age: int, relation: str, family_name: str | None) -> None:
            taken = {p.name for p in people}
            while True:  # no two members of a household share a name
                name = self.names.pick(gender, family_name, foreign=foreign)
                if name not in taken:
                    break
            people.append(Person(name=name, gender=gender, age=age, relation=relation))

        head_gender = "M" if rng.random() < 0.62 else "F"
        if size == 1:
            head_age = rng.randint(65, 92) if rng.random() < 0.4 else rng.randint(20, 60)
        else:
            head_age = int(rng.triangular(24, 86, 42))
        add(head_gender, head_age, Relation.HEAD, surname)
        if size >= 2 and rng.random() < 0.85:
            add(_other(head_gender), max(20, head_age + rng.randint(-5, 4)), Relation.SPOUSE, None)
        has_parent = False
        while len(people) < size:
            r, gender = rng.random(), rng.choice("MF")
            if head_age >= 58 and r < 0.35:
                add(gender, rng.randint(0, min(17, head_age - 44)), Relation.GRANDCHILD, surname)
            elif head_age <= 55 and r < 0.5 and not has_parent:
                has_parent = True
                age = min(98, head_age + rng.randint(22, 32))
                add(gender, age, Relation.PARENT, surname if gender == "M" else None)
            elif r < 0.95:
                add(gender, max(0, head_age - rng.randint(22, 36)), Relation.CHILD, surname)
            else:
                add(gender, max(16, head_age + rng.randint(-6, 6)), Relation.SIBLING, surname)
        self._identify(people, kind)
        self._tag(people, rural=rural)
        return people

    def _identify(self, people: list[Person], kind: str) -> None:
        rng = self.rng
        # A floating household comes from one place; foreigners each carry their nationality.
        origin = self.ids.area_for(REFERENCE_DATE, floating=True)
        for p in people:
            p.born = REFERENCE_DATE - dt.timedelta(days=p.age * 365 + rng.randrange(365))
            if kind == ResidentKind.FOREIGN:
                area = self.ids.foreign_area()
            elif kind == ResidentKind.FLOATING:
                area = origin
            else:
                area = self.ids.area_for(p.born, floating=False)
            p.id_number = self.ids.allocate(area, p.born, p.gender)
            if p.age >= 16 and rng.random() < 0.93:
                p.phone = self.phones.mobile()

    def _tag(self, people: list[Person], *, rural: bool) -> None:
        rng = self.rng
        empty_nest = all(p.age >= 60 for p in people)
        for i, p in enumerate(people):
            tags = []
            if p.age >= 65 and empty_nest and rng.random() < 0.5:
                tags.append(Tag.ELDERLY_ALONE)
            if p.age < 16 and rural and rng.random() < 0.08:
                tags.append(Tag.LEFT_BEHIND_CHILD)
            if rng.random() < 0.015:
                tags.append(Tag.DISABLED)
            if i == 0 and rng.random() < 0.012:
                tags.append(Tag.HARDSHIP)
            if i == 0 and rng.random() < 0.006:
                tags.append(Tag.VETERAN_FAMILY)
            for tag, low, high, rate in SPECIAL_RATES:
                if low <= p.age <= high and rng.random() < rate * self.special_boost:
                    tags.append(tag)
            p.tags = tuple(tags)


def _other(gender: str) -> str:
    return "F" if gender == "M" else "M"


def residents_create(
    tree: Tree,
    scale: Scale,
    rng: random.Random,
    *,
    log: Callable[[str], None],
    ids: IdAllocator | None = None,
    defer_indexes: bool = True,
) -> dict[str, int]:
    """Fill every level-5 unit with households until exactly scale.residents people exist.

    Several districts share one `ids` (ID numbers stay unique across them) and defer the
    indexes once around all of them (`defer_indexes=False` here)."""
    maker = HouseholdMaker(rng, special_boost=scale.special_boost, ids=ids)
    units = tree.units
    floor = 1 if scale.residents >= len(units) else 0
    quotas = apportion(
        scale.residents, [rng.uniform(0.4, 1.6) for _ in units], [floor] * len(units)
    )
    writer = PeopleWriter(now=clock.now(), batch_size=scale.batch_size)
    started = time.perf_counter()
    report_every = max(scale.residents // 10, scale.batch_size)
    next_report = report_every
    with indexes_deferred(Household, Resident) if defer_indexes else nullcontext():
        for unit, quota in zip(units, quotas, strict=True):
            for index, people, kind in _unit_households(maker, unit, quota):
                writer.add(unit.grid.pk, house_number(unit.rural, index), people, kind)
                if writer.residents.inserted >= next_report:
                    next_report += report_every
                    _progress(log, writer.totals(), scale.residents, started)
        writer.finish()
        _progress(log, writer.totals(), scale.residents, started)
        if defer_indexes:
            log("  重建索引 (rebuilding indexes) …")
    return writer.totals()


def _unit_households(maker: HouseholdMaker, unit: Node, quota: int):
    index, left = 0, quota
    while left > 0:
        kind = maker.kind()
        people = maker.members(min(maker.size(), left), kind, rural=unit.rural)
        yield index, people, kind
        index += 1
        left -= len(people)


class _Identifiers:
    """Takes Resident.set_id_number/set_phone, so encryption and blind index stay in one place."""

    __slots__ = (
        "id_number_enc",
        "id_hash",
        "id_prefix",
        "id_suffix",
        "phone_enc",
        "phone_hash",
        "phone_prefix",
        "phone_suffix",
    )

    def __init__(self, person: Person):
        Resident.set_id_number(self, person.id_number)
        Resident.set_phone(self, person.phone)

    def as_dict(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in self.__slots__}


class PeopleWriter:
    """Buffers household and resident rows and writes them batch by batch (flat memory)."""

    def __init__(self, *, now, batch_size: int):
        self.batch_size = batch_size
        self.households = FastInsert(Household)
        self.residents = FastInsert(Resident)
        self.now = now
        self.tags = 0
        self._household_rows: list[tuple] = []
        self._resident_rows: list[tuple] = []
        self._tags: list[ResidentTag] = []
        self._date = connection.ops.adapt_datefield_value
        self._household_const = {
            "is_synthetic": self.households.prep("is_synthetic", True),
            "created_at": self.households.prep("created_at", now),
        }
        self._resident_const = {
            "is_synthetic": self.residents.prep("is_synthetic", True),
            "created_at": self.residents.prep("created_at", now),
            "updated_at": self.residents.prep("updated_at", now),
        }

    def add(self, unit_id: int, number: str, people: list[Person], kind: str) -> None:
        household_id = self.households.next_id()
        row = {"id": household_id, "unit_id": unit_id, "house_number": number}
        self._household_rows.append(self.households.row(row | self._household_const))
        for p in people:
            resident_id = self.residents.next_id()
            row = {
                "id": resident_id, "household_id": household_id, "grid_id": unit_id,
                "name": p.name, "kind": str(kind), "relation": str(p.relation), "gender": p.gender,
                "birth_date": self._date(p.born), **_Identifiers(p).as_dict(),
            }  # fmt: skip
            self._resident_rows.append(self.residents.row(row | self._resident_const))
            self._tags += [
                ResidentTag(resident_id=resident_id, tag=t, kind=tag_kind(t), created_at=self.now)
                for t in p.tags
            ]
        if len(self._resident_rows) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        # Households first: residents point at them.
        self.households.write(self._household_rows)
        self.residents.write(self._resident_rows)
        ResidentTag.objects.bulk_create(self._tags, batch_size=self.batch_size)
        self.tags += len(self._tags)
        self._household_rows, self._resident_rows, self._tags = [], [], []

    def finish(self) -> None:
        self.flush()
        self.households.finish()
        self.residents.finish()

    def totals(self) -> dict[str, int]:
        return {
            "households": self.households.inserted,
            "residents": self.residents.inserted,
            "tags": self.tags,
        }


def _progress(log, totals: dict[str, int], target: int, started: float) -> None:
    elapsed = max(time.perf_counter() - started, 1e-6)
    log(
        f"  居民 {totals['residents']:,}/{target:,}  户 {totals['households']:,}"
        f"  ({totals['residents'] / elapsed:,.0f} 行/秒)"
    )
