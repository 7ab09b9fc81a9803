"""Test helpers for the workbench: entries built through the services."""

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from gongzhi.core import clock
from gongzhi.workbench.services import diary_entry_create


def png(name: str = "photo.png") -> SimpleUploadedFile:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def valid_id(number: str) -> str:
    """The number with its GB 11643 check character put right."""
    from gongzhi.core.idcard import check_char

    return number[:17] + check_char(number[:17])


def diary(by, *, text="走访了解情况", days_ago=0, **extra):
    fields = {
        "date": clock.today() - dt.timedelta(days=days_ago),
        "role": "info_collector",
        "duty": "opinion_gathering",
        "text": text,
    } | extra
    return diary_entry_create(by=by, **fields)[0]
