"""KPIs (REFERENCE §5) under a frozen, moving clock; cases built through the services."""

import datetime as dt
import importlib

import pytest
import time_machine

from gongzhi.cases.deadlines import cases_sweep_deadlines
from gongzhi.cases.kpis import (
    Rate,
    kpi_score,
    kpis_compute,
    kpis_compute_live,
    kpis_grouped_live,
    kpis_per_child,
    kpis_per_level,
    period_custom,
    period_for,
)
from gongzhi.cases.kpis.daily import kpi_seal
from gongzhi.cases.models import OwningLevel
from gongzhi.core.testing import fresh

from .conftest import MONDAY, act, mediation_room, report

H = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
MARCH = period_custom(dt.date(2030, 3, 1), dt.date(2030, 3, 31))
LATER = MONDAY + dt.timedelta(days=60)  # every March deadline has been reached


def kpis(**scope):
    """The figures from the daily aggregates, sealed up to now, checked against the cases."""
    period = scope.pop("period", MARCH)
    while kpi_seal():
        pass
    figures = kpis_compute(period=period, **scope)
    assert figures == kpis_compute_live(period=period, **scope)
    return figures


def handled_in_grid(d, clock, **fields):
    """Reported, accepted and self-handled by the grid worker; returns the case."""
    case = report(d, by="gridworker", **fields)
    act(d, case, "gridworker", "accept")
    act(d, case, "gridworker", "self_handle")
    return case


def close(d, case):
    act(d, case, "gridworker", "resolve")
    act(d, case, "center", "verify")
    act(d, case, "center", "close")


def run_seed_story(d):
    """Weeds settled inside the grid; a stuck light climbs to the community center."""
    with time_machine.travel(MONDAY, tick=False) as clock:
        weeds = handled_in_grid(d, clock, reporter_resident=d.residents["a_head"])
        stuck = handled_in_grid(d, clock, title="楼道灯坏了", description="1号楼2单元楼道灯不亮")
        clock.shift(3 * H)
        close(d, weeds)
        act(d, weeds, "gridworker", "follow_up", rating="satisfied", stars=5)
        clock.move_to(fresh(stuck).handle_red_at + dt.timedelta(minutes=1))
        cases_sweep_deadlines()
        while fresh(stuck).owning_level > OwningLevel.COMMUNITY_CENTER:
            clock.move_to(fresh(stuck).accept_red_at + dt.timedelta(minutes=1))
            cases_sweep_deadlines()
        stuck = fresh(stuck)
        act(d, stuck, "center", "sign")
        act(d, stuck, "center", "start")
        act(d, stuck, "center", "resolve")
    return fresh(weeds), fresh(stuck)


def test_the_reference_examples_give_the_published_rates():
    assert Rate(737, 972).percent == 75.82
    assert Rate(911, 972).percent == 93.72
    assert str(Rate(737, 972)) == "75.82%"


def test_a_rate_with_nothing_due_is_a_dash_not_a_division_by_zero():
    assert (Rate(0, 0).value, str(Rate(0, 0))) == (None, "—")


def test_a_case_counts_in_closure_rates_only_once_its_handling_deadline_is_reached(district):
    d = district
    with time_machine.travel(MONDAY, tick=False) as clock:
        case = handled_in_grid(d, clock)
        close(d, case)
        assert kpis(grid=d.root).closure == Rate(0, 0)
        clock.move_to(fresh(case).handle_red_at)
        assert kpis(grid=d.root).closure == Rate(1, 1)


def test_a_case_due_outside_the_period_is_left_out(district):
    d = district
    with time_machine.travel(MONDAY, tick=False) as clock:
        handled_in_grid(d, clock)
        clock.move_to(LATER)
        april = period_custom(dt.date(2030, 4, 1), dt.date(2030, 4, 30))
        assert kpis(grid=d.root, period=april).closure == Rate(0, 0)
        assert kpis(grid=d.root).closure == Rate(0, 1)


def test_acceptance_after_the_limit_is_not_timely(district):
    d = district
    with time_machine.travel(MONDAY, tick=False) as clock:
        on_time, late = report(d), report(d)
        act(d, on_time, "center", "accept")
        clock.shift(25 * H)  # past the 24-hour acceptance limit, before any sweep
        act(d, late, "center", "accept")
        clock.move_to(LATER)
        assert kpis(grid=d.root).accept_timely == Rate(1, 2)


def test_a_response_counts_when_the_handler_took_the_case_up_within_the_acceptance_limit(
    district,
):
    d = district
    with time_machine.travel(MONDAY, tick=False) as clock:
        quick, slow, silent = report(d), report(d), report(d)
        for case in (quick, slow, silent):
            act(d, case, "center", "accept")
            act(d, case, "center", "dispatch", to_room=mediation_room(d))
        act(d, quick, "mediator", "sign")
        clock.shift(30 * H)
        act(d, slow, "mediator", "sign")
        clock.move_to(LATER)
        assert kpis(grid=d.root).response == Rate(1, 3)


