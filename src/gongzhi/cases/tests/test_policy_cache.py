"""The time-limit policy is cached per process, and a saved change is seen at once."""

import datetime as dt

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongzhi.cases.models import Category, LimitUnit, Phase, TimeLimitPolicy
from gongzhi.cases.policies import policy_for

from .conftest import MONDAY, NEIGHBOURS, report


def _lookup(at=MONDAY):
    category = Category.objects.get(code=NEIGHBOURS)
    return policy_for(category=category, urgency="normal", level=5, phase=Phase.ACCEPT, at=at)


def _new_version(effective_from, hours=2):
    return TimeLimitPolicy.objects.create(
        phase=Phase.ACCEPT,
        yellow=1,
        red=hours,
        unit=LimitUnit.HOURS,
        version=2,
        effective_from=effective_from,
    )


def test_a_repeated_lookup_reads_no_policy_rows(district):
    _lookup()
    with CaptureQueriesContext(connection) as captured:
        _lookup()
    assert not [q for q in captured if "timelimitpolicy" in q["sql"]]


def test_a_saved_new_version_is_used_by_the_next_case(district):
    with time_machine.travel(MONDAY, tick=False):
        before = report(district)
        _new_version(MONDAY - dt.timedelta(days=1), hours=2)
        after = report(district)
    assert before.accept_red_at == MONDAY + dt.timedelta(hours=24)
    assert after.accept_red_at == MONDAY + dt.timedelta(hours=2)
    assert after.policy_version == 2


def test_a_version_takes_effect_only_from_its_start(district):
    _new_version(MONDAY + dt.timedelta(days=1))
    assert _lookup(MONDAY).version == 1
    assert _lookup(MONDAY + dt.timedelta(days=2)).version == 2
