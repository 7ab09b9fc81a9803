"""The counsellor's calendar (slots created and cancelled), booking from the hall window,
hall referrals and residents' portal requests that arrive as appointment requests, and
notes only once the session started. Bad input gets a Chinese message and writes nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.core import clock
from gongzhi.counseling import services as svc
from gongzhi.counseling.models import Appointment, AppointmentRequest, CounselorSlot, SessionNote
from gongzhi.hall.models import RoomReferral
from gongzhi.org.models import Center, Room, RoomKind
from gongzhi.portal import services as portal
from gongzhi.portal.auth import SESSION_KEY

from .conftest import NOTE_TEXT, after_start


def _local(when: dt.datetime) -> str:
    return timezone.localtime(when).strftime("%Y-%m-%dT%H:%M")


def _slot_data(counselor, start=None, hours=1):
    start = start or clock.now() + dt.timedelta(days=2)
    return {
        "counselor": counselor.pk, "starts_at": _local(start),
        "ends_at": _local(start + dt.timedelta(hours=hours)),
    }  # fmt: skip


def test_the_counselor_adds_a_slot_from_the_calendar(district, login, counselor):
    client = login("counselor")
    assert "添加咨询时段" in client.get("/counseling/").content.decode()
    assert client.post("/counseling/slots/new/", _slot_data(counselor)).status_code == 302
    assert CounselorSlot.objects.get().counselor == counselor


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"starts_at": ""}, ""),
        ({"starts_at": "明天上午"}, ""),
        ({"ends_at": "2000-01-01T10:00"}, "结束时间应晚于开始时间"),
        ({"hours": 5}, "不能超过4小时"),
        ({"past": True}, "开始时间应晚于现在"),
        ({"counselor": "9" * 30}, ""),
        ({"counselor": "\x00"}, ""),
    ],
)
def test_a_bad_slot_writes_nothing(district, login, counselor, change, message):
    data = _slot_data(
        counselor,
        start=clock.now() - dt.timedelta(hours=2) if change.pop("past", False) else None,
        hours=change.pop("hours", 1),
    )
    r = login("counselor").post("/counseling/slots/new/", data | change)
    assert r.status_code == 400 and message in r.content.decode()
    assert not CounselorSlot.objects.exists()


def test_another_centers_staff_cannot_fill_this_counselors_calendar(district, login, counselor):
    r = login("xifeng_center").post("/counseling/slots/new/", _slot_data(counselor))
    assert r.status_code in (400, 403) and not CounselorSlot.objects.exists()


def test_a_free_slot_is_cancelled_and_a_booked_one_is_not(district, login, slot, counselor):
    client = login("counselor")
    client.post(f"/counseling/slots/{slot.pk}/cancel/")
    assert CounselorSlot.objects.get().cancelled_at is not None
    other = svc.slot_create(
        by=district.users["counselor"],
        counselor=counselor,
        starts_at=clock.now() + dt.timedelta(days=3),
        ends_at=clock.now() + dt.timedelta(days=3, hours=1),
    )
    svc.appointment_book(
        by=district.users["center"], slot=other, resident=district.residents["a_head"]
    )
    r = client.post(f"/counseling/slots/{other.pk}/cancel/", follow=True)
    assert "请先取消预约" in r.content.decode()
    assert CounselorSlot.objects.get(pk=other.pk).cancelled_at is None


def test_an_appointment_is_cancelled_from_the_calendar(district, login, appointment):
    login("counselor").post(f"/counseling/appointments/{appointment.pk}/cancel/")
    assert Appointment.objects.get().status == Appointment.Status.CANCELLED


def _hall_visit(client, district, **over):
    center = Center.objects.get(grid=district.jinquan)
    data = {
        "resident": district.residents["a_head"].pk,
        "title": "情绪低落想找人聊聊",
        "matter": "近期失眠",
        "outcome": "referred",
        "room": Room.objects.get(center=center, kind=RoomKind.COUNSELING).pk,
    } | over
    return client.post(f"/hall/{center.pk}/visits/new/", data)


def test_a_hall_referral_arrives_as_an_appointment_request(district, login):
    r = _hall_visit(login("center"), district)
    assert r.status_code == 302, r.content.decode()[-800:]
    request = AppointmentRequest.objects.get()
    assert request.status == "pending" and request.source == "hall"
    assert request.referral == RoomReferral.objects.get()
    html = login("counselor").get("/counseling/requests/").content.decode()
    assert district.residents["a_head"].masked_name in html and "近期失眠" not in html


def test_the_hall_window_books_a_free_slot_at_once(district, login, slot):
    r = _hall_visit(login("center"), district, counseling_slot=slot.pk)
    assert r.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.slot == slot and appointment.source == "hall"
    assert AppointmentRequest.objects.get().appointment == appointment


@pytest.mark.parametrize("over", [{"resident": ""}, {"counseling_slot": "abc"}])
def test_a_bad_hall_referral_writes_nothing(district, login, slot, over):
    r = _hall_visit(login("center"), district, **over)
    assert r.status_code == 400
    assert not AppointmentRequest.objects.exists() and not RoomReferral.objects.exists()
    assert not Appointment.objects.exists()


def test_the_counselor_schedules_a_request_into_a_slot(district, login, slot):
    _hall_visit(login("center"), district)
    request = AppointmentRequest.objects.get()
    client = login("counselor")
    bad = client.post(f"/counseling/requests/{request.pk}/schedule/", {"slot": "99999"})
    assert bad.status_code == 400 and not Appointment.objects.exists()
    ok = client.post(f"/counseling/requests/{request.pk}/schedule/", {"slot": slot.pk})
    assert ok.status_code == 302
    assert AppointmentRequest.objects.get().status == "booked"
    assert Appointment.objects.get().resident == district.residents["a_head"]


def test_requests_are_not_shown_to_the_police_or_the_mediator(district, login):
    _hall_visit(login("center"), district)
    request = AppointmentRequest.objects.get()
    for username in ("police", "mediator", "xifeng_center"):
        client = login(username)
        html = client.get("/counseling/requests/").content.decode()
        assert district.residents["a_head"].masked_name not in html
        assert (
            client.post(f"/counseling/requests/{request.pk}/decline/", {"reason": "x"}).status_code
            == 404
        )
    assert AppointmentRequest.objects.get().status == "pending"


def _resident(client, district):
    account = portal.account_get_or_create(phone="13800001234")  # 茹玉芳, a_head
    session = client.session
    session[SESSION_KEY] = account.pk
    session.save()
    return client


def test_a_resident_asks_for_an_appointment_from_the_portal(district, client):
    c = _resident(client, district)
    assert "预约心理咨询" in c.get("/counseling/ask/").content.decode()
    center = Center.objects.get(grid=district.jinquan)
    r = c.post(
        "/counseling/ask/", {"center": center.pk, "preferred": "周六上午", "contact_ok": "on"}
    )
    assert r.status_code == 200 and "已收到您的申请" in r.content.decode()
    again = c.post("/counseling/ask/", {"center": center.pk})
    assert again.status_code == 400 and "已有一份待安排的咨询申请" in again.content.decode()
    request = AppointmentRequest.objects.get()
    assert request.source == "resident" and request.resident == district.residents["a_head"]


@pytest.mark.parametrize(
    "data",
    [{"preferred": "周六\x00"}, {"preferred": "长" * 101}, {"center": "999999"}, {"center": ""}],
)
def test_a_bad_portal_request_writes_nothing(district, client, data):
    center = Center.objects.get(grid=district.jinquan)
    r = _resident(client, district).post("/counseling/ask/", {"center": center.pk} | data)
    assert r.status_code == 400 and not AppointmentRequest.objects.exists()


def test_control_characters_in_a_portal_request_are_dropped_before_it_is_stored(district, client):
    center = Center.objects.get(grid=district.jinquan)
    r = _resident(client, district).post(
        "/counseling/ask/", {"center": center.pk, "preferred": "周六\x07上午\x1b"}
    )
    assert r.status_code == 200 and "已收到您的申请" in r.content.decode()
    assert AppointmentRequest.objects.get().preferred == "周六上午"


def test_a_resident_of_another_area_cannot_pick_this_center(district, client):
    account = portal.account_get_or_create(phone="13600001357")  # 陈树林 in 西峰镇
    session = client.session
    session[SESSION_KEY] = account.pk
    session.save()
    jq = Center.objects.get(grid=district.jinquan)
    r = client.post("/counseling/ask/", {"center": jq.pk})
    assert r.status_code == 400 and not AppointmentRequest.objects.exists()


def test_a_note_before_the_session_started_is_refused_with_a_clear_message(
    district, login, appointment
):
    client = login("counselor")
    page = client.get(f"/counseling/appointments/{appointment.pk}/note/").content.decode()
    assert "咨询尚未开始" in page
    r = client.post(f"/counseling/appointments/{appointment.pk}/note/", {"content": NOTE_TEXT})
    assert r.status_code == 400 and "开始后才能填写咨询记录" in r.content.decode()
    assert not SessionNote.objects.exists()
    assert Appointment.objects.get().status == Appointment.Status.BOOKED
    with after_start(appointment):
        r = client.post(f"/counseling/appointments/{appointment.pk}/note/", {"content": NOTE_TEXT})
    assert r.status_code == 302 and Appointment.objects.get().status == Appointment.Status.DONE


def test_the_center_grants_and_revokes_a_supervisor_from_the_page(
    district, login, counselor, other_counselor
):
    client = login("center")
    r = client.post(
        "/counseling/supervision/", {"counselor": counselor.pk, "supervisor": other_counselor.pk}
    )
    assert r.status_code == 302
    from gongzhi.counseling.models import CounselingSupervisor

    grant = CounselingSupervisor.objects.get(revoked_at__isnull=True)
    client.post(f"/counseling/supervision/{grant.pk}/revoke/")
    assert CounselingSupervisor.objects.get().revoked_at is not None
    bad = client.post(
        "/counseling/supervision/", {"counselor": counselor.pk, "supervisor": counselor.pk}
    )
    assert bad.status_code == 400 and CounselingSupervisor.objects.count() == 1
