"""Case numbers per issuing committee and year, with its name in them (so no two repeat in
the district); a high stability risk opens a joint consultation."""

import datetime as dt

import time_machine

from gongzhi.cases.models import Consultation, Notification
from gongzhi.mediation import services as svc
from gongzhi.org.models import Center


def _register(by, center, **over):
    fields = {"title": "t", "facts": "f", "dispute_type": "邻里纠纷", "kinds": ["people"]}
    return svc.dispute_register(by=by, center=center, **(fields | over))


def test_numbers_name_the_committee_count_per_center_and_restart_each_year(district, xifeng):
    jq = Center.objects.get(grid=district.jinquan)
    with time_machine.travel(dt.datetime(2026, 12, 31, 8, tzinfo=dt.UTC), tick=False):
        a = _register(district.users["xifeng_center"], xifeng)
        b = _register(district.users["xifeng_center"], xifeng)
        c = _register(district.users["center"], jq)
    with time_machine.travel(dt.datetime(2027, 1, 1, 8, tzinfo=dt.UTC), tick=False):
        d = _register(district.users["xifeng_center"], xifeng)
    assert [a.number, b.number, c.number, d.number] == [
        "西峰镇调〔2026〕第0001号",
        "西峰镇调〔2026〕第0002号",
        "金泉路社区调〔2026〕第0001号",
        "西峰镇调〔2027〕第0001号",
    ]


def test_two_committees_with_the_same_area_name_get_different_numbers(district, xifeng):
    from gongzhi.grids.services import grid_add_child
    from gongzhi.org.models import CenterLevel
    from gongzhi.org.services import center_create

    namesake = grid_add_child(parent=district.jinquan, name="西峰镇")
    other = center_create(grid=namesake, name="另一个西峰镇中心", level=CenterLevel.COMMUNITY)
    a = _register(district.users["xifeng_center"], xifeng)
    b = _register(district.users["admin"], other)
    assert a.number != b.number and b.number.startswith(namesake.full_name)


def test_a_high_risk_grade_opens_a_joint_consultation(district, xifeng):
    dispute = _register(district.users["xifeng_center"], xifeng, risk_grade="high")
    consultation = Consultation.objects.get()
    assert dispute.consultation == consultation and consultation.case == dispute.case
    assert dispute.number in consultation.topic


def test_a_mediator_raising_a_high_grade_asks_the_center_to_convene(district):
    jq = Center.objects.get(grid=district.jinquan)
    dispute = _register(district.users["mediator"], jq, risk_grade="high")
    assert dispute.consultation_requested and not Consultation.objects.exists()
    assert Notification.objects.filter(user=district.users["center"], kind="consultation_request")
