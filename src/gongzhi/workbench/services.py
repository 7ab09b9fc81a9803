"""Writes for the workbench. Each runs in one transaction and validates before writing."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.cases.attachments import attachment_check
from gongzhi.cases.models import Case, Category, Channel
from gongzhi.cases.services import case_create
from gongzhi.core import clock, crypto
from gongzhi.core.access import can, grid_in_scope, require
from gongzhi.core.masking import mask_id_number, mask_name, mask_phone
from gongzhi.core.roles import CHANGE, CHANGE_REVIEW, DIARY_REVIEW
from gongzhi.grids.geo import grid_for_point
from gongzhi.people.models import SPECIAL_TAGS, Household, Resident
from gongzhi.people.services import (
    clean_resident_fields,
    household_create,
    id_number_taken,
    resident_create,
    resident_tag_add,
    resident_update,
)

from .models import (
    ChangeRequest,
    ChecklistItem,
    DiaryComment,
    DiaryEntry,
    DiaryPhoto,
    Duty,
    FiveRole,
    Inspection,
    InspectionChecklist,
    InspectionResult,
    SubmissionKey,
)
from .replay import clean_key, keyed, replayable
from .selectors import worker_unit

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.core.files.uploadedfile import UploadedFile

    from gongzhi.care.models import Visit
    from gongzhi.core.types import Actor
    from gongzhi.grids.models import Grid


MAX_TEXT = 4000
MAX_MINUTES = 24 * 60


def _require_worker_grid(by: Actor, grid: Grid | None) -> Grid:
    grid = grid or worker_unit(by)
    if grid is None:
        raise PermissionDenied(_("您没有负责的网格"))
    if not grid_in_scope(by, grid):
        raise PermissionDenied(_("您无权在该网格登记"))
    return grid


def _clean_diary(
    *, date: Any, role: str, duty: str, text: str, minutes_spent: Any, lat: Any, lng: Any
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    if isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date.strip())
        except ValueError:
            date = None
    if not isinstance(date, dt.date):
        errors["date"] = _("请填写正确的日期")
    elif date > clock.today():
        errors["date"] = _("日记日期不能晚于今天")
    if role not in FiveRole.values:
        errors["role"] = _("请选择五大员身份")
    if duty not in Duty.values:
        errors["duty"] = _("请选择工作类别")
    text = (text or "").strip()
    if not text:
        errors["text"] = _("请填写日记内容")
    elif len(text) > MAX_TEXT:
        errors["text"] = _("内容不能超过%(max)s个字") % {"max": MAX_TEXT}
    try:
        minutes_spent = int(minutes_spent or 0)
        if not 0 <= minutes_spent <= MAX_MINUTES:
            raise ValueError
    except (TypeError, ValueError):
        errors["minutes_spent"] = _("用时应为0到1440之间的分钟数")
    try:
        lat = float(lat) if lat not in (None, "") else None
        lng = float(lng) if lng not in (None, "") else None
        if (lat is None) != (lng is None) or (
            lat is not None and not (-90 <= lat <= 90 and -180 <= lng <= 180)
        ):
            raise ValueError
    except (TypeError, ValueError):
        errors["location"] = _("位置坐标无效")
    if errors:
        raise ValidationError(errors)
    return {
        "date": date,
        "role": role,
        "duty": duty,
        "text": text,
        "minutes_spent": minutes_spent,
        "lat": lat,
        "lng": lng,
    }


def diary_entry_create(
    *,
    by: Actor,
    date: dt.date | str,
    role: str,
    duty: str,
    text: str,
    grid: Grid | None = None,
    lat: float | str | None = None,
    lng: float | str | None = None,
    residents: Iterable[Resident] = (),
    households: Iterable[Household] = (),
    minutes_spent: int = 0,
    is_public: bool = False,
    photos: Iterable[UploadedFile] = (),
    idempotency_key: str | None = None,
) -> tuple[DiaryEntry, bool]:
    """Write a diary entry; (entry, created). A replay of the key returns the first entry."""
    key = clean_key(idempotency_key)

    def write() -> DiaryEntry:
        unit = _require_worker_grid(by, grid)
        fields = _clean_diary(
            date=date,
            role=role,
            duty=duty,
            text=text,
            minutes_spent=minutes_spent,
            lat=lat,
            lng=lng,
        )
        checked = _images_only(photos, field="attachments", message=_("日记照片只能是图片"))
        met, met_households = list(residents), list(households)
        if any(not grid_in_scope(by, r.grid) for r in met) or any(
            not grid_in_scope(by, h.unit) for h in met_households
        ):
            raise PermissionDenied(_("走访对象不在您负责的网格内"))
        with transaction.atomic():
            entry = DiaryEntry.objects.create(
                worker=by, grid=unit, is_public=bool(is_public), idempotency_key=key, **fields
            )
            entry.residents_met.set(met)
            entry.households_met.set(met_households)
            for c in checked:
                photo = DiaryPhoto(entry=entry, content_type=c.content_type, original_name=c.name)
                photo.file.save(f"{entry.pk}-{os.urandom(4).hex()}{c.ext}", ContentFile(c.data))
        return entry

    return replayable(
        key, lambda: DiaryEntry.objects.filter(worker=by, idempotency_key=key).first(), write
    )


def _images_only(uploads: Iterable[UploadedFile | None], *, field: str, message: str) -> list:
    """Check each upload; photos must be images (attachment_check also allows PDF)."""
    checked = [attachment_check(u) for u in uploads if u]
    if any(not c.content_type.startswith("image/") for c in checked):
        raise ValidationError({field: message})
    return checked


@transaction.atomic
def diary_comment_add(*, by: Actor, entry: DiaryEntry, text: str) -> DiaryComment:
    require(by, DIARY_REVIEW, entry.grid)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("请填写点评内容")})
    return DiaryComment.objects.create(entry=entry, author=by, text=text[:2000])


def _clean_point(lat: Any, lng: Any) -> tuple[float | None, float | None]:
    """A phone's location from a form: both or neither; refused when not a real place."""
    if lat in (None, "") and lng in (None, ""):
        return None, None
    try:
        la, lo = float(lat), float(lng)
    except (TypeError, ValueError):
        la = lo = math.nan
    if not (math.isfinite(la) and math.isfinite(lo) and abs(la) <= 90 and abs(lo) <= 180):
        raise ValidationError({"location": _("位置坐标无效,请重新定位或不带位置上报")})
    return la, lo


