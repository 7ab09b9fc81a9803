"""The hall's resident look-up stays in its center's area and pages on past 20 (issue 14.6)."""

import datetime as dt

from gongzhi.core.idcard import make_id_number
from gongzhi.org.models import Center
from gongzhi.people.services import household_create, resident_create


def _people(district, unit, count, surname, start):
    admin = district.users["admin"]
    household = household_create(by=admin, unit=unit, house_number=f"{start}")
    for i in range(count):
        resident_create(
            by=admin,
            household=household,
            name=f"{surname}{chr(0x4E00 + start + i)}",
            id_number=make_id_number("620902", dt.date(1970, 1, 1), 2 * (start + i) + 1),
            relation="other",
        )


def test_the_xifeng_hall_finds_only_xifeng_residents_and_pages_on(district, login):
    _people(district, district.unit_x, 22, "陈", 100)  # with 陈树林: 23 in 西峰镇
    _people(district, district.unit_a, 3, "陈", 200)  # 金泉路社区: never at this hall
    xifeng = Center.objects.get(grid=district.xifeng)
    client = login("admin")
    url = f"/hall/{xifeng.pk}/visits/new/"
    first = client.get(url, {"q": "陈"}).content.decode()
    assert "本中心辖区内共 23 人符合" in first and "第 1–20 人" in first
    assert "金泉路社区" not in first
    assert "more=2" in first
    second = client.get(url, {"q": "陈", "more": "2"}).content.decode()
    assert "第 21–23 人" in second


def test_a_garbage_page_number_shows_the_first_page(district, login):
    xifeng = Center.objects.get(grid=district.xifeng)
    page = login("admin").get(f"/hall/{xifeng.pk}/visits/new/", {"q": "陈", "more": "x\x01"})
    assert page.status_code == 200
    assert "本中心辖区内共 1 人符合,显示第 1–1 人" in page.content.decode()
