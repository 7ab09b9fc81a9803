"""Stored photos keep no EXIF (GPS, camera) and are turned upright (issue 12, finding 11)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gongzhi.cases.attachments import attachment_check

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def photo_with_gps(fmt="JPEG", orientation=6) -> bytes:
    img = Image.new("RGB", (40, 20), "red")
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (39.0, 44.0, 10.0), 3: "E", 4: (98.0, 30.0, 5.0)})
    out = io.BytesIO()
    img.save(out, fmt, exif=exif.tobytes())
    return out.getvalue()


@pytest.mark.parametrize(
    ("fmt", "ctype"), [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")]
)
def test_an_uploaded_photo_loses_its_gps_and_is_turned_upright(fmt, ctype):
    data = photo_with_gps(fmt)
    with Image.open(io.BytesIO(data)) as before:
        assert before.getexif().get_ifd(GPS_IFD)

    checked = attachment_check(SimpleUploadedFile(f"p.{fmt.lower()}", data, ctype))

    with Image.open(io.BytesIO(checked.data)) as after:
        exif = after.getexif()
        assert not exif.get_ifd(GPS_IFD) and 0x010F not in exif and ORIENTATION not in exif
        assert after.size == (20, 40)  # orientation 6: rotated a quarter turn
    assert b"PhoneMaker" not in checked.data


def test_a_stored_case_photo_has_no_gps(district, media):
    from gongzhi.cases.models import Attachment

    from .conftest import report

    report(district, attachments=[SimpleUploadedFile("p.jpg", photo_with_gps(), "image/jpeg")])

    stored = Attachment.objects.get().file.read()
    with Image.open(io.BytesIO(stored)) as img:
        assert not img.getexif().get_ifd(GPS_IFD)