def field_report_create(
    *,
    by: Actor,
    category: Category,
    description: str,
    photos: Iterable[UploadedFile] = (),
    lat: float | str | None = None,
    lng: float | str | None = None,
    idempotency_key: str | None = None,
) -> Case:
    """Report a case found on patrol (网格员巡查).

    The case lands in the grid containing the phone's location when that grid is in the
    worker's scope; otherwise (no fix, or a fix outside their grids) in the worker's unit.
    """
    grid = _require_worker_grid(by, None)
    lat, lng = _clean_point(lat, lng)
    if lat is not None and lng is not None and (here := grid_for_point(lat, lng)) is not None:
        grid = here if grid_in_scope(by, here) else grid
    # Case keys are global; a worker's key is only unique to that worker.
    key = f"wb{by.pk}:{clean_key(idempotency_key)}" if clean_key(idempotency_key) else None
    found = Category.objects.filter(code=str(category or ""), active=True).first()
    if found is None:
        raise ValidationError({"category": _("请选择事件类别")})
    return case_create(
        by=by,
        category=found,
        channel=Channel.PATROL,
        grid=grid,
        title=found.name,
        description=description or "",
        lat=lat,
        lng=lng,
        attachments=photos,
        idempotency_key=key,
        reporter_user=by,
    )


def _failure_category(checklist: InspectionChecklist) -> Category | None:
    code = checklist.category_code.strip()
    qs = Category.objects.filter(active=True, parent__isnull=False)
    found = qs.filter(code=code).first() if code else None
    return found or qs.first()


def inspection_submit(
    *,
    by: Actor,
    checklist: InspectionChecklist,
    place: str,
    results: dict,
    idempotency_key: str | None = None,
) -> Inspection:
    """Record an inspection; results = {item_id: (passed, note, photo|None)}.

    Every failed item becomes a case in the same transaction, so an inspection never
    exists without the cases it found. A replay of the key returns the first inspection.
    """
    key = clean_key(idempotency_key)
    inspection, _created = replayable(
        key,
        lambda: Inspection.objects.filter(inspector=by, idempotency_key=key).first(),
        lambda: _inspection_create(by, checklist, place, results, key),
    )
    return inspection


