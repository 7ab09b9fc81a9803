"""Overdue visits raise alerts, under a frozen clock that the test moves forward."""

import datetime as dt

import time_machine
from django.core.management import call_command

from gongzhi.care import services as svc
from gongzhi.care.models import CareAlert, VisitFrequency
from gongzhi.cases.models import Notification

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _plan(district, care_worker):
    return svc.visit_plan_create(
        by=care_worker.user, resident=district.residents["a_head"], worker=care_worker
    )


def test_an_elderly_person_living_alone_is_visited_weekly(district, care_worker):
    with time_machine.travel(START, tick=False):
        plan = _plan(district, care_worker)
    assert (plan.interval_days, plan.next_due_on) == (7, dt.date(2026, 3, 9))


def test_the_frequency_table_is_configurable(district, care_worker):
    VisitFrequency.objects.filter(tag="elderly_alone").update(interval_days=3)
    with time_machine.travel(START, tick=False):
        assert _plan(district, care_worker).interval_days == 3


def test_nothing_is_raised_while_the_visit_is_not_yet_due(district, care_worker):
    with time_machine.travel(START, tick=False) as clock:
        _plan(district, care_worker)
        clock.move_to(START + dt.timedelta(days=7))
        assert svc.care_sweep_overdue() == 0
    assert not CareAlert.objects.exists()


def test_an_overdue_visit_raises_one_alert_and_tells_the_worker(district, care_worker):
    with time_machine.travel(START, tick=False) as clock:
        plan = _plan(district, care_worker)
        clock.move_to(START + dt.timedelta(days=8))
        assert svc.care_sweep_overdue() == 1
        assert svc.care_sweep_overdue() == 0  # a second sweep raises nothing new
    alert = CareAlert.objects.get()
    assert (alert.plan, alert.due_on) == (plan, dt.date(2026, 3, 9))
    assert Notification.objects.filter(user=care_worker.user, kind="care_overdue").count() == 1


def test_a_visit_resolves_the_alert_and_the_next_lapse_raises_a_new_one(district, care_worker):
    resident = district.residents["a_head"]
    with time_machine.travel(START, tick=False) as clock:
        _plan(district, care_worker)
        clock.move_to(START + dt.timedelta(days=8))
        svc.care_sweep_overdue()
        svc.visit_record(by=care_worker.user, resident=resident, note="上门探望,身体状况良好")
        assert not CareAlert.objects.filter(resolved_at__isnull=True).exists()
        clock.move_to(START + dt.timedelta(days=16))
        assert svc.care_sweep_overdue() == 1
    assert CareAlert.objects.filter(resolved_at__isnull=True).get().due_on == dt.date(2026, 3, 17)


def test_the_management_command_runs_the_sweep(district, care_worker, capsys):
    with time_machine.travel(START, tick=False) as clock:
        _plan(district, care_worker)
        clock.move_to(START + dt.timedelta(days=9))
        call_command("care_sweep_overdue")
    assert "1" in capsys.readouterr().out and CareAlert.objects.count() == 1
