"""Diary photos are served only to users who may read the entry."""

from django.urls import reverse

from gongzhi.workbench.models import DiaryEntry

from .factories import png


def _entry_with_photo(client):
    client.post(
        reverse("workbench:diary_new"),
        {
            "date": "2026-11-25",
            "role": "security_patroller",
            "duty": "hazard_inspection",
            "text": "巡查楼道",
            "minutes_spent": "30",
            "photos": png(),
        },
    )
    entry = DiaryEntry.objects.get()
    return entry, entry.photos.get()


def test_the_author_sees_the_photo_and_the_page_links_it(district, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = login("gridworker")
    entry, photo = _entry_with_photo(client)
    url = reverse("workbench:diary_photo", args=[entry.pk, photo.pk])

    assert client.get(url).status_code == 200
    body = client.get(reverse("workbench:diary_detail", args=[entry.pk])).content.decode()
    assert url in body and "/media/" not in body


def test_a_worker_of_a_sibling_grid_cannot_open_the_photo(district, client, settings, tmp_path):
    from gongzhi.core.testing import PASSWORD

    settings.MEDIA_ROOT = tmp_path
    client.login(username="gridworker", password=PASSWORD)
    entry, photo = _entry_with_photo(client)
    client.logout()
    client.login(username="gridworker_b", password=PASSWORD)

    url = reverse("workbench:diary_photo", args=[entry.pk, photo.pk])
    assert client.get(url).status_code == 404
