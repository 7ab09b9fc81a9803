import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongzhi.core import clock
from gongzhi.workbench.models import DiaryComment, DiaryEntry, DiaryPhoto
from gongzhi.workbench.selectors import diary_public_feed
from gongzhi.workbench.services import diary_comment_add

from .factories import diary, png

URL = reverse("workbench:diary_new")


def _post(client, **overrides):
    data = {
        "date": clock.today().isoformat(),
        "role": "security_patroller",
        "duty": "hazard_inspection",
        "text": "巡查楼道,堆放杂物已清理",
        "minutes_spent": "40",
    }
    return client.post(URL, data | overrides)


def test_it_saves_an_entry_in_the_workers_unit(district, login):
    response = _post(login("gridworker"), photos=png())
    entry = DiaryEntry.objects.get()
    assert response.status_code == 302
    assert entry.grid == district.unit_a
    assert (entry.role, entry.duty, entry.minutes_spent) == (
        "security_patroller",
        "hazard_inspection",
        40,
    )
    assert DiaryPhoto.objects.filter(entry=entry, content_type="image/png").count() == 1


def test_it_rejects_an_entry_dated_in_the_future(district, login):
    tomorrow = (clock.today() + dt.timedelta(days=1)).isoformat()
    response = _post(login("gridworker"), date=tomorrow)
    assert response.status_code == 400
    assert "日记日期不能晚于今天" in response.content.decode()
    assert "巡查楼道" in response.content.decode()  # what was typed is kept
    assert not DiaryEntry.objects.exists()


def test_it_rejects_a_photo_that_is_not_an_image(district, login):
    fake = SimpleUploadedFile("现场.jpg", b"this is not a picture", content_type="image/jpeg")
    response = _post(login("gridworker"), photos=fake)
    assert response.status_code == 400
    assert "不是支持的格式" in response.content.decode()
    assert not DiaryEntry.objects.exists()
    assert not DiaryPhoto.objects.exists()


def test_a_replayed_post_returns_the_first_entry(district, login):
    client = login("gridworker")
    headers = {"HTTP_IDEMPOTENCY_KEY": "k-1", "HTTP_ACCEPT": "application/json"}
    first = client.post(
        URL,
        {
            "date": clock.today().isoformat(),
            "role": "info_collector",
            "duty": "info_collection",
            "text": "第一次",
        },
        **headers,
    )
    replay = client.post(
        URL,
        {
            "date": clock.today().isoformat(),
            "role": "info_collector",
            "duty": "info_collection",
            "text": "重发",
        },
        **headers,
    )
    assert first.status_code == 201
    assert replay.status_code == 200
    assert replay.json()["id"] == first.json()["id"]
    assert list(DiaryEntry.objects.values_list("text", flat=True)) == ["第一次"]


def test_the_same_key_from_two_workers_makes_two_entries(district):
    a = diary(district.users["gridworker"], idempotency_key="same")
    b = diary(district.users["gridworker_b"], idempotency_key="same")
    assert a.pk != b.pk


def test_the_public_feed_hides_the_names_of_residents_met(district):
    met = district.residents["a_head"]  # 茹玉芳
    diary(
        district.users["gridworker"], text="看望茹玉芳,玉芳身体好", residents=[met], is_public=True
    )
    diary(district.users["gridworker"], text="内部记录", is_public=False)
    feed = diary_public_feed(district.jinquan)
    assert [e.public_text for e in feed] == ["看望某居民,某居民身体好"]


def test_center_staff_comment_on_an_entry(district):
    entry = diary(district.users["gridworker"])
    diary_comment_add(by=district.users["center"], entry=entry, text="记录详实")
    assert DiaryComment.objects.get().text == "记录详实"


def test_a_grid_worker_cannot_comment(district):
    entry = diary(district.users["gridworker"])
    with pytest.raises(Exception, match="点评"):
        diary_comment_add(by=district.users["gridworker"], entry=entry, text="自评")
    assert not DiaryComment.objects.exists()


def test_a_worker_cannot_read_a_sibling_units_entry(district, login):
    entry = diary(district.users["gridworker"])
    response = login("gridworker_b").get(reverse("workbench:diary_detail", args=[entry.pk]))
    assert response.status_code == 404


def test_it_rejects_an_unknown_role(district):
    with pytest.raises(ValidationError) as exc:
        diary(district.users["gridworker"], role="boss")
    assert "五大员" in str(exc.value)
