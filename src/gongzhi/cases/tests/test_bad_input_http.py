"""Bad input through the pages and the API: a clear 4xx, never a 500, nothing half-written."""

import io
import tempfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from gongzhi.cases.models import Attachment, Case, CaseEvent, Notification

from .conftest import report

SCRIPT = '<script>alert("x")</script>'


@pytest.fixture
def api(district):
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=district.users['center']).key}"
    )
    return client


def body(d, **overrides) -> dict:
    return {
        "category": "0102",
        "title": "噪音",
        "description": "夜间噪音",
        "grid": d.unit_a.pk,
    } | overrides


def nothing_written() -> bool:
    return not (
        Case.objects.exists()
        or CaseEvent.objects.exists()
        or Attachment.objects.exists()
        or Notification.objects.exists()
    )


def fake_jpg() -> SimpleUploadedFile:
    return SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")


def png(size=(64, 64)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "green").save(out, "PNG")
    return out.getvalue()


def test_garbage_json_is_a_400(district, api):
    response = api.post("/api/v1/cases/", "{not json", content_type="application/json")
    assert response.status_code == 400 and "JSON" in response.json()["detail"]
    assert nothing_written()


@pytest.mark.parametrize(
    "field, value",
    [("grid", "abc"), ("lat", "north"), ("is_public", "maybe"), ("extra", [1, 2]), ("title", {})],
)
def test_a_wrongly_typed_field_is_a_400(district, api, field, value):
    response = api.post("/api/v1/cases/", body(district, **{field: value}), format="json")
    assert response.status_code == 400 and field in response.json()
    assert nothing_written()


def test_an_unknown_category_is_a_400(district, api):
    response = api.post("/api/v1/cases/", body(district, category="9999"), format="json")
    assert response.status_code == 400 and "未知的事件类别" in str(response.json())
    assert nothing_written()


def test_a_grid_outside_the_scope_is_a_400(district, api):
    response = api.post("/api/v1/cases/", body(district, grid=district.unit_x.pk), format="json")
    assert response.status_code == 400 and "grid" in response.json()
    assert nothing_written()


def test_a_missing_location_is_a_400(district, api):
    response = api.post("/api/v1/cases/", body(district, grid=None), format="json")
    assert response.status_code == 400 and "请提供事件位置" in str(response.json())
    assert nothing_written()


def test_a_description_over_4000_characters_is_a_400(district, api):
    response = api.post("/api/v1/cases/", body(district, description="长" * 4001), format="json")
    assert response.status_code == 400 and "description" in response.json()
    assert nothing_written()


def test_an_overlong_idempotency_key_is_a_400(district, api):
    response = api.post(
        "/api/v1/cases/", body(district), format="json", HTTP_IDEMPOTENCY_KEY="k" * 81
    )
    assert response.status_code == 400 and nothing_written()


def test_html_is_stored_as_text_and_rendered_escaped(district, api, login):
    response = api.post(
        "/api/v1/cases/", body(district, title=SCRIPT, description=SCRIPT), format="json"
    )
    case = Case.objects.get(number=response.json()["number"])
    assert case.description == SCRIPT
    page = login("center").get(f"/cases/{case.number}/").content.decode()
    assert "&lt;script&gt;" in page and SCRIPT not in page


def test_a_non_image_renamed_jpg_is_refused_by_the_api(district, api, media):
    response = api.post("/api/v1/cases/", body(district) | {"attachments": fake_jpg()})
    assert response.status_code == 400 and "不是支持的格式" in str(response.json())
    assert nothing_written()


def test_a_non_image_renamed_jpg_is_refused_by_the_form(district, login, media):
    fields = {
        "token": "t-1",
        "channel": "window",
        "category": "0102",
        "title": "噪音",
        "description": "夜间噪音",
        "grid": district.unit_a.pk,
        "urgency": "normal",
    }
    response = login("center").post("/cases/new/", fields | {"attachments": fake_jpg()})
    assert response.status_code == 400 and "不是支持的格式" in response.content.decode()
    assert nothing_written()


def test_a_photo_over_the_cap_is_refused(district, api, media, settings):
    settings.UPLOAD_MAX_BYTES = 10_000  # the real cap is 20 MB; the rule is the same
    photo = SimpleUploadedFile("big.png", png((400, 400)) + b"\0" * 10_000, "image/png")
    response = api.post("/api/v1/cases/", body(district) | {"attachments": photo})
    assert response.status_code == 400 and "超过大小上限" in str(response.json())
    assert nothing_written()


def test_a_20_mb_photo_is_refused_under_the_default_cap_without_being_read(district, media):
    with tempfile.TemporaryFile() as sparse:  # 20 MB + 1 on disk as a hole, not in memory
        sparse.write(png())
        sparse.seek(20 * 1024 * 1024)
        sparse.write(b"\0")
        with pytest.raises(ValidationError, match="超过大小上限 20 MB"):
            report(district, attachments=[File(sparse, name="big.png")])
    assert nothing_written()


def test_a_good_photo_is_stored_with_a_thumbnail(district, api, media):
    photo = SimpleUploadedFile("ok.png", png(), "image/png")
    response = api.post("/api/v1/cases/", body(district) | {"attachments": photo})
    assert response.status_code == 201
    att = Attachment.objects.get()
    assert (att.content_type, bool(att.thumbnail)) == ("image/png", True)


@pytest.mark.parametrize(
    "payload",
    [
        {"expected_version": "abc"},
        {},
        {"expected_version": 1, "params": "x"},
        {"expected_version": 1, "params": {"to_staff": "abc"}},
    ],
)
def test_a_malformed_action_is_a_400(district, api, payload):
    case = report(district)
    events = CaseEvent.objects.count()
    response = api.post(f"/api/v1/cases/{case.number}/actions/accept/", payload, format="json")
    assert response.status_code == 400
    assert CaseEvent.objects.count() == events


def test_an_invalid_rating_is_a_400(district, api):
    case = report(district)
    response = api.post(
        f"/api/v1/cases/{case.number}/follow-up/",
        {"expected_version": case.version, "rating": "great", "stars": 9},
        format="json",
    )
    assert response.status_code == 400 and {"rating", "stars"} <= set(response.json())


def test_an_out_of_range_case_id_is_a_404(district, api):
    assert api.get("/api/v1/cases/99999999999999999999999/").status_code == 404
    assert api.get("/api/v1/cases/SJ20300101-0001/").status_code == 404


def test_out_of_range_ids_in_pages_are_a_miss_not_an_error(district, login):
    client = login("center")
    assert client.get("/cases/attachments/99999999999999999999999/").status_code == 404
    fields = {"token": "t-2", "channel": "window", "category": "0102", "description": "噪音",
              "grid": district.unit_a.pk, "urgency": "normal",
              "reporter_resident": "99999999999999999999999"}  # fmt: skip
    assert client.post("/cases/new/", fields).status_code == 400
    assert nothing_written()
