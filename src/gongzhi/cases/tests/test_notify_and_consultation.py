import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django_tasks_db.models import DBTaskResult

from gongzhi.cases.consultations import (
    consultation_open,
    consultation_record,
    consultation_task_add,
    consultation_task_done,
)
from gongzhi.cases.models import CaseEvent, Notification, OutboundMessage
from gongzhi.cases.notify import outbound_queue, outbound_send
from gongzhi.cases.selectors import (
    case_inbox_for,
    case_list_for,
    notification_mark_read,
    notification_unread_count,
)
from gongzhi.cases.tasks import sweep_lease_claim
from gongzhi.core import clock
from gongzhi.org.models import RoomKind

from .conftest import act, mediation_room, report


class Failing:
    def send(self, message):
        raise ConnectionError("gateway down")


def test_an_sms_is_stored_queued_then_sent_by_the_default_backend(district):
    msg = outbound_queue(channel="sms", to="13800001234", template="case_done", params={"n": 1})
    assert msg.status == "queued"
    assert DBTaskResult.objects.filter(task_path__endswith="outbound_deliver").exists()
    assert outbound_send(msg).status == "sent"
    assert OutboundMessage.objects.get(pk=msg.pk).backend.endswith("LogBackend")


def test_outside_demo_mode_a_sent_code_is_blanked_and_masked_in_the_log(district, settings, caplog):
    settings.DEMO_MODE = False
    msg = outbound_queue(
        channel="sms",
        to="13800001234",
        template="login_code",
        params={"code": "482913", "minutes": 5},
    )
    with caplog.at_level("INFO", logger="gongzhi.notify"):
        outbound_send(msg)
    assert OutboundMessage.objects.get(pk=msg.pk).params == {"code": "", "minutes": 5}
    assert "482913" not in caplog.text and "******" in caplog.text


def test_in_demo_mode_the_code_stays_for_the_banner(district):
    msg = outbound_queue(
        channel="sms", to="13800001234", template="login_code", params={"code": "482913"}
    )
    outbound_send(msg)
    assert OutboundMessage.objects.get(pk=msg.pk).params == {"code": "482913"}


def test_a_failing_backend_marks_the_message_failed(district, settings):
    settings.NOTIFY_WECHAT_BACKEND = f"{__name__}.Failing"
    msg = outbound_queue(channel="wechat", to="openid-1", template="t", params={})
    assert outbound_send(msg).status == "failed"
    assert "gateway down" in OutboundMessage.objects.get(pk=msg.pk).error


def test_the_inbox_counts_unread_and_marks_read(district):
    report(district)
    user = district.users["gridworker"]
    assert notification_unread_count(user) == 1
    assert notification_mark_read(user) == 1
    assert notification_unread_count(user) == 0
    assert Notification.objects.filter(user=user, read_at__isnull=False).count() == 1


def test_cases_are_listed_only_inside_the_users_subtree(district):
    case = report(district)
    assert case in case_list_for(district.users["gridworker"])
    assert case not in case_list_for(district.users["gridworker_b"])
    assert case not in case_list_for(district.users["xifeng_center"])
    assert case in case_list_for(district.users["leader"])


def test_the_in_progress_inbox_shows_cases_assigned_to_my_room(district):
    case = report(district)
    act(district, case, "center", "accept")
    act(district, case, "center", "dispatch", to_room=mediation_room(district))
    assert case in case_inbox_for(district.users["mediator"], "in_progress")
    assert case in case_inbox_for(district.users["mediator"], "todo")
    assert case not in case_inbox_for(district.users["counselor"], "in_progress")


def test_a_consultation_gathers_rooms_and_departments_and_tracks_tasks(district):
    case = report(district)
    center = district.users["center"].staff.center
    c = consultation_open(
        case=case,
        by=district.users["center"],
        topic="楼院环境整治会商",
        scheduled_at=clock.now() + dt.timedelta(days=1),
        rooms=[center.rooms.get(kind=RoomKind.MEDIATION)],
        departments=list(center.departments.all()[:2]),
    )
    assert Notification.objects.filter(
        user=district.users["mediator"], kind="consultation"
    ).exists()
    consultation_record(
        consultation=c, by=district.users["center"], minutes="…", decision="物业清理"
    )
    task = consultation_task_add(
        consultation=c,
        by=district.users["center"],
        title="联系物业",
        assignee=district.users["mediator"].staff,
        due_date=dt.date(2030, 3, 10),
    )
    consultation_task_done(task=task, by=district.users["mediator"])
    assert task.done_at is not None
    assert fresh_actions(case) == [
        "report",
        "consultation_open",
        "consultation_decide",
        "consultation_task",
        "consultation_task_done",
    ]
    assert case.state == "reported"  # a consultation never moves the case


def fresh_actions(case):
    return list(CaseEvent.objects.filter(case=case).values_list("action", flat=True))


def test_a_grid_worker_cannot_open_a_consultation(district):
    with pytest.raises(PermissionDenied):
        consultation_open(
            case=report(district),
            by=district.users["gridworker"],
            topic="x",
            scheduled_at=clock.now(),
            rooms=[mediation_room(district)],
        )


def test_only_one_sweep_chain_wins_the_lease_per_period(district):
    now = clock.now()
    assert sweep_lease_claim(now) is True
    assert sweep_lease_claim(now) is False
    assert sweep_lease_claim(now + dt.timedelta(minutes=1)) is True
