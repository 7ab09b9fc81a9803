"""Checks shared by the deliberation services: scope, money and uploaded files."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core.access import can, grid_in_scope
from gongzhi.core.numbers import decimal_places
from gongzhi.core.paths import subtree_q
from gongzhi.core.roles import CHANGE
from gongzhi.core.text import clean_text  # noqa: F401 - re-exported for the services
from gongzhi.people.models import Household

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile
    from django.db.models import QuerySet
    from django_stubs_ext import StrOrPromise

    from gongzhi.cases.attachments import CheckedFile
    from gongzhi.core.types import AnyUser
    from gongzhi.grids.models import Grid


MAX_AMOUNT = Decimal("9999999999.99")  # fits DecimalField(max_digits=12, decimal_places=2)


NOT_STAFF_IN = gettext_lazy("您无权在该网格开展议事工作")


def require_staff_in(user: AnyUser, grid: Grid, message: StrOrPromise = NOT_STAFF_IN) -> None:
    """Writes are for staff who may change data and whose subtree holds `grid`."""
    if not can(user, CHANGE) or not grid_in_scope(user, grid):
        raise PermissionDenied(message)


def households_under(grid: Grid) -> QuerySet[Household]:
    return Household.objects.filter(subtree_q("unit__path", grid.path))


def household_under(household: Household, grid: Grid) -> bool:
    return household.unit.path.startswith(grid.path)


AMOUNT_LABEL = gettext_lazy("金额")


def clean_amount(
    value: Any, *, field: str = "amount", label: StrOrPromise = AMOUNT_LABEL
) -> Decimal:
    """A positive amount in 元 with at most two decimals; anything else is a clear error."""
    text = str(value if value is not None else "").strip().replace(",", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValidationError(
            {field: _("%(label)s必须是数字,例如 50 或 50.00") % {"label": label}}
        ) from None
    if not amount.is_finite():
        raise ValidationError({field: _("%(label)s必须是数字,例如 50 或 50.00") % {"label": label}})
    if amount <= 0:
        raise ValidationError({field: _("%(label)s必须大于 0") % {"label": label}})
    if decimal_places(amount) > 2:
        raise ValidationError({field: _("%(label)s最多保留两位小数(精确到分)") % {"label": label}})
    if amount > MAX_AMOUNT:
        raise ValidationError({field: _("%(label)s过大") % {"label": label}})
    return amount.quantize(Decimal("0.01"))


def check_upload(upload: UploadedFile, *, field: str, images_only: bool) -> CheckedFile:
    """Validate an upload by its bytes (Pillow verify for images). Writes nothing."""
    from gongzhi.cases.attachments import attachment_check

    try:
        checked = attachment_check(upload)
    except ValidationError as exc:
        raise ValidationError({field: exc.message_dict.get("attachments", exc.messages)}) from None
    if images_only and not checked.content_type.startswith("image/"):
        raise ValidationError(
            {
                field: _("文件「%(name)s」不是图片,只能上传 JPEG/PNG/GIF/WebP 照片")
                % {"name": checked.name}
            }
        )
    return checked
