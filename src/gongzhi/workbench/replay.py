"""Idempotent writes for the workbench's offline queue.

The browser resends a queued entry, with the same idempotency key, until the server has
confirmed it. Every write that the queue can send goes through `replayable`: the first
request with a key writes; any later one (a replay, or a concurrent twin that lost the
race) is answered with the first result and writes nothing.

Records with a key field of their own (diary entries, inspections) look the key up there;
records owned by other apps, or writes that may create nothing, use `keyed` and keep the
key in SubmissionKey.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from .models import SubmissionKey

MAX_KEY = 100


def clean_key(raw) -> str | None:
    return (raw or "").strip()[:MAX_KEY] or None


def replayable(key: str | None, find: Callable[[], Any], write: Callable[[], Any]):
    """(result, created). `find()` returns the first result for the key, or None.

    `write()` must make all its rows in one transaction (`transaction.atomic`), so that a
    failed write has rolled back before the key is looked up again. It may validate before
    opening that transaction: on SQLite (IMMEDIATE) the transaction holds the write lock.
    """
    if key and (first := find()) is not None:
        return first, False
    try:
        return write(), True
    except (IntegrityError, ValidationError):
        # A concurrent request with the same key committed first (its unique row or the
        # record it made, e.g. the same ID number, stopped this one): its result stands.
        if key and (first := find()) is not None:
            return first, False
        raise


def submission_find(by, kind: str, key: str) -> SubmissionKey | None:
    return SubmissionKey.objects.filter(worker=by, kind=kind, key=key).first()


def keyed(*, by, kind: str, key, model: type[models.Model], write: Callable[[], Any]):
    """`replayable` for writes without a key field; (result, created).

    `write()` returns the record it made, or None when it made none; a replay gets the same
    record back (re-read from `model`), or None.
    """
    key = clean_key(key)

    @transaction.atomic
    def write_and_remember():
        result = write()
        if key:
            SubmissionKey.objects.create(
                worker=by, kind=kind, key=key, object_id=getattr(result, "pk", None)
            )
        return result

    result, created = replayable(key, lambda: submission_find(by, kind, key), write_and_remember)
    if created:
        return result, True
    first = model._default_manager.filter(pk=result.object_id).first() if result.object_id else None
    return first, False
