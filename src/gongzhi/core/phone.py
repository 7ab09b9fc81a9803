"""Phone numbers: mainland mobiles and landlines with area code, and the encrypted phone
columns a model declares with `EncryptedPhone`."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Literal

from django.db import models
from django.utils.translation import gettext as _

from gongzhi.core import crypto
from gongzhi.core.masking import mask_phone

if TYPE_CHECKING:
    from collections.abc import Callable

    from django_stubs_ext import StrOrPromise

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


class EncryptedPhone:
    """A phone number kept encrypted at rest, declared once on a model: `phone = EncryptedPhone()`.

    It adds plain columns named after it (so stored rows and migrations are what they were):
      <name>_enc                  the number, encrypted (core.crypto; empty for no number)
      <name>_hash                 its blind index for exact look-ups (index="db" or "unique";
                                  index=None: no look-up, no column)
      <name>_masked               the masked number for lists (masked="stored"), or
      <name>_prefix, _suffix      its first 3 and last 4 digits (masked="parts"; the suffix is
                                  indexed, for searching by the last four digits)
    and to the model: `<name>` (the number, decrypted: read only through the audited paths),
    `set_<name>(number)` (the one way to change it, so the index and mask stay right) and
    `masked_<name>`.
    """

    def __init__(
        self,
        label: StrOrPromise | None = None,
        *,
        blank: bool = True,
        index: Literal["db", "unique"] | None = "db",
        masked: Literal["stored", "parts"] = "stored",
    ) -> None:
        # Created here, in declaration order, so the model's field order is as declared.
        self.columns: dict[str, models.Field] = {
            "enc": models.TextField(blank=blank, editable=False)
        }
        if index is not None:
            self.columns["hash"] = models.CharField(
                max_length=40,
                blank=blank,
                editable=False,
                unique=index == "unique",
                db_index=index != "unique",
            )
        if masked == "parts":
            self.columns["suffix"] = models.CharField(
                max_length=4, blank=blank, db_index=True, editable=False
            )
            self.columns["prefix"] = models.CharField(max_length=3, blank=blank, editable=False)
        else:
            self.columns["masked"] = models.CharField(
                label, max_length=20, blank=blank, editable=False
            )
        self.name = ""

    def contribute_to_class(self, cls: type[models.Model], name: str) -> None:
        self.name = name
        for part, field in self.columns.items():
            cls.add_to_class(f"{name}_{part}", field)
        setattr(cls, name, self)
        setattr(cls, f"set_{name}", self._setter())
        setattr(cls, f"masked_{name}", property(self.masked))

    def __get__(self, instance: models.Model | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        return crypto.decrypt(getattr(instance, f"{self.name}_enc"))

    def __set__(self, instance: models.Model, value: object) -> None:
        raise AttributeError(f"set {self.name} with set_{self.name}(), which keeps its index")

    def _setter(self) -> Callable[[models.Model, str], None]:
        def set_phone(instance: models.Model, phone: str) -> None:
            self.store(instance, phone)

        set_phone.__name__ = f"set_{self.name}"
        return set_phone

    def store(self, instance: models.Model, phone: str) -> None:
        phone = phone or ""
        name = self.name
        setattr(instance, f"{name}_enc", crypto.encrypt(phone))
        if "hash" in self.columns:
            setattr(instance, f"{name}_hash", crypto.blind_index("phone", phone))
        if "masked" in self.columns:
            setattr(instance, f"{name}_masked", mask_phone(phone))
        else:
            setattr(instance, f"{name}_prefix", phone[:3])
            setattr(instance, f"{name}_suffix", phone[-4:])

    def masked(self, instance: models.Model) -> str:
        if "masked" in self.columns:
            return getattr(instance, f"{self.name}_masked")
        suffix = getattr(instance, f"{self.name}_suffix")
        if not suffix:
            return ""
        return mask_phone(getattr(instance, f"{self.name}_prefix") + "0000" + suffix)
