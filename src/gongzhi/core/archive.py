"""Retention for the audit log and outbound messages: archive old rows to files, then delete.

Each batch is one transaction: its rows are locked, written to a gzip JSONL file under
ARCHIVE_DIR/<kind>/ (written to a temporary name, then renamed: a file is complete or absent),
and deleted. A crash before the commit leaves the rows in place and the next run writes the
same batch again under the same name, so running it twice never loses or doubles a row.
The file is named by the batch's first and last id; each line is one row with its id.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from gongzhi.core import clock

BATCH = 5000


@dataclass(frozen=True)
class Kind:
    name: str
    model_path: str
    time_field: str
    retention_setting: str

    @property
    def model(self) -> Any:
        from django.apps import apps

        return apps.get_model(self.model_path)


KINDS = {
    "audit": Kind("audit", "core.AuditLog", "at", "AUDIT_RETENTION_DAYS"),
    "outbound": Kind("outbound", "cases.OutboundMessage", "created_at", "OUTBOUND_RETENTION_DAYS"),
}


def _write(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with gzip.open(tmp, "wt", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False) + "\n")
    os.replace(tmp, path)


def history_archive(
    kind: str, *, before: dt.datetime, batch: int = BATCH
) -> tuple[int, list[Path]]:
    """Archive and delete the rows of `kind` older than `before`; returns (rows, files)."""
    spec = KINDS[kind]
    model = spec.model
    older = {f"{spec.time_field}__lt": before}
    columns = [f.attname for f in model._meta.concrete_fields]
    root = Path(settings.ARCHIVE_DIR) / kind
    total, files = 0, cast("list[Path]", [])
    while True:
        with transaction.atomic():
            rows = list(
                model.objects.select_for_update()
                .filter(**older)
                .order_by("pk")
                .values(*columns)[:batch]
            )
            if not rows:
                return total, files
            path = (
                root / f"{model._meta.db_table}-{rows[0]['id']:012d}-{rows[-1]['id']:012d}.jsonl.gz"
            )
            _write(path, rows)
            # The time bound lets PostgreSQL look only in the old partitions.
            model.objects.filter(pk__in=[r["id"] for r in rows], **older).delete()
        total += len(rows)
        files.append(path)


def history_retention_enforce(now: dt.datetime | None = None) -> dict[str, int]:
    """Archive what is older than each kind's retention setting (0 days = keep everything)."""
    now = now or clock.now()
    done = {}
    for name, spec in KINDS.items():
        days = getattr(settings, spec.retention_setting)
        if days > 0:
            done[name] = history_archive(name, before=now - dt.timedelta(days=days))[0]
    return done
