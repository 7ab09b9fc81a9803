"""Attachment checks and storage: the type comes from the bytes, never from the file name."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from .models import Attachment

if TYPE_CHECKING:
    from django.core.files import File

    from gongzhi.cases.models import Case, CaseEvent
    from gongzhi.core.types import Actor


THUMB_SIZE = (320, 320)
_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"GIF87a", "image/gif", ".gif"),
    (b"GIF89a", "image/gif", ".gif"),
    (b"%PDF-", "application/pdf", ".pdf"),
)


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    ext: str
    data: bytes


def sniff(head: bytes) -> tuple[str, str] | None:
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", ".webp"
    for magic, ctype, ext in _SIGNATURES:
        if head.startswith(magic):
            return ctype, ext
    return None


def _size_of(upload: File) -> int | None:
    size = getattr(upload, "size", None)
    if size is None and hasattr(upload, "seek"):
        pos = upload.tell()
        upload.seek(0, os.SEEK_END)
        size = upload.tell()
        upload.seek(pos)
    return size


def _too_big(name: str, cap: int) -> str:
    return _("文件「%(name)s」超过大小上限 %(mb)s MB") % {"name": name, "mb": cap // (1024 * 1024)}


def attachment_check(upload: File) -> CheckedFile:
    """Validate one upload; raises ValidationError with a Chinese message. Writes nothing."""
    name = os.path.basename(getattr(upload, "name", "") or "附件")[:200]
    cap = getattr(settings, "UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
    size = _size_of(upload)
    if size is not None and size > cap:
        raise ValidationError({"attachments": _too_big(name, cap)})
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(cap + 1)
    if len(data) > cap:
        raise ValidationError({"attachments": _too_big(name, cap)})
    kind = sniff(data[:16])
    if kind is None:
        raise ValidationError(
            {
                "attachments": _(
                    "文件「%(name)s」不是支持的格式,只能上传 JPEG/PNG/GIF/WebP 图片或 PDF"
                )
                % {"name": name}
            }
        )
    ctype, ext = kind
    if ctype.startswith("image/"):
        _verify_image(data, name)
        data = _without_metadata(data, ctype)
    return CheckedFile(name=name, content_type=ctype, ext=ext, data=data)


# Pillow's save format for each photo type re-encoded on upload. GIFs keep their bytes:
# they carry no EXIF, and re-encoding would drop animation frames.
_REENCODE = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}


def _without_metadata(data: bytes, ctype: str) -> bytes:
    """The photo turned upright by its EXIF orientation, saved again without EXIF (GPS,
    camera, time) or text chunks: only the pixels are kept (issue 12, finding 11)."""
    from PIL import Image, ImageOps

    fmt = _REENCODE.get(ctype)
    if fmt is None:
        return data
    with Image.open(io.BytesIO(data)) as img:
        upright = ImageOps.exif_transpose(img)  # a copy, turned upright
        if fmt == "JPEG" and upright.mode not in ("RGB", "L", "CMYK"):
            upright = upright.convert("RGB")
        upright.info = {k: v for k, v in upright.info.items() if k == "transparency"}
        out = io.BytesIO()
        options = {"quality": 90} if fmt in ("JPEG", "WEBP") else {}
        upright.save(out, fmt, exif=b"", **options)
        return out.getvalue()


def _verify_image(data: bytes, name: str) -> None:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as img:
            img.verify()
    except Exception as exc:  # noqa: BLE001 - any decoder failure means a bad image
        raise ValidationError(
            {"attachments": _("图片「%(name)s」已损坏或无法识别") % {"name": name}}
        ) from exc


def _thumbnail(data: bytes) -> bytes | None:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as img:
            img.thumbnail(THUMB_SIZE)
            out = io.BytesIO()
            img.convert("RGB").save(out, "JPEG", quality=80)
            return out.getvalue()
    except Exception:  # noqa: BLE001 - a thumbnail is a convenience, never a failure
        return None


def attachment_store(
    *, case: Case, checked: CheckedFile, by: Actor | None = None, event: CaseEvent | None = None
) -> Attachment:
    stem = f"{case.number}-{os.urandom(4).hex()}"
    att = Attachment(
        case=case,
        event=event,
        original_name=checked.name,
        content_type=checked.content_type,
        size=len(checked.data),
        uploaded_by=by if getattr(by, "pk", None) else None,
    )
    att.file.save(stem + checked.ext, ContentFile(checked.data), save=False)
    if checked.content_type.startswith("image/"):
        thumb = _thumbnail(checked.data)
        if thumb:
            att.thumbnail.save(stem + "-thumb.jpg", ContentFile(thumb), save=False)
    att.save()
    return att
