"""Free text typed into a service: trimmed, required or not, and capped, with a Chinese
message that names the field. Also the two control-character rules (issue 12):

- at the input boundary (`clean_input`): NUL is refused, other C0 controls, DEL, lone
  surrogates and the non-characters U+FFFE/U+FFFF are dropped; tab, newline and carriage
  return stay;
- in every writer (`xml_safe`): whatever is stored, the characters XML 1.0 (XLSX, DOCX,
  Open311 XML) cannot carry are dropped, so one odd row never breaks an export or a feed.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# C0 controls except \t \n \r, DEL, lone surrogates, U+FFFE/U+FFFF.
_UNWANTED = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class NulCharacter(ValueError):
    """The input holds a NUL character: refused, never stored. `field` names where."""

    field = ""


def nul_message() -> str:
    return _("输入内容含有非法的空字符(NUL),请删除后重新提交")


def clean_input(value: str) -> str:
    """Text as it may enter the system; raises NulCharacter for a NUL."""
    if "\x00" in value:
        raise NulCharacter(nul_message())
    return _UNWANTED.sub("", value)


def xml_safe(value: str) -> str:
    """Text that any XML-based writer accepts (drops what XML 1.0 forbids)."""
    return _NOT_XML.sub("", value)


# C1 controls: invisible, and they break exports (C0 ones are already stripped by clean_input).
_CONTROL = re.compile("[\x80-\x9f]")


def clean_text(
    value: str | None,
    *,
    field: str,
    label: StrOrPromise,
    max_length: int,
    required: bool = True,
) -> str:
    """The trimmed text; ValidationError({field: ...}) when it is missing or too long."""
    try:
        value = clean_input(value or "").strip()
    except NulCharacter as exc:
        raise ValidationError({field: str(exc)}) from None
    if required and not value:
        raise ValidationError({field: _("请填写%(label)s") % {"label": label}})
    if len(value) > max_length:
        raise ValidationError(
            {field: _("%(label)s不能超过%(n)d个字符") % {"label": label, "n": max_length}}
        )
    if _CONTROL.search(value):
        raise ValidationError(
            {field: _("%(label)s含有不可见的控制字符,请删除后重试") % {"label": label}}
        )
    return value


def choice_labels(choices: Any) -> dict[str, str]:
    """{value: label} of a TextChoices class (or a choices list), translated once into the
    active language. Model.get_FOO_display() rebuilds and hashes the whole choice list,
    translating every label, on each call: in a loop over rows that dominates."""
    pairs = choices.choices if hasattr(choices, "choices") else choices
    return {value: str(label) for value, label in pairs}
