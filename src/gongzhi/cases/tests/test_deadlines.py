import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from gongzhi.cases import calendar
from gongzhi.cases.deadlines import case_sweep_one, cases_sweep_deadlines
from gongzhi.cases.models import CaseEvent, Holiday, Notification, OwningLevel, State
from gongzhi.cases.selectors import notification_unread_count
from gongzhi.core.testing import fresh

from .conftest import MONDAY, act, report

FRIDAY = MONDAY + dt.timedelta(days=4)
H = dt.timedelta(hours=1)


@pytest.mark.django_db
def test_working_days_skip_the_weekend():
    assert calendar.add_working_days(FRIDAY, 1) == MONDAY + dt.timedelta(days=7)


@pytest.mark.django_db
def test_working_days_skip_a_configured_holiday():
    Holiday.objects.create(date=dt.date(2030, 3, 11), name="测试假日")
    assert calendar.add_working_days(FRIDAY, 1) == MONDAY + dt.timedelta(days=8)


@pytest.mark.django_db
def test_a_make_up_saturday_counts_as_a_working_day():
    Holiday.objects.create(date=dt.date(2030, 3, 9), is_workday=True, name="调休")
    assert calendar.add_working_days(FRIDAY, 1) == FRIDAY + dt.timedelta(days=1)


@pytest.mark.django_db
def test_seeded_calendar_knows_national_day_2025():
    assert not calendar.is_workday(dt.date(2025, 10, 1))
    assert calendar.is_workday(dt.date(2025, 9, 28))  # a 调休 Sunday


def test_hour_limits_run_around_the_clock():
    assert calendar.add_limit(FRIDAY, 24, "hours") == FRIDAY + dt.timedelta(days=1)


def test_handling_deadlines_are_stored_in_working_days(district):
    with time_machine.travel(FRIDAY, tick=False):
        case = report(district)
        act(district, case, "center", "accept")
    # 7 working days from Friday 09:00: the second Tuesday after, 09:00.
    assert fresh(case).handle_red_at == FRIDAY + dt.timedelta(days=11)
    assert fresh(case).handle_yellow_at == FRIDAY + dt.timedelta(days=7)


def test_an_unaccepted_case_goes_yellow_then_red_then_climbs_to_the_community_center(district):
    with time_machine.travel(MONDAY, tick=False) as clock:
        case = report(district)
        gridworker = district.users["gridworker"]
        clock.shift(12 * H + dt.timedelta(minutes=1))
        assert cases_sweep_deadlines() == 1
        case = fresh(case)
        assert (case.supervision, case.owning_level, case.overdue) == ("yellow", 5, False)
        assert Notification.objects.filter(user=gridworker, kind="supervision_yellow").exists()
        levels = []
        for _ in range(5):
            clock.shift(24 * H)
            cases_sweep_deadlines()
            case = fresh(case)
            levels.append(case.owning_level)
            assert (case.state, case.supervision, case.overdue) == ("escalated", "red", True)
    assert levels == [4, 3, 2, 1, OwningLevel.COMMUNITY_CENTER]
    assert case.owning_grid == district.jinquan
    assert CaseEvent.objects.filter(case=case, action="auto_escalate", actor=None).count() == 5
    center_user = district.users["center"]
    assert Notification.objects.filter(user=center_user, kind="escalated", case=case).exists()
    assert notification_unread_count(center_user) >= 1


def test_the_community_center_can_sign_and_resolve_an_escalated_case(district):
    with time_machine.travel(MONDAY, tick=False) as clock:
        case = report(district)
        for _ in range(5):  # 5 → 4 → 3 → 2 → 1 → community center
            clock.shift(24 * H + dt.timedelta(minutes=1))
            cases_sweep_deadlines()
        case = fresh(case)
        assert case.owning_level == OwningLevel.COMMUNITY_CENTER
        act(district, case, "center", "sign")
        act(district, case, "center", "start")
        act(district, case, "center", "resolve")
    assert fresh(case).resolved_level == OwningLevel.COMMUNITY_CENTER


def test_a_second_sweep_at_the_same_moment_does_not_escalate_again(district):
    with time_machine.travel(MONDAY, tick=False) as clock:
        case = report(district)
        clock.shift(25 * H)
        assert case_sweep_one(case.pk) is True  # straight past yellow and red: escalates
        assert case_sweep_one(case.pk) is False
        cases_sweep_deadlines()
    case = fresh(case)
    assert (case.owning_level, case.escalation_count) == (4, 1)


def test_an_approved_extension_pauses_the_clock(district):
    with time_machine.travel(MONDAY, tick=False) as clock:
        case = report(district)
        act(district, case, "gridworker", "accept")
        act(district, case, "gridworker", "self_handle")
        original_red = fresh(case).handle_red_at
        clock.shift(24 * H)
        act(district, case, "gridworker", "request_extension", days=3, comment="等待物业")
        act(district, case, "center", "approve_extension")
        clock.move_to(original_red + H)
        cases_sweep_deadlines()
        assert (fresh(case).state, fresh(case).owning_level) == (State.SELF_HANDLING, 5)
        clock.move_to(fresh(case).handle_red_at + H)
        cases_sweep_deadlines()
    assert (fresh(case).state, fresh(case).owning_level) == (State.ESCALATED, 4)


def test_without_an_extension_the_same_moment_escalates(district):
    with time_machine.travel(MONDAY, tick=False) as clock:
        case = report(district)
        act(district, case, "gridworker", "accept")
        act(district, case, "gridworker", "self_handle")
        clock.move_to(fresh(case).handle_red_at + H)
        cases_sweep_deadlines()
    assert fresh(case).state == State.ESCALATED


def test_a_rolled_back_change_leaves_no_check_no_notification_and_no_event(district):
    case = report(district)
    check_before = fresh(case).next_check_at
    counts = lambda: (  # noqa: E731
        Notification.objects.count(),
        CaseEvent.objects.count(),
        DBTaskResult.objects.count(),
    )
    before = counts()
    with pytest.raises(RuntimeError), transaction.atomic():
        act(district, case, "center", "accept")
        report(district)  # notifies the grid's supervisors
        assert fresh(case).next_check_at != check_before  # the handling clock is set …
        assert Notification.objects.count() > before[0]  # … and the inbox written, inside
        raise RuntimeError("boom")
    assert counts() == before
    assert (fresh(case).state, fresh(case).next_check_at) == (State.REPORTED, check_before)


def test_the_next_check_is_written_with_the_change_and_no_task_row_per_case(district):
    with time_machine.travel(MONDAY, tick=False) as clock:
        tasks = DBTaskResult.objects.count()
        case = report(district)
        assert fresh(case).next_check_at == fresh(case).accept_yellow_at
        act(district, case, "center", "accept")
        assert fresh(case).next_check_at == fresh(case).handle_yellow_at
        assert DBTaskResult.objects.count() == tasks
        clock.move_to(fresh(case).handle_yellow_at + H)
        assert cases_sweep_deadlines() == 1  # the sweep finds it by next_check_at
    assert fresh(case).supervision == "yellow"


def test_the_management_command_sweeps(district, capsys):
    with time_machine.travel(MONDAY, tick=False) as clock:
        case = report(district)
        clock.shift(13 * H)
        call_command("sweep_deadlines")
    assert fresh(case).supervision == "yellow"
    assert "1" in capsys.readouterr().out