def test_on_time_closure_counts_only_closed_cases_resolved_by_the_deadline(district):
    d = district
    with time_machine.travel(MONDAY, tick=False) as clock:
        on_time, late, open_ = (handled_in_grid(d, clock) for _ in range(3))
        close(d, on_time)
        clock.move_to(fresh(late).handle_red_at + H)
        close(d, late)
        clock.move_to(LATER)
        result = kpis(grid=d.root)
    assert (result.closure, result.on_time_closure) == (Rate(2, 3), Rate(1, 3))
    assert fresh(open_).closed_at is None


def test_an_unsatisfied_follow_up_counts_in_the_rehandle_rate(district):
    d = district
    with time_machine.travel(MONDAY, tick=False) as clock:
        happy, unhappy = handled_in_grid(d, clock), handled_in_grid(d, clock)
        close(d, happy)
        close(d, unhappy)
        act(d, happy, "gridworker", "follow_up", rating="basic", stars=4)
        act(d, unhappy, "gridworker", "follow_up", rating="unsatisfied", stars=1)
        clock.move_to(LATER)
        result = kpis(grid=d.root)
    assert fresh(unhappy).rehandle_count == 1
    assert result.rehandle == Rate(1, 2)
    assert result.follow_up == Rate(2, 2)


def test_satisfaction_counts_satisfied_and_basically_satisfied(district):
    d = district
    with time_machine.travel(MONDAY, tick=False) as clock:
        cases = [handled_in_grid(d, clock) for _ in range(3)]
        for case, rating in zip(cases, ("satisfied", "basic", "unsatisfied"), strict=True):
            close(d, case)
            act(d, case, "gridworker", "follow_up", rating=rating, stars=3)
        clock.move_to(LATER)
        assert kpis(grid=d.root).satisfaction == Rate(2, 3)


def test_resolution_counts_follow_ups_that_confirm_the_problem_is_solved(district):
    d = district
    with time_machine.travel(MONDAY, tick=False) as clock:
        solved, unsolved = handled_in_grid(d, clock), handled_in_grid(d, clock)
        for case, resolved in ((solved, True), (unsolved, False)):
            close(d, case)
            act(d, case, "gridworker", "follow_up", rating="basic", stars=3, resolved=resolved)
        clock.move_to(LATER)
        result = kpis(grid=d.root)
    assert (result.resolution, result.satisfaction) == (Rate(1, 2), Rate(2, 2))


def test_resolution_reads_the_latest_follow_up_after_a_rehandle(district):
    d = district
    with time_machine.travel(MONDAY, tick=False) as clock:
        case = handled_in_grid(d, clock)
        close(d, case)
        act(d, case, "gridworker", "follow_up", rating="unsatisfied", stars=1)  # → 重办
        assert fresh(case).follow_up_resolved is False
        clock.shift(H)
        close(d, case)
        act(d, case, "gridworker", "follow_up", rating="satisfied", stars=5)
        clock.move_to(LATER)
        result = kpis(grid=d.root)
    assert fresh(case).follow_up_resolved is True
    assert (result.resolution, result.rehandle) == (Rate(1, 1), Rate(1, 1))


def test_the_migration_backfill_copies_the_latest_follow_up_answer(district):
    from django.db import connection

    from gongzhi.cases.models import Case

    backfill = importlib.import_module(
        "gongzhi.cases.migrations.0006_case_follow_up_resolved"
    ).BACKFILL
    d = district
    with time_machine.travel(MONDAY, tick=False) as clock:
        solved, unsolved = handled_in_grid(d, clock), handled_in_grid(d, clock)
        for case, resolved in ((solved, True), (unsolved, False)):
            close(d, case)
            act(d, case, "gridworker", "follow_up", rating="basic", stars=3, resolved=resolved)
        never = handled_in_grid(d, clock)
    Case.objects.update(follow_up_resolved=None)  # as the rows stood before the migration
    with connection.cursor() as cur:
        cur.execute(backfill)
    assert [fresh(c).follow_up_resolved for c in (solved, unsolved, never)] == [True, False, None]


def test_a_failed_verification_counts_in_the_rework_rate(district):
    d = district
    with time_machine.travel(MONDAY, tick=False) as clock:
        redone, clean = handled_in_grid(d, clock), handled_in_grid(d, clock)
        act(d, redone, "gridworker", "resolve")
        act(d, redone, "center", "rework", comment="未清理干净")
        act(d, redone, "gridworker", "resolve")
        act(d, clean, "gridworker", "resolve")
        clock.move_to(LATER)
        assert kpis(grid=d.root).rework == Rate(1, 3)


def test_average_handling_time_runs_from_report_to_resolution(district):
    d = district
    with time_machine.travel(MONDAY, tick=False) as clock:
        fast, slow = handled_in_grid(d, clock), handled_in_grid(d, clock)
        clock.shift(2 * H)
        act(d, fast, "gridworker", "resolve")
        clock.shift(4 * H)
        act(d, slow, "gridworker", "resolve")
        clock.move_to(LATER)
        result = kpis(grid=d.root)
    assert (result.handled, result.avg_handling) == (2, 4 * H)


