"""Rewrite every encrypted column and blind index under the newest field key (key rotation).

ENCRYPTED lists each model's encrypted columns and, for those with a blind index, the index
column and its kind; a test checks that every `*_enc` column of every model is listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.apps import apps
from django.db import transaction

from gongzhi.core import crypto

if TYPE_CHECKING:
    from django.db.models import Model

BATCH = 500

# "app.Model": {encrypted column: (blind-index column, kind) or None}
ENCRYPTED: dict[str, dict[str, tuple[str, str] | None]] = {
    "people.Resident": {"id_number_enc": ("id_hash", "id"), "phone_enc": ("phone_hash", "phone")},
    "portal.ResidentAccount": {"phone_enc": ("phone_hash", "phone")},
    "hotline.HotlineCall": {"caller_enc": ("caller_hash", "phone")},
    "cases.Case": {"contact_name_enc": None, "contact_phone_enc": None},
    "counseling.SessionNote": {"content_enc": None},
    "mediation.Party": {"id_number_enc": None},
    "open311.ServiceRequest": {"email_enc": None},
    "social.Member": {"phone_enc": None},
    "workbench.ChangeRequest": {"payload_enc": None},
}


@dataclass
class ReencryptReport:
    rewritten: dict[str, int] = field(default_factory=dict)
    undecryptable: dict[str, list] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(self.undecryptable.values())


def fields_reencrypt(*, batch: int = BATCH) -> ReencryptReport:
    """Every value not yet under the newest key is decrypted and written again, one
    transaction per batch; values no key opens are reported (by pk) and left as they are."""
    report = ReencryptReport()
    newest = crypto.keys()[0].kid
    for label, columns in ENCRYPTED.items():
        model = apps.get_model(label)
        report.rewritten[label], report.undecryptable[label] = 0, []
        last_pk = 0
        while True:
            with transaction.atomic():
                rows = list(
                    model.objects.select_for_update()
                    .filter(pk__gt=last_pk)
                    .order_by("pk")
                    .only("pk", *columns, *(c[0] for c in columns.values() if c))[:batch]
                )
                if not rows:
                    break
                last_pk = rows[-1].pk
                changed, touched = [], set[int]()
                for row in rows:
                    if _row_reencrypt(row, columns, newest, touched):
                        changed.append(row)
                    elif any(
                        getattr(row, c) and crypto.key_id(getattr(row, c)) != newest
                        for c in columns
                    ):
                        report.undecryptable[label].append(row.pk)
                if changed:
                    model.objects.bulk_update(changed, sorted(touched))
                    report.rewritten[label] += len(changed)
    return report


def _row_reencrypt(row: Model, columns: dict, newest: str, touched: set) -> bool:
    """True when the row was rewritten in memory; False when nothing to do or undecryptable."""
    stale = [c for c in columns if getattr(row, c) and crypto.key_id(getattr(row, c)) != newest]
    if not stale:
        return False
    try:
        plain = {c: crypto.decrypt(getattr(row, c)) for c in stale}
    except crypto.Undecryptable:
        return False
    for column, value in plain.items():
        setattr(row, column, crypto.encrypt(value))
        touched.add(column)
        if columns[column]:
            index_column, kind = columns[column]
            setattr(row, index_column, crypto.blind_index(kind, value))
            touched.add(index_column)
    return True
