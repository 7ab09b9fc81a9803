"""Free text typed into a service: trimmed, required or not, and capped, with a Chinese
message that names the field."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# C0/C1 control characters other than tab and line breaks: invisible, and they break exports.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_text(value, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    """The trimmed text; ValidationError({field: ...}) when it is missing or too long."""
    value = (value or "").strip()
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
