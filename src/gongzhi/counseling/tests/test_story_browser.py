"""Issue 14's counselling story in a real browser, without `admin`: the hall window books a
counselling slot for a visitor, and the counsellor writes the note only once it started."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from gongzhi.core import clock
from gongzhi.counseling import services as svc
from gongzhi.counseling.models import Appointment, SessionNote
from gongzhi.org.models import Center, Room, RoomKind, Staff
from gongzhi.workbench.tests.test_offline_browser import _sign_in


@pytest.mark.browser
def test_a_hall_booking_and_its_note_after_the_session_started(live_server_url, district, browser):
    center = Center.objects.get(grid=district.jinquan)
    counselor = Staff.objects.get(user=district.users["counselor"])
    start = (clock.now() + dt.timedelta(days=1)).replace(second=0, microsecond=0)
    slot = svc.slot_create(
        by=district.users["counselor"],
        counselor=counselor,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
    )
    resident = district.residents["a_head"]
    context = browser.new_context(locale="zh-CN")
    hall = context.new_page()
    _sign_in(hall, live_server_url, "center")
    hall.goto(
        f"{live_server_url}{reverse('hall:visit_create', args=[center.pk])}?resident={resident.pk}"
    )
    hall.get_by_label("事项摘要").fill("想找心理老师聊聊")
    hall.get_by_label("诉求内容").fill("最近睡不好")
    hall.get_by_role("radio", name="转交科室").check()
    room = Room.objects.get(center=center, kind=RoomKind.COUNSELING)
    hall.locator("#id_room").select_option(str(room.pk))
    hall.locator("#id_counseling_slot").select_option(str(slot.pk))
    hall.get_by_role("button", name="登记").click()
    hall.wait_for_url("**/hall/visits/")
    appointment = Appointment.objects.get()
    assert appointment.slot == slot and appointment.source == "hall"
    context.close()

    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    _sign_in(page, live_server_url, "counselor")
    note_url = live_server_url + reverse("counseling:note_create", args=[appointment.pk])
    page.goto(note_url)
    assert "咨询尚未开始" in page.locator("body").inner_text()
    page.get_by_label("咨询记录").fill("来访者自述失眠两周。")
    page.get_by_role("button", name="保存").click()
    assert "开始后才能填写咨询记录" in page.locator("body").inner_text()
    assert not SessionNote.objects.exists()
    with time_machine.travel(start + dt.timedelta(minutes=50)):
        page.goto(note_url)
        page.get_by_label("咨询记录").fill("来访者自述失眠两周。")
        page.get_by_role("button", name="保存").click()
        page.wait_for_url("**/counseling/notes/*/")
    assert SessionNote.objects.get().appointment == appointment
    assert Appointment.objects.get().status == Appointment.Status.DONE
    context.close()
