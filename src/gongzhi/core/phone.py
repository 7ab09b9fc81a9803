"""Phone numbers: mainland mobiles and landlines with area code."""

import re

from django.utils.translation import gettext as _

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$")


class InvalidPhone(ValueError):
    pass


def normalize_phone(raw: str) -> str:
    value = re.sub(r"[\s\-()]", "", (raw or "").strip())
    if value.startswith("+86"):
        value = value[3:]
    elif value.startswith("0086"):
        value = value[4:]
    if _MOBILE.match(value) or _LANDLINE.match(value):
        return value
    raise InvalidPhone(_("电话号码格式不正确:手机号为11位(1开头),座机需带区号"))
