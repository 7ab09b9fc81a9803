"""Helpers for case tests: cases are built and moved only through the services."""

import datetime as dt

import pytest

from gongzhi.cases.models import Category, Channel
from gongzhi.cases.policies import policy_cache_clear
from gongzhi.cases.services import case_act, case_create
from gongzhi.org.models import RoomKind

# A Monday in a year with no seeded holidays, so only the holidays a test adds apply.
MONDAY = dt.datetime(2030, 3, 4, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
NEIGHBOURS = "0102"  # 矛盾纠纷/邻里纠纷: ordinary limits


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # The district fixture hashes nine passwords per test; PBKDF2 would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_policy_cache():
    # The policy cache is per process; a rolled-back test must not leave its rows behind.
    policy_cache_clear()
    yield
    policy_cache_clear()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def report(d, by="center", **fields):
    user = d.users[by] if isinstance(by, str) else by
    defaults = {
        "title": "楼院杂草无人清理",
        "description": "公园路46号楼院内杂草丛生,长期无人清理。",
        "channel": Channel.HOTLINE,
        "grid": d.unit_a,
        "address": "公园路46号楼院",
    }
    if "category" not in fields:
        defaults["category"] = Category.objects.get(code=NEIGHBOURS)
    return case_create(by=user, **(defaults | fields))


def act(d, case, who, action, **params):
    user = d.users[who] if isinstance(who, str) else who
    return case_act(case=case, by=user, action=action, expected_version=case.version, **params)


def mediation_room(d):
    return d.users["center"].staff.center.rooms.get(kind=RoomKind.MEDIATION)
