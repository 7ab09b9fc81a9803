"""The appointment and appointment-request state tables, over every (state, action) pair:
through the tables and through the services (an allowed move is made; any other is refused
in Chinese and writes nothing)."""

import pytest
from django.core.exceptions import ValidationError

from gongzhi.core.testing import row_of, table_pairs
from gongzhi.counseling import services as svc
from gongzhi.counseling.models import Appointment, AppointmentRequest, SessionNote, Source
from gongzhi.counseling.workflow import APPOINTMENT, REQUEST
from gongzhi.org.models import Center

from .conftest import NOTE_TEXT, after_start


def test_nothing_leaves_a_cancelled_appointment_or_a_handled_request():
    assert not [a for (s, a) in APPOINTMENT.transitions if s == Appointment.Status.CANCELLED]
    assert {s for (s, _a) in REQUEST.transitions} == {AppointmentRequest.Status.PENDING}


def _cancel(district, appointment):
    svc.appointment_cancel(by=district.users["center"], appointment=appointment)


def _write_note(district, appointment):
    with after_start(appointment):
        svc.session_note_write(
            by=district.users["counselor"], appointment=appointment, content=NOTE_TEXT
        )


APPOINTMENT_CALLS = {"cancel": _cancel, "write_note": _write_note}


@pytest.mark.parametrize(("status", "action"), table_pairs(APPOINTMENT))
def test_the_appointment_services_follow_the_table(district, appointment, status, action):
    Appointment.objects.filter(pk=appointment.pk).update(status=status)
    appointment.refresh_from_db()
    before, notes = row_of(appointment), SessionNote.objects.count()
    if APPOINTMENT.allows(status, action):
        APPOINTMENT_CALLS[action](district, appointment)
        assert row_of(appointment)["status"] == APPOINTMENT.transitions[(status, action)]
    else:
        with pytest.raises(ValidationError, match="不能"):
            APPOINTMENT_CALLS[action](district, appointment)
        assert row_of(appointment) == before
        assert SessionNote.objects.count() == notes


@pytest.fixture
def request_(district):
    return svc.appointment_request_create(
        by=district.users["center"],
        center=Center.objects.get(grid=district.jinquan),
        resident=district.residents["a_head"],
        source=Source.RESIDENT,
    )


REQUEST_CALLS = {
    "schedule": lambda by, r, slot: svc.appointment_request_schedule(by=by, request=r, slot=slot),
    "decline": lambda by, r, slot: svc.appointment_request_decline(by=by, request=r, reason="满了"),
}


@pytest.mark.parametrize(("status", "action"), table_pairs(REQUEST))
def test_the_request_services_follow_the_table(district, request_, slot, status, action):
    AppointmentRequest.objects.filter(pk=request_.pk).update(status=status)
    request_.refresh_from_db()
    before, appointments = row_of(request_), Appointment.objects.count()
    by = district.users["counselor"]
    if REQUEST.allows(status, action):
        REQUEST_CALLS[action](by, request_, slot)
        assert row_of(request_)["status"] == REQUEST.transitions[(status, action)]
    else:
        with pytest.raises(ValidationError, match="不能"):
            REQUEST_CALLS[action](by, request_, slot)
        assert row_of(request_) == before
        assert Appointment.objects.count() == appointments
