"""Masking for display and export (REFERENCE §3)."""

import re


def mask_id_number(number: str) -> str:
    if not number:
        return ""
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(phone: str) -> str:
    if not phone:
        return ""
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


# Two-character compound surnames keep both characters.
_COMPOUND_SURNAMES = {
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "长孙",
    "宇文",
    "司徒",
    "夏侯",
    "令狐",
    "澹台",
    "轩辕",
    "呼延",
    "端木",
    "南宫",
    "独孤",
}


def mask_name(name: str) -> str:
    if not name:
        return ""
    name = name.strip()
    if re.fullmatch(r"[\u4e00-\u9fff·]+", name):
        keep = 2 if name[:2] in _COMPOUND_SURNAMES and len(name) > 2 else 1
        return name[:keep] + "*" * max(len(name) - keep, 1)
    # Latin names (foreign residents): keep the first letter of each word.
    return " ".join(part[0] + "*" * (len(part) - 1) for part in name.split())


_ADDRESS_CUT = re.compile(r"^(.*?(小区|村|家园|花园|苑|楼院|社区))")


def mask_address(address: str) -> str:
    """Truncate after the 小区/村 so the building and door are not shown."""
    if not address:
        return ""
    match = _ADDRESS_CUT.match(address)
    return (match.group(1) + "…") if match else address[:6] + "…"
