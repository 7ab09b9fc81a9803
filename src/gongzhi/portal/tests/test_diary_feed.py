"""Residents read the public 民情日记 of their compound's grid workers, without names."""

import datetime as dt

from gongzhi.core import clock
from gongzhi.workbench.services import diary_comment_add, diary_entry_create

from .conftest import resident, sign_in


def _entry(d, *, by, text, public=True, residents=()):
    entry, _ = diary_entry_create(
        by=d.users[by],
        date=clock.today() - dt.timedelta(days=1),
        role="info_collector",
        duty="info_collection",
        text=text,
        is_public=public,
        residents=residents,
    )
    return entry


def test_a_resident_sees_public_entries_of_the_compound_with_names_removed(client, district):
    d = district
    met = d.residents["a_head"]
    public = _entry(d, by="gridworker", text=f"走访{met.name}家,了解用水问题", residents=[met])
    _entry(d, by="gridworker", text="内部记录不公开", public=False)
    diary_comment_add(by=d.users["center"], entry=public, text="处理及时")
    sign_in(client, resident(d, unit=d.unit_b))  # a neighbour in the same courtyard

    body = client.get("/diary/").content.decode()

    assert "了解用水问题" in body
    assert met.name not in body and "某居民" in body
    assert "内部记录不公开" not in body
    assert "处理及时" in body


def test_a_resident_of_another_township_does_not_see_the_entry(client, district):
    d = district
    _entry(d, by="gridworker", text="金泉路的公开日记")
    sign_in(client, resident(d, unit=d.unit_x))

    body = client.get("/diary/").content.decode()

    assert "金泉路的公开日记" not in body
    assert "暂无公开的民情日记" in body


def test_an_unbound_resident_is_asked_to_bind_first(client, district):
    sign_in(client, resident(district, phone="13911112222"))

    body = client.get("/diary/").content.decode()

    assert "请先绑定" in body


def test_the_diary_needs_a_resident_sign_in(client, district):
    response = client.get("/diary/")
    assert response.status_code == 302
