"""Chinese resident ID numbers (GB 11643-1999).

18 characters: 6-digit address code, 8-digit birth date, 3-digit sequence (odd = male),
1 check character. 15-digit legacy numbers are upgraded by inserting "19" before the
birth year and computing the check character.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_ID18 = re.compile(r"^\d{17}[\dX]$")
_ID15 = re.compile(r"^\d{15}$")


class InvalidIdNumber(ValueError):
    """Raised with a Chinese message a clerk can act on."""


@dataclass(frozen=True)
class IdInfo:
    number: str
    birth_date: dt.date
    gender: str  # "M" or "F"


def check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def _birth(number18: str) -> dt.date:
    try:
        born = dt.date(int(number18[6:10]), int(number18[10:12]), int(number18[12:14]))
    except ValueError:
        raise InvalidIdNumber(_("身份证号中的出生日期无效")) from None
    if born.year < 1880 or born > dt.date.today():
        raise InvalidIdNumber(_("身份证号中的出生日期不在合理范围内"))
    return born


def parse_id_number(raw: str) -> IdInfo:
    """Validate, normalise (upper-case X, 15→18) and decode an ID number."""
    value = (raw or "").strip().upper().replace(" ", "")
    if _ID15.match(value):
        first17 = value[:6] + "19" + value[6:]
        value = first17 + check_char(first17)
    elif not _ID18.match(value):
        raise InvalidIdNumber(_("身份证号应为18位(末位可为X)或15位数字"))
    elif check_char(value[:17]) != value[17]:
        raise InvalidIdNumber(_("身份证号校验位错误,请核对号码"))
    born = _birth(value)
    gender = "M" if int(value[16]) % 2 == 1 else "F"
    return IdInfo(number=value, birth_date=born, gender=gender)


def make_id_number(area: str, born: dt.date, sequence: int) -> str:
    """Build a checksum-valid number; used only for synthetic demo data."""
    first17 = f"{area}{born:%Y%m%d}{sequence % 1000:03d}"
    return first17 + check_char(first17)
