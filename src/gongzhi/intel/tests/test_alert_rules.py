"""Each early-warning rule: the situation built through the services raises exactly one
alert with its reason; evaluating again raises nothing."""

import datetime as dt

import pytest
import time_machine

from gongzhi.care.services import visit_plan_create
from gongzhi.cases.deadlines import cases_sweep_deadlines
from gongzhi.core import clock
from gongzhi.core.roles import Role
from gongzhi.hotline import services as hotline
from gongzhi.mediation.services import dispute_register, party_add
from gongzhi.org.models import RoomKind
from gongzhi.org.services import staff_create
from gongzhi.realtime.services import onekey_call_create

from ..models import Alert, AlertKind, AlertRule
from ..services import alerts_evaluate
from .conftest import act, close, report, resident


def only_alert(kind: str) -> Alert:
    alerts = list(Alert.objects.all())
    assert [a.kind for a in alerts] == [kind]
    return alerts[0]


def evaluate_twice() -> None:
    first = alerts_evaluate()
    assert len(first) == 1
    assert alerts_evaluate() == []


@pytest.fixture
def neighbour(district):
    """A resident of household b with no tag (the persona residents carry special tags)."""
    from gongzhi.people.services import resident_create

    district.residents["b_son"] = resident_create(
        by=district.users["admin"],
        household=district.households["b"],
        name="周小强",
        id_number="620902200101010018",
        relation="child",
    )
    return district.residents["b_son"]


def dispute(d, *parties, title="邻里噪音纠纷"):
    by = d.users["mediator"]
    center = by.staff.center
    made = dispute_register(
        by=by,
        center=center,
        title=title,
        facts="双方因噪音问题多次争吵。",
        dispute_type="邻里纠纷",
        kinds=["people"],
    )
    for side, who in zip(("applicant", "respondent"), parties, strict=False):
        party_add(by=by, dispute=made, side=side, name="", resident=d.residents[who])
    return made


def test_the_same_two_households_in_two_disputes_warn_the_mediation_room(district, neighbour):
    d = district
    first = dispute(d, "a_head", "b_son")
    second = dispute(d, "b_son", "a_head", title="又因漏水争吵")  # sides swapped: same pair
    evaluate_twice()
    alert = only_alert(AlertKind.REPEAT_DISPUTE)
    assert first.number in alert.reason and second.number in alert.reason
    assert "周**" in alert.reason and "茹**" in alert.reason
    assert alert.grid == first.center.grid and alert.severity == "medium"


def test_one_dispute_or_disputes_long_apart_raise_nothing(district, neighbour):
    d = district
    with time_machine.travel(clock.now() - dt.timedelta(days=120)):
        dispute(d, "a_head", "b_son")
    dispute(d, "a_head", "b_son")
    assert alerts_evaluate() == []


def test_a_category_far_above_its_baseline_warns_the_community_center(district):
    d = district
    for i in range(5):
        report(d, text=f"楼院垃圾没人清运{i}", code="0301", grid=d.unit_a if i % 2 else d.unit_b)
    report(d, text="路灯坏了", code="0402")  # another category: no part of it
    evaluate_twice()
    alert = only_alert(AlertKind.SURGE)
    assert alert.grid == d.courtyard  # counted at level 3 (AlertRule.grid_level)
    assert "「市容环境」类事件5件" in alert.reason and "泊松" in alert.reason
    assert alert.cases.count() == 5


def test_the_same_count_on_a_busy_baseline_is_no_surge(district):
    d = district
    for week in range(1, 9):
        with time_machine.travel(clock.now() - dt.timedelta(days=7 * week + 1)):
            for i in range(3):
                report(d, text=f"垃圾没人清运{week}-{i}", code="0301")
    for i in range(5):
        report(d, text=f"垃圾没人清运{i}", code="0301")
    assert alerts_evaluate() == []  # 5 against a mean of 3 a week: P ≈ 0.18


def test_a_case_reopened_twice_warns_the_supervisor_above(district):
    d = district
    case = close(d, report(d))
    for round_ in range(2):
        act(d, case, "center", "reopen")
        if round_ == 0:
            for who, action in (
                ("gridworker", "resolve"),
                ("center", "verify"),
                ("center", "close"),
            ):
                act(d, case, who, action)
    evaluate_twice()
    alert = only_alert(AlertKind.CASE_STUCK)
    assert f"事件{case.number}已重办2次" in alert.reason
    assert alert.grid == d.building  # one rung above the unit that owns it
    assert alert.severity == "high" and list(alert.cases.all()) == [case]


