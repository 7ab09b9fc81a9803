"""Inspections and information collection through the offline queue, in a real browser at a
phone viewport: nothing duplicated, nothing lost, refusals kept for the worker to fix."""

import io
import os

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from gongzhi.cases.models import Case
from gongzhi.people.models import Household, Resident
from gongzhi.workbench.models import Inspection, InspectionChecklist, InspectionResult

from .factories import valid_id
from .test_offline_browser import _sign_in

NEW_ID = "620902200001010011"
STORED = "Object.keys(localStorage).filter(k => k.startsWith('gongzhi.workbench.q.')).length"


def _big_photo() -> bytes:
    """A PNG of noise, bigger than all the photo room the browser queue has (3 MB). Stored
    without compression: as many bytes from fewer pixels for the browser to decode and
    re-encode (1500 × 1400 compressed took the browser 3 s of this test)."""
    from PIL import Image

    out = io.BytesIO()
    noise = Image.frombytes("RGB", (1100, 1000), os.urandom(1100 * 1000 * 3))
    noise.save(out, "PNG", compress_level=0)
    assert len(out.getvalue()) > 3 * 1024 * 1024
    return out.getvalue()


def _script_errors(*pages) -> list:
    errors: list = []
    for page in pages:
        page.on("pageerror", lambda error: errors.append(error))
    return errors


def _count_is(page, n: int) -> None:
    page.wait_for_function(f"document.getElementById('wb-queue-count').textContent === '{n}'")


def _emptied(page) -> None:
    page.wait_for_function("document.getElementById('wb-queue').hidden === true")
    assert page.locator("#wb-queue-count").inner_text() == "0"
    assert page.evaluate(STORED) == 0  # nothing left in the browser to resend


def _add_resident(page, name: str, id_number: str) -> None:
    page.get_by_label("姓名").fill(name)
    page.get_by_label("身份证号").fill(id_number)
    page.get_by_label("与户主关系").select_option("child")
    page.locator("#resident-submit").click()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the live server runs in this process


@pytest.mark.browser
def test_an_inspection_and_a_resident_written_offline_arrive_once_each(
    live_server_url, district, phone_page, media
):
    checklist = InspectionChecklist.objects.get(place_type="沿街商铺")
    items = list(checklist.items.all())
    residents_before = Resident.objects.count()
    inspect = phone_page
    _sign_in(inspect, live_server_url, "gridworker")
    inspect.goto(f"{live_server_url}{reverse('workbench:inspection_new')}?checklist={checklist.pk}")
    collect = inspect.context.new_page()  # a second tab, sharing the queue
    errors = _script_errors(inspect, collect)
    collect.goto(
        live_server_url + reverse("workbench:resident_new", args=[district.households["a"].pk])
    )
    inspect.context.set_offline(True)

    inspect.locator("#id_place").fill("便民超市")
    for item in items[1:]:
        inspect.locator(f"label[for=p{item.pk}]").click()
    inspect.locator(f"label[for=f{items[0].pk}]").click()
    inspect.locator(f"[name=note_{items[0].pk}]").fill("通道堆放纸箱")
    photo = {"name": "现场.png", "mimeType": "image/png", "buffer": _big_photo()}
    inspect.locator(f"[name=photo_{items[0].pk}]").set_input_files(photo)
    inspect.locator("#inspection-submit").click()
    _count_is(inspect, 1)
    _add_resident(collect, "茹小明", valid_id(NEW_ID))
    _count_is(collect, 2)  # both tabs' entries, one list
    assert Inspection.objects.count() == 0
    assert Resident.objects.count() == residents_before

    inspect.context.set_offline(False)
    _emptied(inspect)
    _emptied(collect)

    inspection = Inspection.objects.get()
    assert (inspection.place, inspection.grid) == ("便民超市", district.unit_a)
    assert InspectionResult.objects.filter(inspection=inspection).count() == len(items)
    failed = InspectionResult.objects.get(inspection=inspection, passed=False)
    assert failed.item == items[0] and failed.note == "通道堆放纸箱"
    assert failed.photo.name.endswith(".jpg")  # re-encoded smaller to fit in the browser
    assert Case.objects.get() == failed.case
    assert failed.case.attachments.count() == 1
    assert Resident.objects.filter(name="茹小明").count() == 1
    assert Resident.objects.count() == residents_before + 1
    assert errors == []


