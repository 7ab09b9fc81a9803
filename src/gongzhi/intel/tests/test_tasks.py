"""Background work: one debounced evaluation after new cases, periodic chains that
reschedule once, and the management commands."""

import io

import pytest
from django.core.management import CommandError, call_command
from django_tasks_db.models import DBTaskResult

from ..models import Alert, ModelVersion
from ..tasks import alerts_evaluate_periodic, alerts_evaluate_soon, intel_train_periodic
from .conftest import report


def queued(task) -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=task.module_path))


def test_a_burst_of_new_cases_queues_one_evaluation_after_commit(
    district, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report(district)
    assert queued(alerts_evaluate_soon) == []  # nothing before the commit
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(3):
            report(district, text=f"楼院垃圾没人清运{i}")
    (task,) = queued(alerts_evaluate_soon)
    assert task.run_after is not None and len(callbacks) == 1


def test_the_queued_evaluation_raises_the_alerts(district):
    for i in range(5):
        report(district, text=f"楼院垃圾没人清运{i}", code="0301")
    assert alerts_evaluate_soon.call() == 1
    assert Alert.objects.count() == 1


def test_the_periodic_evaluation_reschedules_itself_once_per_period(district):
    assert alerts_evaluate_periodic.call() == 0
    assert alerts_evaluate_periodic.call() == 0  # a duplicate chain: no second reschedule
    assert len(queued(alerts_evaluate_periodic)) == 1


def test_periodic_training_waits_for_enough_closed_cases(district):
    assert intel_train_periodic.call() is None
    assert intel_train_periodic.call() is None
    assert ModelVersion.objects.count() == 0 and len(queued(intel_train_periodic)) == 1


def test_the_train_command_says_when_there_is_too_little_to_learn(db):
    with pytest.raises(CommandError, match="已结案事件不足"):
        call_command("intel_train", stdout=io.StringIO())


def test_the_schedule_and_alert_commands_run(district):
    out = io.StringIO()
    call_command("intel_train", "--schedule", stdout=out)
    call_command("intel_alerts", stdout=out)
    assert "已安排" in out.getvalue() and "新增预警 0 条" in out.getvalue()
    assert queued(alerts_evaluate_periodic) and queued(intel_train_periodic)
