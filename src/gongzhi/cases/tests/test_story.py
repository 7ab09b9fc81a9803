"""The seed's story through the services (pages and KPIs come in a later round)."""

import datetime as dt

import time_machine
from django_tasks_db.models import DBTaskResult

from gongzhi.cases.deadlines import cases_sweep_deadlines
from gongzhi.cases.models import OwningLevel, State
from gongzhi.cases.tasks import deadlines_sweep_periodic
from gongzhi.core.testing import fresh

from .conftest import MONDAY, act, report


def test_weeds_are_settled_in_the_grid_and_a_stuck_case_climbs_to_the_community(district):
    d = district
    with time_machine.travel(MONDAY, tick=False) as clock:
        weeds = report(
            d, by="gridworker", reporter_resident=d.residents["a_head"], channel="patrol"
        )
        stuck = report(d, title="楼道灯坏了", description="1号楼2单元楼道灯不亮")
        act(d, weeds, "gridworker", "accept")
        act(d, weeds, "gridworker", "self_handle")
        act(d, stuck, "gridworker", "accept")
        act(d, stuck, "gridworker", "self_handle")
        clock.shift(dt.timedelta(hours=3))
        act(d, weeds, "gridworker", "resolve", comment="已组织清理")
        act(d, weeds, "center", "verify")
        act(d, weeds, "center", "close")
        act(d, weeds, "gridworker", "follow_up", rating="satisfied", stars=5)
        # The light is never fixed: past the 7-working-day limit it escalates, then climbs.
        clock.move_to(fresh(stuck).handle_red_at + dt.timedelta(minutes=1))
        cases_sweep_deadlines()
        while fresh(stuck).owning_level > OwningLevel.COMMUNITY_CENTER:
            clock.move_to(fresh(stuck).accept_red_at + dt.timedelta(minutes=1))
            cases_sweep_deadlines()
        stuck = fresh(stuck)
        act(d, stuck, "center", "sign")
        act(d, stuck, "center", "start")
        act(d, stuck, "center", "resolve")
    weeds, stuck = fresh(weeds), fresh(stuck)
    assert (weeds.state, weeds.resolved_level, weeds.resolved_on_time) == (
        State.FOLLOWED_UP,
        OwningLevel.UNIT,
        True,
    )
    assert (stuck.resolved_level, stuck.supervision, stuck.overdue) == (
        OwningLevel.COMMUNITY_CENTER,
        "red",
        True,
    )


def test_the_periodic_sweep_reschedules_itself_once(district):
    before = DBTaskResult.objects.filter(task_path__endswith="deadlines_sweep_periodic").count()
    deadlines_sweep_periodic.call()
    deadlines_sweep_periodic.call()  # a duplicate chain in the same minute dies out
    after = DBTaskResult.objects.filter(task_path__endswith="deadlines_sweep_periodic")
    assert after.count() == before + 1
    assert after.get().run_after is not None