def test_a_case_overdue_at_two_levels_warns_the_supervisor_above(district):
    d = district
    case = report(d)
    start = clock.now()
    for days in (3, 6):  # the acceptance limit (24 h) passes at the unit, then at the building
        with time_machine.travel(start + dt.timedelta(days=days)):
            cases_sweep_deadlines()
    case.refresh_from_db()
    assert case.escalation_count == 2
    with time_machine.travel(start + dt.timedelta(days=6, hours=1)):
        evaluate_twice()
    alert = only_alert(AlertKind.CASE_STUCK)
    assert f"事件{case.number}已在2个层级超时" in alert.reason
    assert alert.grid == d.group1  # above the compound that owns it now


def test_a_special_population_resident_in_a_new_dispute_warns_police_liaison(district):
    d = district
    dispute(d, "a_spouse", "b_head")  # 社区矫正 and 刑满释放: one alert each, per person
    first = alerts_evaluate()
    assert sorted(a.subject for a in first) == sorted(
        [f"special:{d.residents['a_spouse'].pk}", f"special:{d.residents['b_head'].pk}"]
    )
    assert alerts_evaluate() == []
    alert = Alert.objects.get(subject=f"special:{d.residents['a_spouse'].pk}")
    assert alert.kind == AlertKind.SPECIAL_PERSON and "社区矫正" in alert.reason
    assert "新矛盾纠纷" in alert.reason and "欧阳**" in alert.reason


def test_a_special_population_resident_pressing_the_call_button_warns_police_liaison(district):
    account = resident("13700002468")  # 周金玉 (刑满释放): the registry phone binds her unit
    call = onekey_call_create(account=account)
    evaluate_twice()
    alert = only_alert(AlertKind.SPECIAL_PERSON)
    assert f"使用了一键呼叫(事件{call.case.number})" in alert.reason
    assert list(alert.cases.all()) == [call.case]


@pytest.fixture
def care_worker(district):
    center = district.users["center"].staff.center
    return staff_create(
        username="care",
        name="关爱丁",
        role=Role.CARE_WORKER,
        center=center,
        room_kind=RoomKind.CARE,
    ).user


def test_a_care_target_overdue_for_a_visit_who_calls_the_hotline_warns_the_care_room(
    district, care_worker
):
    d = district
    target = d.residents["a_head"]  # 独居老人
    visit_plan_create(by=care_worker, resident=target, interval_days=7)
    with time_machine.travel(clock.now() + dt.timedelta(days=9)):
        call = hotline.hotline_call_start(by=d.users["center"], caller="13800001234")
        hotline.hotline_call_finish(
            by=d.users["center"],
            call=call,
            outcome="answered",
            matter="家里暖气不热",
            answer="已联系供热公司",
            token="t1",
            resident=target,
        )
        evaluate_twice()
    alert = only_alert(AlertKind.CARE_CALL)
    assert "走访已逾期" in alert.reason and "民情热线" in alert.reason
    assert alert.grid == d.unit_a


def test_a_care_target_visited_on_time_raises_nothing(district, care_worker):
    d = district
    visit_plan_create(by=care_worker, resident=d.residents["a_head"], interval_days=30)
    onekey_call_create(account=resident("13800001234"))
    assert [a.kind for a in alerts_evaluate()] == []


def test_a_closed_alert_is_not_raised_again_for_the_same_evidence(district, neighbour):
    from ..services import alert_close

    d = district
    dispute(d, "a_head", "b_son")
    dispute(d, "a_head", "b_son")
    (alert,) = alerts_evaluate()
    alert_close(by=d.users["mediator"], alert=alert, note="已上门调解")
    assert alerts_evaluate() == []
    dispute(d, "a_head", "b_son")  # new evidence: a third dispute
    assert [a.kind for a in alerts_evaluate()] == [AlertKind.REPEAT_DISPUTE]


def test_a_disabled_rule_raises_nothing(district, neighbour):
    AlertRule.objects.filter(kind=AlertKind.REPEAT_DISPUTE).update(enabled=False)
    dispute(district, "a_head", "b_son")
    dispute(district, "a_head", "b_son")
    assert alerts_evaluate() == []
