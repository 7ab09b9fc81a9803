"""Free text typed into a service: trimmed, required or not, and capped, with a Chinese
message that names the field."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def clean_text(value, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    """The trimmed text; ValidationError({field: ...}) when it is missing or too long."""
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("请填写%(label)s") % {"label": label}})
    if len(value) > max_length:
        raise ValidationError(
            {field: _("%(label)s不能超过%(n)d个字符") % {"label": label, "n": max_length}}
        )
    return value
