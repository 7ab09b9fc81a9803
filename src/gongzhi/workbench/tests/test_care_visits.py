"""关爱走访 from the workbench: an offline-safe form, idempotent on its key, that refuses
garbage and other grids' residents, and the 走访 count that follows real visits."""

import datetime as dt

import pytest
from django.urls import reverse

from gongzhi.care import services as care
from gongzhi.care.models import Visit
from gongzhi.workbench.models import SubmissionKey
from gongzhi.workbench.pwa import offline_pages
from gongzhi.workbench.selectors import worker_stats

URL = reverse("workbench:care_visit_new")


def _send(client, data, key="visit-1"):
    return client.post(URL, data, HTTP_ACCEPT="application/json", HTTP_IDEMPOTENCY_KEY=key)


def test_the_visit_form_is_one_of_the_offline_pages():
    assert URL in offline_pages()


def test_the_form_lists_the_workers_care_targets_masked(district, login):
    html = login("gridworker").get(URL).content.decode()
    a = district.residents["a_head"]
    assert a.masked_name in html and a.name not in html and "data-offline-queue" in html


def test_a_queued_visit_is_recorded_once_with_the_time_it_was_filled_in(district, login):
    client = login("gridworker")
    a = district.residents["a_head"]
    filled = (dt.datetime.now() - dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    data = {"resident": str(a.pk), "note": "老人身体好", "visited_at": filled}
    first = _send(client, data)
    again = _send(client, data)
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    visit = Visit.objects.get()
    assert visit.source == Visit.Source.GRID_WORKER
    local = visit.visited_at.astimezone().strftime("%Y-%m-%dT%H:%M")
    assert local == filled


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"resident": ""}, "请选择您负责网格内的关爱对象"),
        ({"resident": "abc"}, "请选择您负责网格内的关爱对象"),
        ({"resident": "9" * 40}, "请选择您负责网格内的关爱对象"),
        ({"note": ""}, "请填写走访情况"),
        ({"note": "x" * 3000}, "不能超过2000个字符"),
        ({"note": "好\x9b31m"}, "控制字符"),
        ({"visited_at": "昨天下午"}, "走访时间格式不正确"),
        ({"visited_at": "2999-01-01T10:00"}, "不能晚于当前时间"),
    ],
)
def test_garbage_gets_a_chinese_message_and_writes_nothing(district, login, data, message):
    base = {"resident": str(district.residents["a_head"].pk), "note": "走访"}
    r = _send(login("gridworker"), base | data)
    assert r.status_code == 400 and message in " ".join(r.json()["errors"].values())
    assert not Visit.objects.exists() and not SubmissionKey.objects.exists()


def test_c0_control_characters_in_the_note_are_dropped_before_it_is_stored(district, login):
    data = {"resident": str(district.residents["a_head"].pk), "note": "好\x1b[31m\x07"}
    r = _send(login("gridworker"), data)
    assert r.status_code == 201
    assert Visit.objects.get().note == "好[31m"


def test_a_nul_in_the_note_is_a_400_naming_it_and_writes_nothing(district, login):
    data = {"resident": str(district.residents["a_head"].pk), "note": "走\x00访"}
    r = _send(login("gridworker"), data)
    assert r.status_code == 400 and "note" in r.content.decode()
    assert not Visit.objects.exists() and not SubmissionKey.objects.exists()


def test_another_grids_resident_is_refused(district, login):
    b = district.residents["b_head"]  # unit_b, not gridworker's
    care.visit_plan_create(by=district.users["admin"], resident=district.residents["a_head"])
    from gongzhi.people.services import resident_tag_add

    resident_tag_add(by=district.users["admin"], resident=b, tag="hardship")
    r = _send(login("gridworker"), {"resident": str(b.pk), "note": "走访"})
    assert r.status_code == 400 and not Visit.objects.exists()


def test_the_visit_count_follows_real_visits(district, login):
    worker = district.users["gridworker"]
    a = district.residents["a_head"]
    care.visit_plan_create(by=district.users["admin"], resident=a)
    assert worker_stats(worker)["visits_done"] == 0
    assert worker_stats(worker)["visits_planned"] == 1
    _send(login("gridworker"), {"resident": str(a.pk), "note": "走访"})
    stats = worker_stats(worker)
    assert (stats["visits_done"], stats["visits_planned"]) == (1, 1)
    assert "1/1" in login("gridworker").get(reverse("workbench:stats")).content.decode()
