"""A grid worker reads only their own diary, even a colleague's in the same unit: the rule is
in the selector (diary_list_for), so the list, the detail and the photos all keep it."""

import pytest
from django.test import Client
from django.urls import reverse

from gongzhi.core.roles import Role
from gongzhi.org.services import staff_create
from gongzhi.workbench.models import DiaryComment
from gongzhi.workbench.selectors import DiaryEntry, diary_get_for, diary_list_for

from .factories import diary, png


@pytest.fixture
def colleague(district):
    """A second grid worker of the same unit as "gridworker" (same scope, own diary)."""
    return staff_create(
        username="colleague", name="网格员丙", role=Role.GRID_WORKER, grids=[district.unit_a]
    ).user


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_worker_cannot_open_a_colleagues_entry_in_the_same_unit(district, colleague):
    theirs = diary(colleague, text="入户走访,了解独居老人情况")
    response = _client(district.users["gridworker"]).get(
        reverse("workbench:diary_detail", args=[theirs.pk])
    )
    assert response.status_code == 404
    assert "独居老人" not in response.content.decode()


def test_a_worker_cannot_open_a_colleagues_photo(district, colleague, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    theirs = diary(colleague, text="楼道照片", photos=[png()])
    url = reverse("workbench:diary_photo", args=[theirs.pk, theirs.photos.get().pk])
    assert _client(district.users["gridworker"]).get(url).status_code == 404
    assert _client(colleague).get(url).status_code == 200


def test_a_worker_cannot_comment_through_a_colleagues_detail_page(district, colleague):
    theirs = diary(colleague)
    url = reverse("workbench:diary_detail", args=[theirs.pk])
    assert _client(district.users["gridworker"]).post(url, {"text": "看看"}).status_code == 404
    assert not DiaryComment.objects.exists()


def test_the_list_shows_a_worker_only_their_own_entries(district, colleague):
    mine = diary(district.users["gridworker"], text="我的走访记录")
    diary(colleague, text="同事的走访记录")
    body = _client(district.users["gridworker"]).get(reverse("workbench:diary_list")).content
    assert "我的走访记录" in body.decode() and "同事的走访记录" not in body.decode()
    assert list(diary_list_for(district.users["gridworker"])) == [mine]


def test_the_author_and_the_center_open_the_entry(district, colleague):
    theirs = diary(colleague)
    assert diary_get_for(colleague, theirs.pk) == theirs
    assert diary_get_for(district.users["center"], theirs.pk) == theirs
    url = reverse("workbench:diary_detail", args=[theirs.pk])
    center_page = _client(district.users["center"]).get(url)
    assert center_page.status_code == 200 and "发表点评" in center_page.content.decode()
    own_page = _client(colleague).get(url)
    assert own_page.status_code == 200 and "发表点评" not in own_page.content.decode()


def test_the_selector_refuses_a_colleagues_entry_to_any_caller(district, colleague):
    theirs = diary(colleague)
    with pytest.raises(DiaryEntry.DoesNotExist):
        diary_get_for(district.users["gridworker"], theirs.pk)


def test_reviewers_outside_the_unit_still_see_nothing_of_it(district, colleague):
    theirs = diary(colleague)
    with pytest.raises(DiaryEntry.DoesNotExist):
        diary_get_for(district.users["xifeng_center"], theirs.pk)  # another township
