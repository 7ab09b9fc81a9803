"""Deliberation test helpers. Data is built through the services, as the pages do."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from gongzhi.core.roles import Role
from gongzhi.core.testing import PASSWORD
from gongzhi.deliberation.services import (
    deliberation_open,
    proposal_create,
    vote_create,
)
from gongzhi.org.services import staff_create
from gongzhi.people.services import household_create

CST = dt.timezone(dt.timedelta(hours=8))
T0 = dt.datetime(2030, 5, 6, 9, 0, tzinfo=CST)  # all tests start here (time is frozen)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def d(district, clock):
    """The district plus a grid worker for the whole courtyard and two more households there,
    so the courtyard (公园路46号楼院) has four households: a, b, a2, b2."""
    district.users["courtyard_worker"] = staff_create(
        username="courtyard_worker",
        name="网格员丁",
        role=Role.GRID_WORKER,
        grids=[district.courtyard],
        password=PASSWORD,
    ).user
    admin = district.users["admin"]
    district.households["a2"] = household_create(by=admin, unit=district.unit_a, house_number="102")
    district.households["b2"] = household_create(by=admin, unit=district.unit_b, house_number="202")
    return district


def png(name: str = "photo.png", colour=(200, 180, 40)) -> SimpleUploadedFile:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def not_an_image(name: str = "photo.png") -> SimpleUploadedFile:
    # Named and typed like a photo, but the bytes are text.
    return SimpleUploadedFile(name, b"this is not an image at all", content_type="image/png")


def open_deliberation(d, by="courtyard_worker", **fields):
    proposal = fields.pop("proposal", None)
    defaults = {"title": "楼院增设路灯", "description": "楼院夜间照明不足,议定增设路灯。"}
    if proposal is None:
        proposal = proposal_create(
            grid=d.courtyard,
            title="楼院路灯太少",
            description="晚上回家太黑,建议增设路灯。",
            resident=d.residents["a_head"],
        )
    return deliberation_open(by=d.users[by], proposal=proposal, **(defaults | fields))


def open_vote(d, deliberation, by="courtyard_worker", **rules):
    defaults = {
        "question": "是否同意每户集资50元增设路灯",
        "opens_at": T0,
        "closes_at": T0 + dt.timedelta(days=3),
        "quorum_pct": "50",
        "threshold_pct": "50",
    }
    return vote_create(deliberation=deliberation, by=d.users[by], **(defaults | rules))
