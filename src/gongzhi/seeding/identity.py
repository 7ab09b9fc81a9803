"""Synthetic personal data: names, checksum-valid ID numbers and phone numbers.

Names are drawn from Faker's zh_CN pools (weighted surnames) with our own seeded
random.Random, which is much faster than calling Faker per row and just as deterministic.
"""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect
from itertools import accumulate

from faker.providers.person.en_US import Provider as EnPerson
from faker.providers.person.zh_CN import Provider as ZhPerson
from faker.providers.phone_number.zh_CN import Provider as ZhPhone

from gongzhi.core.idcard import check_char

HOME_AREA = "620902"  # 肃州区
OLD_AREAS = ("622102", "622121")  # codes carried by people registered before 2002
# Where floating residents come from (GB/T 2260 codes of real counties and districts).
ORIGIN_AREAS = (
    "620102",
    "620702",
    "620921",
    "620922",
    "620981",
    "640104",
    "610113",
    "410102",
    "510107",
    "630102",
)
# 外国人永久居留身份证 (2023 format): 9 + province (62) + ISO 3166 numeric nationality.
FOREIGN_NATIONS = ("840", "826", "276", "250", "643", "410", "392", "586", "398", "764")


class NamePool:
    """Realistic Chinese names (and a few Latin ones for foreign residents)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self._surnames = list(ZhPerson.last_names)
        self._surname_cum = list(accumulate(ZhPerson.last_names.values()))
        self._given = {"M": list(ZhPerson.first_names_male), "F": list(ZhPerson.first_names_female)}
        self._chars = {g: [n for n in names if len(n) == 1] for g, names in self._given.items()}
        self._latin_first = {
            "M": list(EnPerson.first_names_male)[:300],
            "F": list(EnPerson.first_names_female)[:300],
        }
        self._latin_last = list(EnPerson.last_names)[:300]

    def surname(self) -> str:
        x = self.rng.random() * self._surname_cum[-1]
        return self._surnames[min(bisect(self._surname_cum, x), len(self._surnames) - 1)]

    def given(self, gender: str) -> str:
        # About half of Chinese given names have two characters.
        if self.rng.random() < 0.55:
            chars = self._chars[gender]
            return self.rng.choice(chars) + self.rng.choice(chars)
        return self.rng.choice(self._given[gender])

    def full(self, gender: str, surname: str | None = None) -> str:
        return (surname or self.surname()) + self.given(gender)

    def pick(self, gender: str, surname: str | None = None, *, foreign: bool = False) -> str:
        return self.latin(gender) if foreign else self.full(gender, surname)

    def latin(self, gender: str) -> str:
        return f"{self.rng.choice(self._latin_first[gender])} {self.rng.choice(self._latin_last)}"


class IdAllocator:
    """Unique, checksum-valid ID numbers (GB 11643): odd sequence for men, even for women."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self._next: dict[str, int] = {}  # area+birth date+gender → next sequence
        self.home_area = HOME_AREA  # the district being filled (a province's seed moves it)

    def allocate(self, area: str, born: dt.date, gender: str) -> str:
        key = f"{area}{born:%Y%m%d}{gender}"
        seq = self._next.get(key)
        if seq is None:
            seq = self.rng.randrange(10, 400) * 2 + (1 if gender == "M" else 0)
        if seq > 999:  # this day is full for this area: take the next day
            return self.allocate(area, born + dt.timedelta(days=1), gender)
        self._next[key] = seq + 2
        first17 = f"{area}{born:%Y%m%d}{seq:03d}"
        return first17 + check_char(first17)

    def area_for(self, born: dt.date, *, floating: bool) -> str:
        if floating:
            return self.rng.choice(ORIGIN_AREAS)
        if born.year < 2002 and self.rng.random() < 0.3:
            return self.rng.choice(OLD_AREAS)
        return self.home_area

    def foreign_area(self) -> str:
        return "962" + self.rng.choice(FOREIGN_NATIONS)


class PhonePool:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self._prefixes = [str(p) for p in ZhPhone.phonenumber_prefixes]

    def mobile(self) -> str:
        return self.rng.choice(self._prefixes) + f"{self.rng.randrange(10**8):08d}"

    def landline(self) -> str:
        return "0937" + f"{self.rng.randrange(2_000_000, 9_000_000):07d}"  # Jiuquan area code
