"""Residents are told about their cases on every channel they have; the center is told what
waits for it. Sends are written in the change's own transaction and cost a fixed number of
queries (issue 15.1)."""

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from gongzhi.cases.models import Case, Notification, OutboundMessage, State
from gongzhi.cases.resident_notify import case_changed_notify, sms_text
from gongzhi.cases.services import case_act
from gongzhi.cases.tasks import outbound_deliver_many
from gongzhi.core.testing import fresh
from gongzhi.portal import services as portal


def account_with_all_channels(d):
    account = portal.account_get_or_create(phone="13800001234")  # 茹玉芳, bound by the registry
    account.wechat_openid = "o-test-openid-1"
    account.save(update_fields=["wechat_openid"])
    return account


def post(account, text="公园路46号楼院杂草清除不及时,希望能及时清除。"):
    return portal.post_create(account=account, text=text)


def act(case, user, action, **params):
    return case_act(
        case=case, by=user, action=action, expected_version=fresh(case).version, **params
    )


def kinds(account):
    return list(
        Notification.objects.filter(user=account.user).order_by("pk").values_list("kind", flat=True)
    )


def test_a_post_is_acknowledged_on_all_three_channels(district):
    account = account_with_all_channels(district)

    case = post(account)

    assert kinds(account) == ["case_received"]
    sent = OutboundMessage.objects.filter(params__case=case.number)
    assert sorted(sent.values_list("channel", "to")) == [
        ("sms", "13800001234"),
        ("wechat", "o-test-openid-1"),
    ]


def test_each_step_that_matters_reaches_the_reporter(district):
    d = district
    account = account_with_all_channels(d)
    case = post(account)

    act(case, d.users["center"], "accept")
    act(case, d.users["gridworker"], "self_handle")
    act(case, d.users["gridworker"], "resolve", comment="已清除")
    act(case, d.users["center"], "verify")
    act(case, d.users["center"], "close")

    assert kinds(account) == [
        "case_received",
        "case_accepted",
        "case_in_hand",
        "case_resolved",
        "case_closed",
    ]
    in_hand = Notification.objects.get(user=account.user, kind="case_in_hand")
    assert "网格员甲" in in_hand.body and "办结期限" in in_hand.body
    assert OutboundMessage.objects.filter(channel="sms").count() == 5
    assert OutboundMessage.objects.filter(channel="wechat").count() == 5


def test_an_unsatisfied_rating_tells_the_resident_the_case_is_reopened(district):
    d = district
    account = account_with_all_channels(d)
    case = post(account)
    for user, action in (
        ("center", "accept"),
        ("gridworker", "self_handle"),
        ("gridworker", "resolve"),
        ("center", "verify"),
        ("center", "close"),
    ):
        act(case, d.users[user], action)

    portal.post_rate(account=account, case=fresh(case), rating="unsatisfied", stars=1)

    assert fresh(case).state == State.IN_PROGRESS
    assert kinds(account)[-1] == "case_reopened"


def test_the_center_is_told_when_a_case_waits_for_verification(district):
    d = district
    case = post(account_with_all_channels(d))
    act(case, d.users["center"], "accept")
    act(case, d.users["gridworker"], "self_handle")

    act(case, d.users["gridworker"], "resolve")

    told = Notification.objects.filter(kind="waits_verify", case=case)
    assert list(told.values_list("user__username", flat=True)) == ["center"]


def test_sms_opt_out_and_no_wechat_leave_only_the_message_centre(district):
    d = district
    account = portal.account_get_or_create(phone="13800001234")
    account.notify_sms = False
    account.save(update_fields=["notify_sms"])

    case = post(account)
    act(case, d.users["center"], "accept")

    assert kinds(account) == ["case_received", "case_accepted"]
    assert not OutboundMessage.objects.filter(params__case=case.number).exists()


def test_a_rolled_back_change_sends_nothing(district):
    d = district
    case = post(account_with_all_channels(d))
    before = (
        Notification.objects.count(),
        OutboundMessage.objects.count(),
        DBTaskResult.objects.count(),
    )

    with pytest.raises(RuntimeError), transaction.atomic():
        act(case, d.users["center"], "accept")
        assert OutboundMessage.objects.count() == before[1] + 2  # written inside the change
        raise RuntimeError("the surrounding work failed")

    after = (
        Notification.objects.count(),
        OutboundMessage.objects.count(),
        DBTaskResult.objects.count(),
    )
    assert after == before
    assert fresh(case).state == State.REPORTED


def test_the_fan_out_costs_four_queries_for_a_resident_with_all_three_channels(
    district, django_assert_num_queries
):
    d = district
    case = post(account_with_all_channels(d))
    act(case, d.users["center"], "accept")
    act(case, d.users["gridworker"], "self_handle")
    events = list(fresh(case).events.filter(action__in=["accept", "self_handle"]))
    # As case_act holds it: the handler it has just set is in memory.
    case = Case.objects.select_related("assignee_staff").get(pk=case.pk)

    # account look-up, inbox rows, outbound rows, one delivery task: two changes or one
    with django_assert_num_queries(4):
        written = case_changed_notify(case, events)
    with django_assert_num_queries(4):
        case_changed_notify(case, events[:1])

    assert written == 2 * 3  # two changes × (inbox, SMS, WeChat)


def test_a_state_change_with_three_channels_costs_two_queries_more_than_with_one(
    district, django_assert_num_queries
):
    d = district
    full = account_with_all_channels(d)
    bare = portal.account_get_or_create(phone="13700002468")  # 周金玉
    bare.notify_sms = False
    bare.save(update_fields=["notify_sms"])
    warm, case_full, case_bare = post(full, text="预热"), post(full), post(bare, text="路灯不亮")
    act(warm, d.users["center"], "accept")  # fills the policy and scope caches
    case_full, case_bare = fresh(case_full), fresh(case_bare)

    # savepoint, lock, 2 calendar, event, update, account, inbox, outbound, task, release
    with django_assert_num_queries(11) as full_queries:
        case_act(case=case_full, by=d.users["center"], action="accept", expected_version=1)
    with django_assert_num_queries(9):
        case_act(case=case_bare, by=d.users["center"], action="accept", expected_version=1)

    assert OutboundMessage.objects.filter(params__case=case_full.number).count() == 4
    assert any("cases_outboundmessage" in q["sql"] for q in full_queries.captured_queries)


def test_the_delivery_task_sends_every_message_of_a_change_through_the_backend(district):
    case = post(account_with_all_channels(district))
    ids = list(
        OutboundMessage.objects.filter(params__case=case.number).values_list("pk", flat=True)
    )

    assert outbound_deliver_many.call(ids) == 2
    assert set(OutboundMessage.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        "sent"
    }


def test_sms_texts_are_short_and_filled():
    text = sms_text(
        "case_in_hand", {"case": "SJ20300304-0001", "who": "网格员甲", "deadline": "03-11 09:00"}
    )
    assert text == "【金泉之窗】您反映的问题SJ20300304-0001由网格员甲办理,03-11 09:00前办结。"
    assert len(text) <= 70  # one SMS segment