@pytest.mark.browser
def test_a_queued_resident_with_a_registered_id_is_kept_as_failed_until_fixed(
    live_server_url, district, phone_page
):
    page = phone_page
    errors = _script_errors(page)
    before = Resident.objects.count()
    _sign_in(page, live_server_url, "gridworker")
    page.goto(
        live_server_url + reverse("workbench:resident_new", args=[district.households["a"].pk])
    )
    page.context.set_offline(True)
    _add_resident(page, "张三", district.residents["b_head"].id_number)
    _count_is(page, 1)

    page.context.set_offline(False)
    failed = page.locator(".wb-failed")
    failed.wait_for()
    assert "该身份证号已登记,不能重复登记" in failed.inner_text()
    page.reload()  # still there: a refusal is kept, not dropped
    failed.wait_for()
    expect(page.locator("#wb-queue-count")).to_have_text("1")
    assert Resident.objects.count() == before

    page.locator(".wb-edit").click()
    # The edit link may load the form anew: wait for the entry to be put back into it.
    expect(page.get_by_label("姓名")).to_have_value("张三")
    expect(page.locator("#wb-editing")).to_contain_text("该身份证号已登记")
    page.get_by_label("身份证号").fill(valid_id(NEW_ID))
    page.locator("#resident-submit").click()

    _emptied(page)
    assert list(Resident.objects.filter(name="张三").values_list("household", flat=True)) == [
        district.households["a"].pk
    ]
    assert Resident.objects.count() == before + 1
    assert errors == []


@pytest.mark.browser
def test_a_failed_entry_can_be_discarded(live_server_url, district, phone_page):
    page = phone_page
    _sign_in(page, live_server_url, "gridworker")
    page.goto(live_server_url + reverse("workbench:household_new"))
    page.context.set_offline(True)
    page.get_by_label("门牌号").fill("101")  # the unit already has a 101
    page.get_by_role("button", name="保存").click()
    _count_is(page, 1)
    page.context.set_offline(False)
    failed = page.locator(".wb-failed")
    failed.wait_for()
    assert "该单元已有这个门牌号的户" in failed.inner_text()

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(".wb-discard").click()
    _emptied(page)


@pytest.mark.browser
def test_an_entry_sent_after_the_login_expired_waits_for_the_next_login(
    live_server_url, district, phone_page
):
    page = phone_page
    _sign_in(page, live_server_url, "gridworker")
    page.goto(live_server_url + reverse("workbench:household_new"))
    page.context.set_offline(True)
    page.get_by_label("门牌号").fill("201")
    page.get_by_role("button", name="保存").click()
    _count_is(page, 1)
    page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)  # the session expired

    page.context.set_offline(False)
    page.locator("#wb-queue-status", has_text="登录已过期").wait_for()
    expect(page.locator("#wb-queue-count")).to_have_text("1")
    assert not Household.objects.filter(house_number="201").exists()

    _sign_in(page, live_server_url, "gridworker")
    page.locator("#wb-queue-send").click()
    _emptied(page)
    assert Household.objects.filter(house_number="201", unit=district.unit_a).count() == 1


@pytest.mark.browser
def test_another_accounts_entries_are_not_sent(live_server_url, district, phone_page):
    page = phone_page
    worker_b = district.users["gridworker_b"]
    _sign_in(page, live_server_url, "gridworker")
    page.goto(live_server_url + reverse("workbench:household_new"))
    entry = {
        "key": "b-1",
        "url": reverse("workbench:household_new"),
        "label": "登记新户",
        "fields": {"house_number": ["909"]},
        "photos": [],
        "at": 1,
        "error": "",
    }
    page.evaluate(
        "([k, v]) => localStorage.setItem(k, JSON.stringify(v))",
        [f"gongzhi.workbench.q.{worker_b.pk}.b-1", entry],
    )
    page.reload()
    page.locator("#wb-queue-others", has_text="其他账号").wait_for()

    page.get_by_label("门牌号").fill("202")  # this account's own entry goes in the same pass
    page.get_by_role("button", name="保存").click()
    page.wait_for_function("document.getElementById('wb-queue-note').textContent === '已登记新户'")
    assert Household.objects.filter(house_number="202", unit=district.unit_a).count() == 1
    assert not Household.objects.filter(house_number="909").exists()
    assert page.evaluate(STORED) == 1
