"""Background jobs kept as rows (a print, an import): queued after commit, claimed once.

A page creates the job row inside its transaction and calls `job_enqueue`; the task is sent
only when that transaction commits, so a worker never looks for a row that rolled back. The
worker's `job_claim` is a conditional UPDATE (… WHERE status = 'pending'), so two workers
never run the same job.
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils.module_loading import import_string

PENDING, RUNNING, FAILED, SUCCEEDED = "pending", "running", "failed", "succeeded"


class JobProgress:
    """`finished` and `percent` for a job row's progress bar. A job model mixes it in and names
    its counters (done of total) in `progress_fields`."""

    progress_fields = ("done", "total")
    status: str  # the job model's column

    @property
    def finished(self) -> bool:
        return self.status in (FAILED, SUCCEEDED)

    @property
    def percent(self) -> int:
        done, total = (getattr(self, name) for name in self.progress_fields)
        if not total:
            return 100 if self.finished else 0
        return min(100, done * 100 // total)


def job_enqueue(task_path: str, job_id: int) -> None:
    """Queue the task at `task_path` (a django_tasks task, by dotted path so the services that
    define jobs need not import their tasks module) with `job_id`, once the transaction commits."""
    transaction.on_commit(lambda: import_string(task_path).enqueue(job_id))


def job_claim(model: type[models.Model], job_id: int, **fields: Any) -> bool:
    """Take a pending job for this worker (status → running, plus `fields`). False when another
    worker already took it, or it is not pending."""
    claimed = model._default_manager.filter(pk=job_id, status=PENDING).update(
        status=RUNNING, **fields
    )
    return bool(claimed)
