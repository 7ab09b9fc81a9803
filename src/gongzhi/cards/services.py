"""Printing connection cards: the synchronous print and the background job around it.

The page only validates and queues a CardPrintJob (core.jobs: after commit); a task worker
claims it once and runs `cards_print`, the same function the command runs.
Progress is written with single-row UPDATEs in autocommit, so the polling page sees it
while the print is still running.
"""

from __future__ import annotations

import logging
import os
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from gongzhi.cards.content import card_count, cards_for
from gongzhi.cards.models import CardPrintJob
from gongzhi.cards.pdf import Progress, cards_pdf_write
from gongzhi.core import clock
from gongzhi.core.access import can, grid_in_scope
from gongzhi.core.jobs import job_claim, job_enqueue
from gongzhi.core.roles import PRINT_CARDS
from gongzhi.grids.models import Grid

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


logger = logging.getLogger(__name__)

NO_PRINT = _("您没有打印连心卡的权限。")
OUT_OF_SCOPE = _("该网格不在您的管辖范围内。")
BAD_PER = _("打印方式无效:请选择“每个单元一张”或“每户一张”。")
CRASHED = _("生成连心卡时发生内部错误,请稍后重试或联系管理员。")


def check_per(per: str) -> str:
    if per not in CardPrintJob.Per.values:
        raise ValidationError({"per": BAD_PER})
    return per


def cards_print(
    *, root: Grid, per: str, out: Path, base_url: str, progress: Progress | None = None
) -> int:
    """Write every card of `root`'s subtree to `out` and return how many were printed.

    The PDF is written beside `out` and renamed into place, so a reader never sees half
    a file and a failed print leaves nothing behind.
    """
    check_per(per)
    total = card_count(root, per)
    if progress:
        progress(0, total)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.{uuid.uuid4().hex}.part")
    try:
        with partial.open("wb") as fh:
            count = cards_pdf_write(
                cards_for(root, per), fh, base_url=base_url, total=total, progress=progress
            )
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return count


@transaction.atomic
def card_print_job_create(*, by: Actor, root: Grid, per: str, base_url: str) -> CardPrintJob:
    if not can(by, PRINT_CARDS):
        raise PermissionDenied(NO_PRINT)
    if not grid_in_scope(by, root):
        raise PermissionDenied(OUT_OF_SCOPE)
    check_per(per)
    job = CardPrintJob.objects.create(owner=by, root=root, per=per, base_url=base_url[:200])
    job_enqueue("gongzhi.cards.tasks.print_cards_task", job.pk)
    return job


def card_print_job_run(job_id: int) -> CardPrintJob | None:
    """Run one queued job. Returns None when another worker already took it."""
    if not job_claim(CardPrintJob, job_id):
        return None
    job = CardPrintJob.objects.select_related("owner", "root").get(pk=job_id)
    relative = f"cards/{job.pk}-{uuid.uuid4().hex[:12]}.pdf"
    fields: dict = {"finished_at": None}
    try:
        # Scope is checked again: it may have changed while the job waited in the queue.
        if not (can(job.owner, PRINT_CARDS, job.root)):
            raise PermissionDenied(OUT_OF_SCOPE)
        count = cards_print(
            root=job.root,
            per=job.per,
            out=Path(settings.MEDIA_ROOT) / relative,
            base_url=job.base_url,
            progress=_recorder(job_id),
        )
        fields |= {"status": CardPrintJob.Status.SUCCEEDED, "file_path": relative}
        fields |= {"done": count, "total": count}
    except (PermissionDenied, ValidationError) as exc:
        fields |= {"status": CardPrintJob.Status.FAILED, "error": _message(exc)}
    except Exception:
        logger.exception("card print job %s crashed", job_id)
        fields |= {"status": CardPrintJob.Status.FAILED, "error": str(CRASHED)}
    fields["finished_at"] = clock.now()
    CardPrintJob.objects.filter(pk=job_id).update(**fields)
    job.refresh_from_db()
    return job


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)[:300]
    return str(exc)[:300]


def _recorder(job_id: int) -> Progress:
    def record(done: int, total: int) -> None:
        CardPrintJob.objects.filter(pk=job_id).update(done=done, total=total)

    return record


def card_print_file(job: CardPrintJob) -> Path | None:
    if job.status != CardPrintJob.Status.SUCCEEDED or not job.file_path:
        return None
    path = Path(settings.MEDIA_ROOT) / job.file_path
    return path if path.is_file() else None
