"""Hotline intake (民情热线): the call log, registry look-up, case or on-the-spot answer."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from gongzhi.cases.models import Case, Category, Channel
from gongzhi.hotline import services as hotline
from gongzhi.hotline.models import HotlineCall
from gongzhi.org.models import Center

A_HEAD_PHONE = "13800001234"  # a_head under unit_a (金泉路社区)
X_HEAD_PHONE = "13600001357"  # x_head under 西峰镇


def start(client, caller=A_HEAD_PHONE):
    return client.post(reverse("portal_staff_hotline"), {"caller": caller})


def intake_page(client, call):
    return client.get(reverse("portal_staff_hotline_call", args=[call.pk]))


def finish(client, call, **data):
    form = intake_page(client, call).context["form"]
    payload = {"token": form.initial["token"], "urgency": "normal", **data}
    return client.post(reverse("portal_staff_hotline_call", args=[call.pk]), payload)


def test_it_logs_a_call_taken_by_hand_with_the_number_encrypted_and_masked(district, login):
    response = start(login("center"))

    call = HotlineCall.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"/hotline/{call.pk}/")
    assert (call.caller, call.caller_masked, call.status) == (A_HEAD_PHONE, "138****1234", "open")
    assert A_HEAD_PHONE not in call.caller_enc and call.staff == district.users["center"]


def test_it_rejects_an_invalid_caller_number_with_a_chinese_message_and_writes_nothing(
    district, login
):
    response = start(login("center"), caller="12345")

    assert response.status_code == 400 and "来电号码格式不正确" in response.content.decode()
    assert not HotlineCall.objects.exists()


def test_the_intake_screen_shows_the_registry_match_masked(district, login):
    client = login("center")
    start(client)
    page = intake_page(client, HotlineCall.objects.get()).content.decode()

    assert "茹**" in page and "138****1234" in page
    assert "茹玉芳" not in page and A_HEAD_PHONE not in page


def test_the_registry_look_up_is_limited_to_the_staff_members_scope(district, login):
    client = login("center")  # 金泉路社区: x_head lives under 西峰镇
    start(client, caller=X_HEAD_PHONE)
    response = intake_page(client, HotlineCall.objects.get())

    assert response.context["residents"] == []
    assert "陈**" not in response.content.decode()


def test_a_call_becomes_a_hotline_case_for_the_callers_unit(district, login):
    client = login("center")
    start(client)
    call = HotlineCall.objects.get()

    finish(
        client,
        call,
        outcome="case",
        matter="楼道灯坏了",
        category="09",
        resident=district.residents["a_head"].pk,
    )

    call.refresh_from_db()
    case = Case.objects.get()
    assert (call.status, call.case, call.resident) == ("case", case, district.residents["a_head"])
    assert (case.channel, case.grid, case.contact_phone_masked) == (
        Channel.HOTLINE,
        district.unit_a,
        "138****1234",
    )


def test_a_resubmitted_intake_form_creates_one_case(district, login):
    client = login("center")
    start(client)
    call = HotlineCall.objects.get()
    url = reverse("portal_staff_hotline_call", args=[call.pk])
    token = intake_page(client, call).context["form"].initial["token"]
    data = {
        "token": token,
        "urgency": "normal",
        "outcome": "case",
        "matter": "噪音扰民",
        "category": "09",
        "resident": district.residents["a_head"].pk,
    }

    responses = [client.post(url, data) for _ in range(2)]

    assert [r.status_code for r in responses] == [302, 302]
    assert Case.objects.count() == 1


def test_an_answer_on_the_spot_is_recorded_without_a_case(district, login):
    client = login("center")
    start(client)
    call = HotlineCall.objects.get()

    finish(client, call, outcome="answered", matter="问低保怎么申请", answer="带身份证到社区窗口")

    call.refresh_from_db()
    assert (call.status, call.answer, call.case) == ("answered", "带身份证到社区窗口", None)
    assert call.ended_at is not None and not Case.objects.exists()


def test_it_rejects_an_unknown_category_and_writes_nothing(district, login):
    client = login("center")
    start(client)
    call = HotlineCall.objects.get()

    response = finish(client, call, outcome="case", matter="问题", category="99x")

    assert response.status_code == 400 and "未知的事件类别" in response.content.decode()
    assert HotlineCall.objects.get().status == "open" and not Case.objects.exists()


def test_it_keeps_what_was_typed_when_the_answer_is_missing(district, login):
    client = login("center")
    start(client)

    response = finish(client, HotlineCall.objects.get(), outcome="answered", matter="问医保报销")

    page = response.content.decode()
    assert response.status_code == 400 and "请填写当场答复的内容" in page and "问医保报销" in page


def test_a_case_without_a_location_gets_a_clear_message(district, login):
    client = login("center")
    start(client, caller="13500009999")  # not in the registry: no unit to fall back on

    response = finish(client, HotlineCall.objects.get(), outcome="case", matter="x", category="09")

    assert response.status_code == 400 and "请提供事件位置" in response.content.decode()
    assert not Case.objects.exists()


def test_a_finished_call_cannot_be_finished_again_with_another_form(district):
    call = hotline.hotline_call_start(by=district.users["center"], caller=A_HEAD_PHONE)
    hotline.hotline_call_finish(
        by=district.users["center"],
        call=call,
        outcome="answered",
        matter="a",
        answer="b",
        token="first",
    )

    with pytest.raises(ValidationError, match="已处理完毕"):
        hotline.hotline_call_finish(
            by=district.users["center"],
            call=call,
            outcome="answered",
            matter="a",
            answer="c",
            token="second",
        )


def test_a_resident_outside_the_callers_number_cannot_be_attached(district):
    user = district.users["center"]
    call = hotline.hotline_call_start(by=user, caller=A_HEAD_PHONE)

    with pytest.raises(ValidationError, match="与来电号码不符"):
        hotline.hotline_call_finish(
            by=user,
            call=call,
            outcome="answered",
            matter="a",
            answer="b",
            token="t",
            resident=district.residents["b_head"],
        )


def test_grid_workers_cannot_open_the_intake_screen(district, login):
    assert login("gridworker").get(reverse("portal_staff_hotline")).status_code == 403


def test_pending_calls_appear_only_for_the_lines_center(district, login):
    Center.objects.filter(grid=district.jinquan).update(hotline="0937-1234567")
    hotline.hotline_call_receive(
        by=district.users["admin"], caller=A_HEAD_PHONE, line="09371234567"
    )

    mine = login("center").get(reverse("portal_staff_hotline_pending")).content.decode()
    theirs = login("xifeng_center").get(reverse("portal_staff_hotline_pending")).content.decode()

    assert "138****1234" in mine and "138****1234" not in theirs


def test_staff_of_another_center_cannot_open_a_call(district, login):
    call = hotline.hotline_call_start(by=district.users["center"], caller=A_HEAD_PHONE)

    response = intake_page(login("xifeng_center"), call)

    assert response.status_code == 404


def test_the_call_log_masks_the_callers_number(district, login):
    client = login("center")
    call = hotline.hotline_call_start(by=district.users["center"], caller=A_HEAD_PHONE)
    hotline.hotline_call_finish(
        by=district.users["center"],
        call=call,
        outcome="answered",
        matter="a",
        answer="b",
        token="t",
    )

    page = client.get(reverse("portal_staff_hotline")).content.decode()

    assert "138****1234" in page and A_HEAD_PHONE not in page


def test_a_pending_call_is_claimed_by_whoever_finishes_it(district):
    Center.objects.filter(grid=district.jinquan).update(hotline="0937-1234567")
    call = hotline.hotline_call_receive(
        by=district.users["admin"], caller=A_HEAD_PHONE, line="0937-1234567"
    )

    done = hotline.hotline_call_finish(
        by=district.users["center"],
        call=call,
        outcome="case",
        matter="井盖丢了",
        category=Category.objects.get(code="04"),
        grid=district.unit_a,
        token="t",
    )

    assert (done.staff, done.status, done.case.grid) == (
        district.users["center"],
        "case",
        district.unit_a,
    )


def test_only_hotline_staff_may_receive_calls(district):
    with pytest.raises(PermissionDenied):
        hotline.hotline_call_receive(by=district.users["gridworker"], caller=A_HEAD_PHONE)