def test_the_seed_story_settles_half_in_the_grid_and_all_in_the_community(district):
    d = district
    weeds, stuck = run_seed_story(d)
    assert (weeds.resolved_level, stuck.resolved_level) == (OwningLevel.UNIT, 0)
    with time_machine.travel(LATER, tick=False):
        result = kpis(grid=d.jinquan)
    assert result.in_grid == Rate(1, 2)
    assert result.in_community == Rate(2, 2)
    assert (str(result.in_grid), str(result.in_community)) == ("50.00%", "100.00%")


def test_a_case_resolved_by_the_district_center_is_not_settled_in_the_community(district):
    d = district
    with time_machine.travel(MONDAY, tick=False) as clock:
        case = handled_in_grid(d, clock)
        while fresh(case).owning_level > OwningLevel.DISTRICT_CENTER:
            act(d, fresh(case), "admin", "escalate")
        act(d, fresh(case), "admin", "sign")
        act(d, fresh(case), "admin", "start")
        act(d, fresh(case), "admin", "resolve")
        clock.move_to(LATER)
        result = kpis(grid=d.root)
    assert (result.in_grid, result.in_community) == (Rate(0, 1), Rate(0, 1))


def test_a_subtree_sees_only_its_own_cases(district):
    d = district
    with time_machine.travel(MONDAY, tick=False) as clock:
        handled_in_grid(d, clock)
        report(d, by="xifeng_center", grid=d.unit_x)
        clock.move_to(LATER)
        assert (kpis(grid=d.jinquan).accept_timely, kpis(grid=d.xifeng).accept_timely) == (
            Rate(1, 1),
            Rate(0, 1),
        )


def test_a_room_scope_counts_the_cases_dispatched_to_that_room(district):
    d = district
    room = mediation_room(d)
    with time_machine.travel(MONDAY, tick=False) as clock:
        mediated = report(d)
        act(d, mediated, "center", "accept")
        act(d, mediated, "center", "dispatch", to_room=room)
        handled_in_grid(d, clock)
        clock.move_to(LATER)
        assert kpis(room=room).closure == Rate(0, 1)
        assert kpis(grid=d.root).closure == Rate(0, 2)


def test_every_level_1_grid_is_rolled_up_in_one_query(district, django_assert_num_queries):
    d = district
    with time_machine.travel(MONDAY, tick=False) as clock:
        handled_in_grid(d, clock)
        report(d, by="xifeng_center", grid=d.unit_x)
        report(d, by="xifeng_center", grid=d.unit_x)
        clock.move_to(LATER)
        kpi_seal()
        with django_assert_num_queries(2):  # the last sealed day; one GROUP BY of its rows
            rollup = kpis_per_level(root=d.root, level=1, period=MARCH)
        with django_assert_num_queries(1):  # the live oracle: one GROUP BY over the cases
            assert kpis_grouped_live(period=MARCH, depth=2, grid=d.root) == rollup
        assert rollup[d.jinquan.path] == kpis(grid=d.jinquan)
    assert rollup[d.xifeng.path].accept_timely == Rate(0, 2)


def test_children_rollup_leaves_out_cases_located_at_the_grid_itself(district):
    d = district
    with time_machine.travel(MONDAY, tick=False) as clock:
        handled_in_grid(d, clock)  # in unit_a, under building
        report(d, grid=d.building)
        clock.move_to(LATER)
        rollup = kpis_per_child(grid=d.building, period=MARCH)
    assert set(rollup) == {d.unit_a.path}
    assert rollup[d.unit_a.path].accept_timely == Rate(1, 1)


def test_the_score_weighs_the_three_rates_from_settings(settings):
    from gongzhi.cases.kpis.compute import KpiSet

    none = Rate(0, 0)
    kpis_ = KpiSet(*([none] * 11), handled=0)
    kpis_ = KpiSet(**{**kpis_.__dict__, "response": Rate(1, 1), "satisfaction": Rate(1, 2)})
    assert kpi_score(kpis_) == 75.0  # resolution has no value: left out, not counted as 0
    settings.KPI_WEIGHTS = {"response": 1, "satisfaction": 3}
    assert kpi_score(kpis_) == 62.5


@pytest.mark.parametrize(
    ("kind", "first", "last"),
    [
        ("month", dt.date(2030, 3, 1), dt.date(2030, 3, 31)),
        ("last_month", dt.date(2030, 2, 1), dt.date(2030, 2, 28)),
        ("quarter", dt.date(2030, 1, 1), dt.date(2030, 3, 31)),
        ("last_quarter", dt.date(2029, 10, 1), dt.date(2029, 12, 31)),
    ],
)
def test_named_periods_follow_the_local_calendar(kind, first, last):
    period = period_for(kind, today=dt.date(2030, 3, 4))
    assert (period.first_day, period.last_day) == (first, last)


def test_a_period_starts_at_local_midnight():
    period = period_custom(dt.date(2030, 3, 1), dt.date(2030, 3, 1))
    assert period.start == dt.datetime(2030, 2, 28, 16, 0, tzinfo=dt.UTC)
    assert period.end - period.start == DAY
