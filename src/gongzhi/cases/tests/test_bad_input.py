import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gongzhi.cases.models import Attachment, Case, CaseEvent, Notification
from gongzhi.core.testing import fresh

from .conftest import act, report

SCRIPT = '<script>alert("x")</script><b>杂草</b>'


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), "green").save(out, "PNG")
    return out.getvalue()


def nothing_written():
    return not (Case.objects.exists() or CaseEvent.objects.exists() or Attachment.objects.exists())


def test_it_rejects_an_unknown_category(district):
    with pytest.raises(ValidationError, match="未知的事件类别"):
        report(district, category="9999")
    assert nothing_written()


def test_it_rejects_a_case_without_a_location(district):
    with pytest.raises(ValidationError, match="请提供事件位置"):
        report(district, grid=None)
    assert nothing_written()


def test_it_rejects_a_point_outside_every_grid(district):
    with pytest.raises(ValidationError, match="不在本区网格范围内"):
        report(district, grid=None, lat=39.7, lng=98.5)
    assert nothing_written()


def test_it_finds_the_grid_from_a_point_inside_a_boundary(district):
    square = [[98.4, 39.6], [98.6, 39.6], [98.6, 39.8], [98.4, 39.8], [98.4, 39.6]]
    for grid in (district.jinquan, district.unit_a):
        grid.boundary = {"type": "Polygon", "coordinates": [square]}
        grid.save()
    case = report(district, grid=None, lat=39.7, lng=98.5)
    assert case.grid == district.unit_a  # the deepest grid containing the point


def test_it_takes_the_grid_from_the_reporting_resident(district):
    case = report(district, grid=None, reporter_resident=district.residents["b_head"])
    assert case.grid == district.unit_b


def test_it_rejects_a_description_over_4000_characters(district):
    with pytest.raises(ValidationError, match="4000"):
        report(district, description="长" * 4001)
    assert nothing_written()


def test_a_description_of_exactly_4000_characters_is_accepted(district):
    assert len(report(district, description="长" * 4000).description) == 4000


def test_html_and_script_are_stored_as_typed(district):
    case = report(district, title=SCRIPT, description=SCRIPT)
    assert (fresh(case).title, fresh(case).description) == (SCRIPT, SCRIPT)


def test_it_rejects_non_image_bytes_named_jpg(district, media):
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 this is an exe", "image/jpeg")
    with pytest.raises(ValidationError, match="不是支持的格式"):
        report(district, attachments=[fake])
    assert nothing_written()
    assert not any(media.rglob("*.*"))


def test_it_rejects_a_truncated_image(district, media):
    broken = SimpleUploadedFile("photo.png", png_bytes()[:40], "image/png")
    with pytest.raises(ValidationError, match="已损坏"):
        report(district, attachments=[broken])
    assert nothing_written()


def test_it_rejects_a_20_mb_photo(district, media, settings):
    big = SimpleUploadedFile(
        "big.jpg", b"\xff\xd8\xff\xe0" + b"\0" * settings.UPLOAD_MAX_BYTES, "image/jpeg"
    )
    with pytest.raises(ValidationError, match="超过大小上限 20 MB"):
        report(district, attachments=[big])
    assert nothing_written()


def test_it_keeps_a_real_image_with_a_thumbnail_and_sniffed_type(district, media):
    upload = SimpleUploadedFile("weeds.gif", png_bytes(), "image/gif")  # the name lies
    case = report(district, attachments=[upload])
    att = Attachment.objects.get(case=case)
    assert att.content_type == "image/png"
    assert att.file.name.endswith(".png")
    with Image.open(att.thumbnail.path) as thumb:
        assert max(thumb.size) <= 320


def test_it_accepts_a_pdf_without_a_thumbnail(district, media):
    upload = SimpleUploadedFile("协议.pdf", b"%PDF-1.4\n%test\n", "application/pdf")
    case = report(district, attachments=[upload])
    att = Attachment.objects.get(case=case)
    assert (att.content_type, bool(att.thumbnail)) == ("application/pdf", False)


def test_a_bad_attachment_on_an_action_writes_nothing(district, media):
    case = report(district)
    fake = SimpleUploadedFile("x.jpg", b"not an image at all", "image/jpeg")
    with pytest.raises(ValidationError):
        act(district, case, "center", "accept", attachments=[fake])
    assert fresh(case).state == "reported"
    assert CaseEvent.objects.filter(case=case).count() == 1


def test_staff_cannot_report_into_a_grid_outside_their_subtree(district):
    with pytest.raises(PermissionDenied):
        report(district, by="xifeng_center")
    assert nothing_written()


def test_a_required_extra_question_must_be_answered(district):
    with pytest.raises(ValidationError, match="设施类型"):
        report(district, category="0401")
    case = report(district, category="0401", extra={"facility": "streetlight"})
    assert case.extra == {"facility": "streetlight"}


def test_an_invalid_contact_phone_is_rejected(district):
    with pytest.raises(ValidationError, match="电话号码格式不正确"):
        report(district, contact_name="张三", contact_phone="12345")
    assert nothing_written()


def test_an_anonymous_contact_is_stored_masked(district):
    case = report(
        district,
        by=None,
        channel="message_board",
        contact_name="张三丰",
        contact_phone="13800001111",
    )
    assert case.contact_display == "张** 138****1111"
    assert "13800001111" not in case.contact_phone_enc


def test_a_new_case_notifies_the_owning_grid(district):
    case = report(district)
    assert Notification.objects.filter(user=district.users["gridworker"], case=case).exists()
