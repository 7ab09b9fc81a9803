"""Appointments come from staff, from a case, from a care visit or from the resident."""

import pytest
from django.core.exceptions import ValidationError

from gongzhi.care.services import visit_record
from gongzhi.counseling import services as svc
from gongzhi.counseling.models import Appointment, Source


def test_a_care_visit_refers_the_resident_to_a_counselor(district, slot):
    visit = visit_record(
        by=district.users["gridworker"], resident=district.residents["a_head"], note="情绪低落"
    )
    appt = svc.appointment_book(
        by=district.users["gridworker"],
        slot=slot,
        resident=visit.resident,
        source=Source.CARE_VISIT,
        care_visit=visit,
    )
    assert (appt.source, appt.care_visit) == (Source.CARE_VISIT, visit)


def test_a_referral_from_someone_elses_visit_is_refused(district, slot):
    visit = visit_record(
        by=district.users["gridworker"], resident=district.residents["a_head"], note="x"
    )
    with pytest.raises(ValidationError, match="关爱走访转介"):
        svc.appointment_book(
            by=district.users["center"],
            slot=slot,
            resident=district.residents["b_head"],
            source=Source.CARE_VISIT,
            care_visit=visit,
        )
    assert not Appointment.objects.exists()


def test_a_resident_books_for_themself_through_the_service(district, slot):
    appt = svc.appointment_book(
        by=None, slot=slot, resident=district.residents["b_head"], source=Source.RESIDENT
    )
    assert appt.booked_by is None and appt.status == Appointment.Status.BOOKED


def test_the_counselor_sees_the_booking_in_their_own_calendar_masked(district, login, appointment):
    html = login("counselor").get("/counseling/").content.decode()
    resident = district.residents["a_head"]
    assert resident.masked_name in html and resident.name not in html
