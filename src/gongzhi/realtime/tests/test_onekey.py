import datetime as dt

import pytest
import time_machine
from channels.db import database_sync_to_async
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from gongzhi.cases.models import Case, Channel, OutboundMessage, Urgency
from gongzhi.realtime import services, tasks
from gongzhi.realtime.consumers import StaffConsumer
from gongzhi.realtime.models import OneKeyCall

from .conftest import WebsocketCommunicator, run_async

START = dt.datetime(2025, 6, 3, 9, 0, tzinfo=dt.UTC)


def test_a_call_creates_an_urgent_case_with_channel_call_button(resident, community):
    call = services.onekey_call_create(account=resident, lat=39.7, lng=98.5)
    case = Case.objects.get(pk=call.case_id)
    assert (case.channel, case.urgency, case.grid_id) == (
        Channel.CALL_BUTTON,
        Urgency.URGENT,
        resident.unit_id,
    )
    assert case.reporter_user_id == resident.user_id


def test_a_call_sends_an_sms_to_the_community_duty_phone(resident, community):
    services.onekey_call_create(account=resident)
    assert OutboundMessage.objects.filter(to="09372880000", template=services.SMS_TEMPLATE).exists()


def test_a_second_call_within_the_limit_is_refused_with_a_clear_message(resident_client, community):
    first = resident_client.post(reverse("realtime:call"))
    second = resident_client.post(reverse("realtime:call"))
    assert first.status_code == 302
    assert second.status_code == 429
    assert "请勿重复呼叫" in second.content.decode()
    assert OneKeyCall.objects.count() == 1


def test_a_call_after_the_limit_is_accepted(resident, community):
    with time_machine.travel(START, tick=False) as traveller:
        services.onekey_call_create(account=resident)
        traveller.shift(dt.timedelta(seconds=services.rate_limit() + 1))
        services.onekey_call_create(account=resident)
    assert OneKeyCall.objects.filter(account=resident).count() == 2


def test_a_call_from_an_unbound_account_is_refused(resident, community):
    resident.unit = None
    resident.save()
    with pytest.raises(services.CallError, match="绑定"):
        services.onekey_call_create(account=resident)
    assert not OneKeyCall.objects.exists()


def test_the_escalation_is_enqueued_after_the_ack_timeout(resident, community):
    with time_machine.travel(START, tick=False):
        call = services.onekey_call_create(account=resident)
    row = DBTaskResult.objects.get(task_path="gongzhi.realtime.tasks.onekey_escalate")
    assert row.args_kwargs["args"] == [call.pk]
    assert row.run_after == START + dt.timedelta(seconds=services.ack_timeout())


def test_an_unacknowledged_call_escalates_after_the_timeout(resident, community, district):
    with time_machine.travel(START, tick=False) as traveller:
        call = services.onekey_call_create(account=resident)
        traveller.shift(dt.timedelta(seconds=services.ack_timeout() + 1))
        tasks.onekey_escalate.call(call.pk)
    call.refresh_from_db()
    assert call.escalation_level == 1
    assert OutboundMessage.objects.filter(template=services.ESCALATE_TEMPLATE).exists()


def test_a_call_does_not_escalate_before_the_timeout(resident, community):
    with time_machine.travel(START, tick=False) as traveller:
        call = services.onekey_call_create(account=resident)
        traveller.shift(dt.timedelta(seconds=services.ack_timeout() - 5))
        tasks.onekey_escalate.call(call.pk)
    call.refresh_from_db()
    assert call.escalation_level == 0


def test_an_acknowledged_call_does_not_escalate(resident, community, district):
    with time_machine.travel(START, tick=False) as traveller:
        call = services.onekey_call_create(account=resident)
        services.onekey_ack(call=call, by=district.users["gridworker"])
        traveller.shift(dt.timedelta(seconds=services.ack_timeout() + 1))
        tasks.onekey_escalate.call(call.pk)
    call.refresh_from_db()
    assert call.escalation_level == 0


def test_staff_outside_the_grid_cannot_acknowledge(resident, community, district):
    call = services.onekey_call_create(account=resident)
    with pytest.raises(services.PermissionDenied):
        services.onekey_ack(call=call, by=district.users["xifeng_center"])


def test_the_first_acknowledgement_wins(resident, community, district):
    call = services.onekey_call_create(account=resident)
    services.onekey_ack(call=call, by=district.users["gridworker"])
    call = services.onekey_ack(call=call, by=district.users["center"])
    assert call.acknowledged_name == "网格员甲"


def test_a_staff_socket_without_a_login_is_refused(transactional_db, django_db_serialized_rollback):
    from django.contrib.auth.models import AnonymousUser

    async def run():
        comm = WebsocketCommunicator(StaffConsumer.as_asgi(), "/ws/staff/")
        comm.scope["user"] = AnonymousUser()
        connected, code = await comm.connect()
        return connected, code

    assert run_async(run) == (False, 4403)


def test_a_call_reaches_the_grid_workers_socket_and_the_ack_is_relayed(
    transactional_db, django_db_serialized_rollback, resident, community, district
):
    # Committed rows: the consumer's database_sync_to_async closes connections between calls.
    worker = district.users["gridworker"]

    async def run():
        comm = WebsocketCommunicator(StaffConsumer.as_asgi(), "/ws/staff/")
        comm.scope["user"] = worker
        connected, _ = await comm.connect()
        assert connected
        hello = await comm.receive_json_from()

        call = await database_sync_to_async(services.onekey_call_create)(account=resident)
        alert = await comm.receive_json_from(timeout=2)
        await comm.send_json_to({"type": "ack", "call": call.pk})
        reply = await comm.receive_json_from(timeout=2)
        await comm.disconnect()
        return hello, call, alert, reply

    hello, call, alert, reply = run_async(run)
    assert hello["type"] == "hello"
    assert (alert["type"], alert["call"]) == ("call", call.pk)
    assert "1单元" in alert["unit"]
    assert reply == {"type": "acked", "call": call.pk, "acked_by": "网格员甲"}
    call.refresh_from_db()
    assert call.acknowledged_by == worker


def test_the_resident_sees_who_acknowledged_by_polling(
    resident_client, resident, community, district
):
    call = services.onekey_call_create(account=resident)
    services.onekey_ack(call=call, by=district.users["gridworker"])
    data = resident_client.get(
        reverse("realtime:call_status", args=[call.pk]) + "?format=json"
    ).json()
    assert data["acked_by"] == "网格员甲"


def test_a_resident_cannot_see_another_residents_call(resident_b, resident, community):
    from django.test import Client

    from .conftest import resident_session

    call = services.onekey_call_create(account=resident)
    other = Client()
    other.cookies["sessionid"] = resident_session(resident_b)
    assert other.get(reverse("realtime:call_status", args=[call.pk])).status_code == 404