def _inspection_create(
    by: Actor,
    checklist: InspectionChecklist,
    place: str,
    results: dict[int, tuple[bool, str, UploadedFile | None]],
    key: str | None,
) -> Inspection:
    grid = _require_worker_grid(by, None)
    place = (place or "").strip()
    items = list(ChecklistItem.objects.filter(checklist=checklist))
    errors = {}
    if not place:
        errors["place"] = _("请填写场所名称")
    missing = [i.text for i in items if i.pk not in results]
    if missing:
        errors["results"] = _("请逐项填写检查结果:%(items)s") % {"items": "、".join(missing)}
    if errors:
        raise ValidationError(errors)
    photos = {pk: r[2] for pk, r in results.items() if r[2]}
    images = _images_only(photos.values(), field="photos", message=_("检查照片只能是图片"))
    checked = dict(zip(photos, images, strict=True))
    with transaction.atomic():
        inspection = Inspection.objects.create(
            checklist=checklist, grid=grid, place=place[:200], inspector=by, idempotency_key=key
        )
        category = _failure_category(checklist)
        for item in items:
            passed, note, _photo = results[item.pk]
            c = checked.get(item.pk)
            result = InspectionResult(
                inspection=inspection, item=item, passed=bool(passed), note=(note or "")[:500]
            )
            if c:
                result.photo.save(
                    f"{inspection.pk}-{item.pk}{c.ext}", ContentFile(c.data), save=False
                )
            if not passed:
                result.case = case_create(
                    by=by,
                    category=category,
                    channel=Channel.PATROL,
                    grid=grid,
                    title=f"隐患:{place[:40]} {item.text}"[:200],
                    description=f"{checklist.place_type}「{place}」检查不合格:{item.text}。{note or ''}",
                    attachments=[ContentFile(c.data, name=c.name)] if c else [],
                    reporter_user=by,
                )
            result.save()
    return inspection


# --- information collection -----------------------------------------------------------------

SENSITIVE = ("name", "id_number", "phone")


def _summary(resident: Resident, changes: dict, tags: list[str]) -> str:
    masks = {"name": mask_name, "id_number": mask_id_number, "phone": mask_phone}
    labels = {"name": "姓名", "id_number": "身份证号", "phone": "电话"}
    parts = [f"{labels[k]}→{masks[k](v) if v else '(空)'}" for k, v in changes.items()]
    parts += [f"标签+{t}" for t in tags]
    return f"{resident.masked_name}:" + ",".join(parts)


def household_collect(
    *, by: Actor, house_number: str, idempotency_key: str | None = None
) -> Household | None:
    """Register a household in the worker's own unit; a replay returns the first one."""

    def write() -> Household:
        unit = worker_unit(by)
        if unit is None:
            raise PermissionDenied(_("您没有负责的网格"))
        return household_create(by=by, unit=unit, house_number=house_number)

    kind = SubmissionKey.Kind.HOUSEHOLD
    return keyed(by=by, kind=kind, key=idempotency_key, model=Household, write=write)[0]


def resident_collect(
    *, by: Actor, household: Household, idempotency_key: str | None = None, **fields: Any
) -> Resident:
    """Add a resident (validated by people.services); a replay returns the first one."""
    return keyed(
        by=by,
        kind=SubmissionKey.Kind.RESIDENT,
        key=idempotency_key,
        model=Resident,
        write=lambda: resident_create(by=by, household=household, **fields),
    )[0]


# A phone's clock may run a little ahead of the server's; beyond this the time is refused.
CLOCK_SKEW = dt.timedelta(minutes=10)


def care_visit_submit(
    *,
    by: Actor,
    resident: Resident,
    note: str,
    visited_at: str = "",
    idempotency_key: str | None = None,
) -> Visit:
    """A care visit from the field (the offline queue may send it later, with the time the
    worker filled the form in); a replay returns the first visit."""
    from gongzhi.care.models import Visit
    from gongzhi.care.services import visit_record

    when = None
    if (visited_at or "").strip():
        try:
            when = dt.datetime.fromisoformat(visited_at.strip()[:16])
        except ValueError:
            raise ValidationError({"visited_at": _("走访时间格式不正确")}) from None
        if when.tzinfo is None:
            when = timezone.make_aware(when)
        if when <= clock.now() + CLOCK_SKEW:
            when = min(when, clock.now())
    return keyed(
        by=by,
        kind=SubmissionKey.Kind.CARE_VISIT,
        key=idempotency_key,
        model=Visit,
        write=lambda: visit_record(
            by=by, resident=resident, note=note, visited_at=when, source=Visit.Source.GRID_WORKER
        ),
    )


