"""Diary privacy (issue 15.6): every registry name of the worker's area, phones and ID numbers
are hidden in what neighbours read; the worker previews that version before it goes out."""

import datetime as dt

import pytest
from django.urls import reverse

from gongzhi.core import clock
from gongzhi.people.services import resident_create
from gongzhi.portal.services import account_get_or_create
from gongzhi.portal.tests.conftest import sign_in
from gongzhi.workbench.diary_privacy import diary_public_text
from gongzhi.workbench.models import DiaryEntry
from gongzhi.workbench.services import diary_entry_create

GAO = "620902198802140019"


@pytest.fixture
def gao(district):
    """高欢杰, a registry resident of the same compound, whom nobody ticks as met."""
    from gongzhi.core.idcard import check_char

    return resident_create(
        by=district.users["admin"],
        household=district.households["b"],
        name="高欢杰",
        id_number=GAO[:17] + check_char(GAO[:17]),
        phone="13611112222",
        relation="child",
    )


def entry(d, text, *, residents=()):
    e, _ = diary_entry_create(
        by=d.users["gridworker"],
        date=clock.today() - dt.timedelta(days=1),
        role="info_collector",
        duty="info_collection",
        text=text,
        is_public=True,
        residents=residents,
    )
    return e


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("入户走访高欢杰家,其母亲行动不便", "入户走访某居民家,其母亲行动不便"),
        ("欢杰说楼道灯坏了", "某居民说楼道灯坏了"),
        ("高**反映噪音", "某居民反映噪音"),
        ("电话13800001234", "电话[电话已隐去]"),
        ("电话 138-0000-1234 或 +86 13800001234", "电话 [电话已隐去] 或 [电话已隐去]"),
        ("座机0937-2880000", "座机[电话已隐去]"),
        ("身份证62090219900307123X已核对", "身份证[身份证号已隐去]已核对"),
        ("老证号620902900307123", "老证号[身份证号已隐去]"),
        ("用时30分钟,2026-12-04,事件SJ20261204-0001", "用时30分钟,2026-12-04,事件SJ20261204-0001"),
    ],
)
def test_names_phones_and_id_numbers_are_hidden_and_ordinary_numbers_kept(text, shown):
    assert diary_public_text(text, {"高欢杰", "茹玉芳"}) == shown


def test_a_registry_name_nobody_ticked_is_hidden_from_the_neighbours(district, gao, client):
    entry(district, "入户走访高欢杰家,其母亲行动不便。联系电话13611112222")
    account = account_get_or_create(phone="13800001234")

    page = sign_in(client, account).get(reverse("portal_diary")).content.decode()

    assert "入户走访某居民家,其母亲行动不便" in page
    assert "高欢杰" not in page and "欢杰" not in page and "13611112222" not in page


def test_the_worker_previews_the_public_version_before_saving(district, gao, login):
    response = login("gridworker").post(
        reverse("workbench:diary_preview"), {"text": "入户走访高欢杰家,电话13611112222"}
    )

    assert response.json() == {"text": "入户走访某居民家,电话[电话已隐去]"}
    assert not DiaryEntry.objects.exists()  # a preview writes nothing


def test_the_saved_entry_shows_the_worker_what_residents_see(district, gao, login):
    e = entry(district, "入户走访高欢杰家")

    page = login("gridworker").get(reverse("workbench:diary_detail", args=[e.pk]))

    assert "居民看到的版本" in page.content.decode()
    assert "入户走访某居民家" in page.content.decode()


@pytest.mark.parametrize("text", ["", "   ", "\x07\x1b\u202e", "高欢杰\x07家", "高\x7f欢杰家"])
def test_empty_or_control_character_drafts_preview_without_error(district, gao, login, text):
    response = login("gridworker").post(reverse("workbench:diary_preview"), {"text": text})

    assert response.status_code == 200
    assert "高欢杰" not in response.json()["text"]


@pytest.mark.parametrize("text", ["\x00\x07\u202e", "高欢杰\x00家"])
def test_a_draft_with_a_nul_is_a_400_that_echoes_nothing(district, gao, login, text):
    response = login("gridworker").post(reverse("workbench:diary_preview"), {"text": text})

    assert response.status_code == 400
    assert "text" in response.content.decode() and "NUL" in response.content.decode()
    assert "高欢杰" not in response.content.decode()


def test_an_oversized_draft_gets_a_chinese_message(district, login):
    response = login("gridworker").post(reverse("workbench:diary_preview"), {"text": "字" * 4001})

    assert response.status_code == 400
    assert "不能超过4000个字符" in response.json()["errors"]["text"]


def test_another_grids_resident_ids_are_ignored_in_the_preview(district, login):
    other = district.residents["x_head"]  # 陈树林, 西峰镇
    client = login("gridworker")

    response = client.post(
        reverse("workbench:diary_preview"),
        {"text": "见到陈树林", "residents": [str(other.pk), "x", "9" * 40]},
    )

    assert response.status_code == 200
    assert response.json()["text"] == "见到陈树林"  # not in this worker's area, not revealed either


def test_preview_needs_a_post_and_a_sign_in(district, client):
    assert client.post(reverse("workbench:diary_preview"), {"text": "x"}).status_code == 302
