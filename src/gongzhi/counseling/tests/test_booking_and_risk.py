"""Appointments, the double-booking guard and risk alerts."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from gongzhi.cases.models import Notification
from gongzhi.counseling import services as svc
from gongzhi.counseling.models import Appointment, RiskFlag
from gongzhi.counseling.selectors import counseling_stats

from .conftest import NOTE_TEXT, after_start


def test_it_rejects_a_double_booking_of_a_slot_with_a_clear_message(district, appointment):
    with pytest.raises(ValidationError, match="该咨询时段已被预约"):
        svc.appointment_book(
            by=district.users["center"],
            slot=appointment.slot,
            resident=district.residents["b_head"],
        )
    assert Appointment.objects.count() == 1


def test_the_database_refuses_a_second_live_booking_even_without_the_service(district, appointment):
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(
            slot=appointment.slot, resident=district.residents["b_head"], source="staff"
        )


def test_a_cancelled_slot_can_be_booked_again(district, appointment):
    svc.appointment_cancel(by=district.users["center"], appointment=appointment)
    again = svc.appointment_book(
        by=district.users["center"], slot=appointment.slot, resident=district.residents["b_head"]
    )
    assert again.status == Appointment.Status.BOOKED


def test_a_risk_flag_alerts_the_care_room_and_the_center_without_the_note(
    district, care_worker, appointment
):
    with after_start(appointment):
        svc.session_note_write(
            by=district.users["counselor"],
            appointment=appointment,
            content=NOTE_TEXT,
            risk_flag=RiskFlag.SELF_HARM,
        )
    alerts = Notification.objects.filter(kind="counseling_risk")
    assert {n.user.username for n in alerts} == {"center", "care"}
    for n in alerts:
        assert NOTE_TEXT not in n.title + n.body and "失眠" not in n.title + n.body


def test_only_a_counselor_writes_notes(district, appointment):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        svc.session_note_write(by=district.users["admin"], appointment=appointment, content="x")


def test_statistics_show_counts_only(district, note):
    stats = counseling_stats(district.users["center"])
    assert stats == {
        "total": 1,
        "booked": 0,
        "done": 1,
        "cancelled": 0,
        "notes": 1,
        "risk_flags": 0,
    }