def resident_collect_update(
    *,
    by: Actor,
    resident: Resident,
    special_tags: Iterable[str] = (),
    idempotency_key: str | None = None,
    **fields: Any,
) -> ChangeRequest | None:
    """A worker's update of a resident: plain fields apply now, sensitive ones wait for review.

    Returns the ChangeRequest when one was needed, else None. A replay of the key writes
    nothing and returns the first answer.
    """
    return keyed(
        by=by,
        kind=SubmissionKey.Kind.RESIDENT_EDIT,
        key=idempotency_key,
        model=ChangeRequest,
        write=lambda: _resident_change(by, resident, special_tags, fields),
    )[0]


@transaction.atomic
def _resident_change(
    by: Actor, resident: Resident, special_tags: Iterable[str], fields: dict[str, Any]
) -> ChangeRequest | None:
    if not can(by, CHANGE, resident.grid):
        raise PermissionDenied(_("您无权修改该网格的人口信息"))
    current = {
        "name": resident.name,
        "id_number": resident.id_number,
        "phone": resident.phone,
        "kind": resident.kind,
        "relation": resident.relation,
    }
    wanted = current | {k: v for k, v in fields.items() if k in current}
    clean = clean_resident_fields(**wanted)  # validates all fields before anything is written
    if id_number_taken(clean.id_number, exclude_pk=resident.pk):
        raise ValidationError({"id_number": _("该身份证号已登记,不能重复登记")})
    changes = {k: getattr(clean, k) for k in SENSITIVE if getattr(clean, k) != current[k]}
    tags = [t for t in special_tags if t]
    if any(t not in SPECIAL_TAGS for t in tags):
        raise ValidationError({"special_tags": _("未知的重点人员类别")})
    if clean.kind != resident.kind or clean.relation != resident.relation:
        resident_update(
            by=by, resident=resident, **(current | {"kind": clean.kind, "relation": clean.relation})
        )
    if not changes and not tags:
        return None
    payload = {"fields": changes, "tags": tags}
    return ChangeRequest.objects.create(
        resident=resident,
        grid=resident.grid,
        requested_by=by,
        payload_enc=crypto.encrypt(json.dumps(payload, ensure_ascii=False)),
        summary=_summary(resident, changes, tags)[:300],
    )


def _require_reviewer(by: Actor, request: ChangeRequest) -> None:
    require(by, CHANGE_REVIEW, request.grid)
    if request.status != ChangeRequest.Status.PENDING:
        raise ValidationError({"status": _("该申请已审核,不能重复审核")})


def _locked(request: ChangeRequest) -> ChangeRequest:
    return ChangeRequest.objects.select_for_update().get(pk=request.pk)


@transaction.atomic
def change_request_approve(*, by: Actor, request: ChangeRequest, note: str = "") -> ChangeRequest:
    """Apply the change through people.services; all of it or none of it."""
    request = _locked(request)
    _require_reviewer(by, request)
    payload = json.loads(crypto.decrypt(request.payload_enc))
    resident = Resident.objects.get(pk=request.resident_id)
    if payload["fields"]:
        current = {"name": resident.name, "id_number": resident.id_number,
                   "phone": resident.phone, "kind": resident.kind,
                   "relation": resident.relation}  # fmt: skip
        resident_update(by=by, resident=resident, **(current | payload["fields"]))
    for tag in payload["tags"]:
        resident_tag_add(by=by, resident=resident, tag=tag, note="网格员采集,社区审核通过")
    return _review(request, by, ChangeRequest.Status.APPROVED, note)


@transaction.atomic
def change_request_reject(*, by: Actor, request: ChangeRequest, note: str = "") -> ChangeRequest:
    request = _locked(request)
    _require_reviewer(by, request)
    if not (note or "").strip():
        raise ValidationError({"review_note": _("驳回时请填写理由")})
    return _review(request, by, ChangeRequest.Status.REJECTED, note)


def _review(request: ChangeRequest, by: Actor, status: str, note: str) -> ChangeRequest:
    request.status, request.reviewed_by, request.reviewed_at = status, by, clock.now()
    request.review_note = (note or "").strip()[:300]
    request.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    return request
