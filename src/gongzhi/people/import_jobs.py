"""Import jobs: store the upload, run the import in the background, record progress.

The web request only saves the file and queues the job (after commit); a task worker
runs `import_job_run`, which calls the same `residents_import_file` the command uses.
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.core import clock
from gongzhi.core.access import can
from gongzhi.core.jobs import job_claim, job_enqueue
from gongzhi.core.roles import IMPORT
from gongzhi.people.import_files import check_extension, check_size
from gongzhi.people.imports import MAX_STORED_ERRORS, ImportReport, residents_import_file
from gongzhi.people.models import ImportJob

logger = logging.getLogger(__name__)

STAGES = {
    "reading": ImportJob.Stage.READING,
    "validating": ImportJob.Stage.VALIDATING,
    "writing": ImportJob.Stage.WRITING,
}


@transaction.atomic
def import_job_create(*, by, upload) -> ImportJob:
    """Store the uploaded file under MEDIA_ROOT/imports/ and queue the import."""
    if not can(by, IMPORT):
        raise PermissionDenied(_("您没有批量导入权限"))
    check_size(upload.size)
    ext = check_extension(upload.name)
    # A random name: the original may contain anything, and it must not collide.
    stored = default_storage.save(f"imports/{uuid.uuid4().hex}{ext}", upload)
    job = ImportJob.objects.create(owner=by, filename=upload.name[:200], file_path=stored)
    job_enqueue("gongzhi.people.tasks.import_residents_task", job.pk)
    return job


def import_job_run(job_id: int) -> ImportJob | None:
    """Run one queued job. Returns None when another worker already took it."""
    if not job_claim(ImportJob, job_id, stage=ImportJob.Stage.READING):
        return None
    job = ImportJob.objects.select_related("owner").get(pk=job_id)
    path = Path(settings.MEDIA_ROOT) / job.file_path
    try:
        report = residents_import_file(
            by=job.owner, path=path, filename=job.filename, progress=_recorder(job_id)
        )
    except PermissionDenied as exc:
        report = ImportReport(file_error=str(exc))
    except Exception:
        logger.exception("import job %s crashed", job_id)
        report = ImportReport(file_error=_("导入时发生内部错误,未写入任何数据。请联系管理员。"))
    finally:
        # The upload holds full ID numbers; keep it no longer than the job needs it.
        path.unlink(missing_ok=True)
    return _finish(job, report)


def _recorder(job_id: int):
    def record(stage: str, done: int, total: int) -> None:
        # Inside the write transaction an update would be invisible to the page polling
        # the job until commit, so the page shows "writing" without a count instead.
        if stage == "writing" and done:
            return
        fields = {"stage": STAGES[stage], "processed_rows": done}
        if total:
            fields["total_rows"] = total
        ImportJob.objects.filter(pk=job_id).update(**fields)

    return record


def _finish(job: ImportJob, report: ImportReport) -> ImportJob:
    job.status = ImportJob.Status.SUCCEEDED if report.ok else ImportJob.Status.FAILED
    job.stage = ImportJob.Stage.DONE
    job.total_rows = report.total_rows
    job.processed_rows = report.total_rows if report.ok else job.processed_rows
    job.created_count = report.created_count
    job.households_created = report.households_created
    job.report = {
        "file_error": report.file_error,
        "unchanged_count": report.unchanged_count,
        "error_count": len(report.errors),
        "errors": [[e.row, e.column, e.message] for e in report.errors[:MAX_STORED_ERRORS]],
    }
    job.finished_at = clock.now()
    job.save()
    return job
