"""重点人员 management (issue 14.5): a file per managed special-population resident with
帮教/管控 records, a risk level with history, a check-in schedule with overdue alerts, and the
hand-over when the person moves grid; need-to-know (VIEW_SPECIAL in scope) and audited."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from gongzhi.cases.models import Notification
from gongzhi.core import clock
from gongzhi.core.models import AuditLog
from gongzhi.liaison import key_persons as svc
from gongzhi.liaison.models import (
    KeyPerson,
    KeyPersonAlert,
    KeyPersonHandover,
    KeyPersonRecord,
    KeyPersonRiskChange,
)
from gongzhi.people.models import Resident


@pytest.fixture
def corrected(district):
    """欧阳明月 (社区矫正) under management by the community police officer."""
    return svc.key_person_open(
        by=district.users["police"],
        resident=district.residents["a_spouse"],
        category="community_correction",
        risk_level="medium",
        responsible=district.users["police"].staff,
        reason="社区矫正期间",
    )


def _url(person, step=""):
    return f"/liaison/key-persons/{person.pk}/" + (f"{step}/" if step else "")


def test_the_police_open_a_file_through_the_page(district, login):
    resident = district.residents["a_spouse"]
    client = login("police")
    assert (
        f"/liaison/key-persons/new/{resident.pk}/"
        in client.get("/liaison/key-persons/").content.decode()
    )
    response = client.post(
        f"/liaison/key-persons/new/{resident.pk}/",
        {"category": "community_correction", "risk_level": "medium", "reason": "入矫"},
    )
    assert response.status_code == 302
    person = KeyPerson.objects.get()
    assert (person.risk_level, person.interval_days) == ("medium", 14)
    assert person.next_due_on == clock.today() + dt.timedelta(days=14)
    assert KeyPersonRiskChange.objects.get().to_level == "medium"


def test_a_resident_without_a_special_tag_cannot_be_filed(district, login):
    resident = district.residents["a_head"]  # 独居老人: a care tag only
    response = login("police").post(
        f"/liaison/key-persons/new/{resident.pk}/",
        {"category": "community_correction", "risk_level": "low"},
    )
    assert response.status_code == 400
    assert "请从列表中选择" in response.content.decode()
    with pytest.raises(ValidationError, match="没有此类重点人员标签"):
        svc.key_person_open(
            by=district.users["police"], resident=resident, category="community_correction"
        )
    assert not KeyPerson.objects.exists()


@pytest.mark.parametrize("username", ["gridworker", "mediator", "counselor"])
def test_roles_without_need_to_know_find_nothing(district, login, corrected, username):
    client = login(username)
    assert client.get("/liaison/key-persons/").status_code == 404
    assert client.get(_url(corrected)).status_code == 404
    assert "重点人员" not in client.get("/liaison/").content.decode()
    response = client.post(_url(corrected, "record"), {"kind": "check_in", "note": "x"})
    assert response.status_code == 404
    assert not KeyPersonRecord.objects.exists()


def test_another_areas_center_finds_nothing(district, login, corrected):
    client = login("xifeng_center")
    assert client.get(_url(corrected)).status_code == 404
    assert "欧阳**" not in client.get("/liaison/key-persons/").content.decode()


def test_opening_a_file_is_audited(district, login, corrected):
    login("center").get(_url(corrected))
    entry = AuditLog.objects.get(action=AuditLog.Action.READ_SENSITIVE)
    assert (entry.actor, entry.target_type, entry.target_id) == (
        district.users["center"],
        "liaison.keyperson",
        str(corrected.pk),
    )


def test_a_check_in_moves_the_next_date_and_clears_the_alert(district, login, corrected):
    with time_machine.travel(clock.now() + dt.timedelta(days=20)):
        assert svc.key_person_sweep_overdue() == 1
        assert svc.key_person_sweep_overdue() == 0  # once per due date
        assert (
            Notification.objects.filter(
                user=district.users["police"], kind="key_person_overdue"
            ).count()
            == 1
        )
        page = login("police").get("/liaison/key-persons/?overdue=on").content.decode()
        assert "已逾期" in page and "欧阳**" in page
        response = login("police").post(
            _url(corrected, "record"), {"kind": "check_in", "note": "到司法所报到,情况稳定"}
        )
        assert response.status_code == 302
        person = KeyPerson.objects.get()
        assert person.next_due_on == clock.today() + dt.timedelta(days=14)
        assert KeyPersonAlert.objects.get().resolved_at is not None


def test_a_rehab_record_does_not_count_as_a_check_in(district, corrected):
    due = corrected.next_due_on
    svc.key_person_record(
        by=district.users["center"], person=corrected, kind="rehab", note="帮教谈话"
    )
    assert KeyPerson.objects.get().next_due_on == due


def test_the_risk_level_keeps_its_history(district, login, corrected):
    client = login("police")
    response = client.post(
        _url(corrected, "risk"), {"risk_level": "high", "reason": "多次不按时报到"}
    )
    assert response.status_code == 302
    history = list(KeyPersonRiskChange.objects.order_by("at", "pk"))
    assert [(c.from_level, c.to_level) for c in history] == [("", "medium"), ("medium", "high")]
    assert Notification.objects.filter(user=district.users["center"], kind="key_person_high")
    # Need-to-know: the unit's grid worker (no VIEW_SPECIAL) is not told.
    assert not Notification.objects.filter(
        user=district.users["gridworker"], kind="key_person_high"
    )
    page = client.get(_url(corrected)).content.decode()
    assert "多次不按时报到" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"risk_level": "high", "reason": ""}, "请填写调整理由"),
        ({"risk_level": "medium", "reason": "没变"}, "风险等级没有变化"),
        ({"risk_level": "extreme", "reason": "x"}, "选择一个有效的选项"),
        ({"risk_level": "high", "reason": "含\x85控制"}, "控制字符"),
    ],
)
def test_a_bad_risk_change_writes_nothing(district, login, corrected, data, message):
    response = login("police").post(_url(corrected, "risk"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert KeyPersonRiskChange.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "check_in", "note": ""}, "请填写情况"),
        ({"kind": "check_in", "note": "情" * 2001}, "2000"),
        ({"kind": "check_in", "note": "含\x85控制"}, "控制字符"),
        ({"kind": "check_in", "note": "x", "at": "明天"}, "时间格式不正确"),
        ({"kind": "check_in", "note": "x", "at": "2099-01-01T09:00"}, "不能晚于现在"),
    ],
)
def test_a_bad_record_writes_nothing(district, login, corrected, data, message):
    response = login("police").post(_url(corrected, "record"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not KeyPersonRecord.objects.exists()


def test_the_schedule_takes_a_responsible_officer_of_the_area_only(district, login, corrected):
    client = login("center")
    xifeng_staff = district.users["xifeng_center"].staff
    response = client.post(
        _url(corrected, "schedule"), {"interval_days": "7", "responsible": xifeng_staff.pk}
    )
    assert response.status_code == 400
    assert "责任人须为负责该网格的民警或中心工作人员" in response.content.decode()
    response = client.post(_url(corrected, "schedule"), {"interval_days": "0"})
    assert "见面间隔应在1至180天之间" in response.content.decode()
    assert KeyPerson.objects.get().interval_days == 14
    center = district.users["center"].staff
    response = client.post(
        _url(corrected, "schedule"), {"interval_days": "7", "responsible": center.pk}
    )
    assert response.status_code == 302
    person = KeyPerson.objects.get()
    assert (person.interval_days, person.responsible) == (7, center)


def test_moving_grid_hands_the_file_over(district, login):
    person = svc.key_person_open(
        by=district.users["center"],
        resident=district.residents["b_head"],
        category="released_prisoner",
        responsible=district.users["center"].staff,
    )
    target = district.households["a"]  # another unit of the courtyard
    response = login("center").post(
        _url(person, "relocate"), {"household": target.pk, "note": "搬到1单元与亲属同住"}
    )
    assert response.status_code == 302
    resident = Resident.objects.get(pk=district.residents["b_head"].pk)
    assert (resident.household, resident.grid) == (target, district.unit_a)
    handover = KeyPersonHandover.objects.get()
    assert (handover.from_grid, handover.to_grid) == (district.unit_b, district.unit_a)
    police = district.users["police"].staff  # the community police officer of 金泉路社区
    assert handover.to_staff == police and KeyPerson.objects.get().responsible == police
    assert Notification.objects.filter(user=police.user, kind="key_person_handover")
    assert AuditLog.objects.filter(action="change", target_id=str(resident.pk), fields="household")


def test_a_move_into_another_areas_household_is_refused(district, login):
    person = svc.key_person_open(
        by=district.users["center"],
        resident=district.residents["b_head"],
        category="released_prisoner",
    )
    response = login("center").post(
        _url(person, "relocate"), {"household": district.households["x"].pk, "note": "迁往西峰"}
    )
    assert response.status_code == 400
    assert "迁入的户不存在或不在您的管辖范围内" in response.content.decode()
    assert Resident.objects.get(pk=district.residents["b_head"].pk).grid == district.unit_b
    assert not KeyPersonHandover.objects.exists()


def test_the_police_may_not_move_a_resident(district, corrected):
    with pytest.raises(PermissionDenied):
        svc.key_person_relocate(
            by=district.users["police"],
            person=corrected,
            household=district.households["b"],
            note="迁移",
        )
    assert Resident.objects.get(pk=district.residents["a_spouse"].pk).grid == district.unit_a
    assert not KeyPersonHandover.objects.exists()
