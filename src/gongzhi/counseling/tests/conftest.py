import datetime as dt

import pytest
import time_machine

from gongzhi.core import clock
from gongzhi.core.roles import Role
from gongzhi.core.testing import PASSWORD
from gongzhi.counseling import services as svc
from gongzhi.org.models import Center, RoomKind, Staff
from gongzhi.org.services import staff_create

NOTE_TEXT = "来访者自述近期失眠,与家人矛盾加重,偶有轻生念头。"


@pytest.fixture
def jq_center(district):
    return Center.objects.get(grid=district.jinquan)


@pytest.fixture
def counselor(district):
    return Staff.objects.get(user=district.users["counselor"])


@pytest.fixture
def other_counselor(jq_center):
    return staff_create(
        username="counselor2",
        name="咨询师乙",
        role=Role.COUNSELOR,
        center=jq_center,
        room_kind=RoomKind.COUNSELING,
        password=PASSWORD,
    )


@pytest.fixture
def care_worker(jq_center):
    return staff_create(
        username="care",
        name="关爱丁",
        role=Role.CARE_WORKER,
        center=jq_center,
        room_kind=RoomKind.CARE,
        password=PASSWORD,
    )


@pytest.fixture
def slot(district, counselor):
    start = clock.now() + dt.timedelta(days=1)
    return svc.slot_create(
        by=district.users["counselor"],
        counselor=counselor,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
    )


@pytest.fixture
def appointment(district, slot):
    return svc.appointment_book(
        by=district.users["center"], slot=slot, resident=district.residents["a_head"]
    )


def after_start(appointment):
    """The clock five minutes into the appointment: notes are written once a session began."""
    return time_machine.travel(appointment.slot.starts_at + dt.timedelta(minutes=5))


@pytest.fixture
def note(district, appointment):
    with after_start(appointment):
        return svc.session_note_write(
            by=district.users["counselor"], appointment=appointment, content=NOTE_TEXT
        )
