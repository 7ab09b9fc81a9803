"""会诊研判 with the stationed departments (issue 14.4): departments are invited as units even
when no officer has a login, each gives an opinion (by its own officer or recorded for it), tasks
go to a person or a department with a deadline, and a consultation is convened from a case, a
dispute or an alert, its outcome shown where it came from."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongzhi.care.models import CareAlert
from gongzhi.care.services import care_sweep_overdue, visit_plan_create
from gongzhi.cases import consultations as svc
from gongzhi.cases.models import (
    CaseEvent,
    Consultation,
    ConsultationOpinion,
    ConsultationTask,
    Notification,
)
from gongzhi.core import clock
from gongzhi.core.roles import Role
from gongzhi.core.testing import PASSWORD
from gongzhi.mediation import services as mediation
from gongzhi.mediation.models import MediationKind
from gongzhi.org.models import Center, Department, DepartmentKind, RoomKind
from gongzhi.org.services import officer_add, staff_create

from .conftest import report

LATER = "2030-03-05T09:00"


@pytest.fixture
def xifeng(district):
    return Center.objects.get(grid=district.xifeng)


def _dept(center, kind):
    return Department.objects.get(center=center, kind=kind)


@pytest.fixture
def judge(district, xifeng):
    """A judge stationed in 西峰镇 with a login of their own."""
    staff = staff_create(
        username="xf_judge",
        name="法官丁",
        role=Role.OFFICER,
        center=xifeng,
        password=PASSWORD,
        title="审判员",
    )
    staff.department = _dept(xifeng, DepartmentKind.COURT)
    staff.save()
    return staff


@pytest.fixture
def nursery(district, xifeng):
    return mediation.dispute_register(
        by=district.users["xifeng_center"],
        center=xifeng,
        title="焚烧秸秆引燃苗圃赔偿纠纷",
        facts="张某焚烧玉米秸秆,引燃陈某苗圃。",
        dispute_type="损害赔偿",
        kinds=[MediationKind.PEOPLE],
    )


@pytest.fixture
def on_nursery(district, xifeng, nursery, judge):
    return svc.consultation_open(
        dispute=nursery,
        by=district.users["xifeng_center"],
        topic="苗圃赔偿会诊",
        scheduled_at=clock.now() + dt.timedelta(hours=2),
        departments=[_dept(xifeng, DepartmentKind.COURT), _dept(xifeng, DepartmentKind.JUSTICE)],
    )


def test_every_center_has_the_seven_stationed_departments(district, xifeng):
    kinds = set(Department.objects.filter(center=xifeng).values_list("kind", flat=True))
    assert kinds == set(DepartmentKind.values) and len(kinds) == 7
    court = _dept(xifeng, DepartmentKind.COURT)
    assert court.name == "肃州区人民法院驻西峰镇法官工作室"


def test_a_department_without_logins_is_invited_as_a_unit(district, xifeng, on_nursery):
    justice = _dept(xifeng, DepartmentKind.JUSTICE)
    assert justice in on_nursery.departments.all()
    assert not on_nursery.participants.filter(department=justice).exists()
    # The judge has a login, so they get a personal invitation and a notice.
    assert on_nursery.participants.get().staff.name == "法官丁"
    assert Notification.objects.filter(user__username="xf_judge", kind="consultation")


def test_an_officer_gives_their_departments_opinion_on_the_page(
    district, login, xifeng, on_nursery
):
    client = login("xf_judge")
    court = _dept(xifeng, DepartmentKind.COURT)
    page = client.get(f"/consultations/{on_nursery.pk}/").content.decode()
    assert "发表或记录部门意见" in page and court.name in page
    response = client.post(
        f"/consultations/{on_nursery.pk}/opinion/",
        {"unit": f"department:{court.pk}", "text": "协议达成后可申请司法确认。"},
    )
    assert response.status_code == 302
    opinion = ConsultationOpinion.objects.get()
    assert (opinion.department, opinion.speaker) == (court, "法官丁(审判员)")


def test_an_officer_cannot_speak_for_another_department(district, login, xifeng, on_nursery):
    justice = _dept(xifeng, DepartmentKind.JUSTICE)
    response = login("xf_judge").post(
        f"/consultations/{on_nursery.pk}/opinion/",
        {"unit": f"department:{justice.pk}", "text": "代司法所发言"},
    )
    assert response.status_code == 400
    assert "未受邀参加" in response.content.decode()
    assert not ConsultationOpinion.objects.exists()


def test_the_organiser_records_a_departments_opinion_naming_who_spoke(
    district, login, xifeng, on_nursery
):
    client = login("xifeng_center")
    justice = _dept(xifeng, DepartmentKind.JUSTICE)
    url = f"/consultations/{on_nursery.pk}/opinion/"
    response = client.post(url, {"unit": f"department:{justice.pk}", "text": "同意人民调解。"})
    assert response.status_code == 400
    assert "代为记录时请填写发表意见人" in response.content.decode()
    assert not ConsultationOpinion.objects.exists()
    data = {"unit": f"department:{justice.pk}", "text": "同意人民调解。", "speaker": "所长王"}
    assert client.post(url, data).status_code == 302
    assert ConsultationOpinion.objects.get().speaker == "所长王"


def test_a_department_may_revise_its_opinion_until_the_decision(district, xifeng, on_nursery):
    court = _dept(xifeng, DepartmentKind.COURT)
    judge_user = court.staff.get().user
    svc.consultation_opinion_record(
        consultation=on_nursery, by=judge_user, department=court, text="初步意见"
    )
    svc.consultation_opinion_record(
        consultation=on_nursery, by=judge_user, department=court, text="修改后的意见"
    )
    assert ConsultationOpinion.objects.get().text == "修改后的意见"
    svc.consultation_record(
        consultation=on_nursery, by=district.users["xifeng_center"], minutes="", decision="调解"
    )
    with pytest.raises(ValidationError, match="研判结论已形成"):
        svc.consultation_opinion_record(
            consultation=on_nursery, by=judge_user, department=court, text="再改"
        )
    assert ConsultationOpinion.objects.get().text == "修改后的意见"


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "请填写意见"), ("意" * 4001, "不超过 4000 字符"), ("含\x85控制", "控制字符")],
)
def test_a_bad_opinion_gets_a_chinese_message_and_writes_nothing(
    district, login, xifeng, on_nursery, text, message
):
    court = _dept(xifeng, DepartmentKind.COURT)
    response = login("xf_judge").post(
        f"/consultations/{on_nursery.pk}/opinion/", {"unit": f"department:{court.pk}", "text": text}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ConsultationOpinion.objects.exists()


def test_a_task_for_a_department_is_done_by_its_officer(district, login, xifeng, on_nursery):
    court = _dept(xifeng, DepartmentKind.COURT)
    due = clock.today() + dt.timedelta(days=7)
    response = login("xifeng_center").post(
        f"/consultations/{on_nursery.pk}/tasks/",
        {"title": "指导司法确认申请", "assignee": f"department:{court.pk}", "due_date": due},
    )
    assert response.status_code == 302
    task = ConsultationTask.objects.get()
    assert (task.department, task.assignee, task.due_date) == (court, None, due)
    assert Notification.objects.filter(user__username="xf_judge", kind="consultation_task")
    client = login("xf_judge")
    assert "指导司法确认申请" in client.get("/consultations/").content.decode()
    client.post(f"/consultations/{on_nursery.pk}/tasks/{task.pk}/done/")
    task.refresh_from_db()
    assert task.done_at is not None and task.done_by.username == "xf_judge"


def test_a_task_for_an_officer_without_a_login_is_allowed(district, xifeng, on_nursery):
    officer = officer_add(
        by=district.users["xifeng_center"],
        department=_dept(xifeng, DepartmentKind.JUSTICE),
        name="司法所长王",
        title="所长",
    )
    task = svc.consultation_task_add(
        consultation=on_nursery,
        by=district.users["xifeng_center"],
        title="参与调解",
        assignee=officer,
        due_date=clock.today(),
    )
    assert task.assignee == officer


def test_a_task_for_another_centers_person_is_refused(district, on_nursery):
    with pytest.raises(ValidationError, match="承办人须是参加人员"):
        svc.consultation_task_add(
            consultation=on_nursery,
            by=district.users["xifeng_center"],
            title="越界",
            assignee=district.users["counselor"].staff,
            due_date=clock.today(),
        )
    assert not ConsultationTask.objects.exists()


def test_the_task_form_refuses_another_centers_department(district, login, on_nursery):
    jinquan_court = _dept(Center.objects.get(grid=district.jinquan), DepartmentKind.COURT)
    response = login("xifeng_center").post(
        f"/consultations/{on_nursery.pk}/tasks/",
        {"title": "x", "assignee": f"department:{jinquan_court.pk}", "due_date": "2030-01-01"},
    )
    assert response.status_code == 400
    assert "承办人须是参加人员" in response.content.decode()
    assert not ConsultationTask.objects.exists()


def test_an_overdue_task_is_shown_in_red(district, login, xifeng, on_nursery):
    svc.consultation_task_add(
        consultation=on_nursery,
        by=district.users["xifeng_center"],
        title="迟交的任务",
        department=_dept(xifeng, DepartmentKind.COURT),
        due_date=clock.today() - dt.timedelta(days=1),
    )
    page = login("xifeng_center").get(f"/consultations/{on_nursery.pk}/").content.decode()
    assert "已逾期" in page


def test_the_decision_goes_back_to_the_dispute_page_and_its_mediators(
    district, login, xifeng, nursery, on_nursery
):
    mediator = staff_create(
        username="xf_mediator",
        name="调解员戊",
        role=Role.MEDIATOR,
        center=xifeng,
        room_kind=RoomKind.MEDIATION,
        password=PASSWORD,
    )
    mediation.mediator_assign(
        by=district.users["xifeng_center"],
        dispute=nursery,
        kind=MediationKind.PEOPLE,
        staff=mediator,
    )
    svc.consultation_record(
        consultation=on_nursery,
        by=district.users["xifeng_center"],
        minutes="各方发言",
        decision="由人民调解委员会调解,法院指导司法确认",
    )
    notice = Notification.objects.get(user=mediator.user, kind="consultation_decided")
    assert notice.link == f"/consultations/{on_nursery.pk}/"
    page = login("xf_mediator").get(f"/mediation/{nursery.pk}/").content.decode()
    assert "由人民调解委员会调解,法院指导司法确认" in page


def test_the_center_convenes_from_a_dispute_without_a_case(district, login, xifeng, nursery):
    client = login("xifeng_center")
    assert "发起会诊研判" in client.get(f"/mediation/{nursery.pk}/").content.decode()
    court = _dept(xifeng, DepartmentKind.COURT)
    response = client.post(
        f"/consultations/new/dispute/{nursery.pk}/",
        {"topic": "苗圃纠纷会诊", "scheduled_at": LATER, "departments": [court.pk]},
    )
    assert response.status_code == 302
    c = Consultation.objects.get()
    assert (c.dispute, c.case, c.center) == (nursery, None, xifeng)
    nursery.refresh_from_db()
    assert nursery.consultation == c and nursery.case is None


def test_a_mediators_high_risk_dispute_links_the_center_to_the_convening_page(district, login):
    jq = Center.objects.get(grid=district.jinquan)
    dispute = mediation.dispute_register(
        by=district.users["mediator"],
        center=jq,
        title="高风险",
        facts="f",
        dispute_type="邻里纠纷",
        kinds=["people"],
        risk_grade="high",
    )
    notice = Notification.objects.get(user=district.users["center"], kind="consultation_request")
    assert notice.link == f"/consultations/new/dispute/{dispute.pk}/"
    inbox = login("center").get("/cases/notifications/").content.decode()
    assert notice.link in inbox


def test_the_mediator_convenes_on_a_high_risk_dispute_only(district, login):
    jq = Center.objects.get(grid=district.jinquan)
    fields = {"title": "t", "facts": "f", "dispute_type": "邻里纠纷", "kinds": ["people"]}
    low = mediation.dispute_register(by=district.users["mediator"], center=jq, **fields)
    high = mediation.dispute_register(
        by=district.users["mediator"], center=jq, risk_grade="high", **fields
    )
    client = login("mediator")
    assert client.get(f"/consultations/new/dispute/{low.pk}/").status_code == 404
    court = _dept(jq, DepartmentKind.COURT)
    response = client.post(
        f"/consultations/new/dispute/{high.pk}/",
        {"topic": "高风险纠纷会诊", "scheduled_at": LATER, "departments": [court.pk]},
    )
    assert response.status_code == 302
    c = Consultation.objects.get()
    assert c.dispute == high and c.opened_by == district.users["mediator"]
    # The convener organises it: records the decision.
    svc.consultation_record(consultation=c, by=district.users["mediator"], minutes="", decision="d")


def test_another_centers_dispute_is_not_found(district, login, nursery):
    assert login("center").get(f"/consultations/new/dispute/{nursery.pk}/").status_code == 404
    assert (
        login("center").get("/consultations/new/dispute/99999999999999999999/").status_code == 404
    )


def test_another_centers_department_cannot_be_invited(district, login, nursery):
    jinquan_court = _dept(Center.objects.get(grid=district.jinquan), DepartmentKind.COURT)
    response = login("xifeng_center").post(
        f"/consultations/new/dispute/{nursery.pk}/",
        {"topic": "会诊", "scheduled_at": LATER, "departments": [jinquan_court.pk]},
    )
    assert response.status_code == 400
    assert "只能邀请本辖区综治中心的入驻部门" in response.content.decode()
    assert not Consultation.objects.exists()
    with pytest.raises(ValidationError):
        svc.consultation_open(
            dispute=nursery,
            by=district.users["xifeng_center"],
            topic="会诊",
            scheduled_at=clock.now(),
            departments=[jinquan_court],
        )
    assert not Consultation.objects.exists()


@pytest.mark.parametrize(
    ("topic", "message"),
    [("", "请填写议题"), ("议" * 201, "200"), ("含\x85控制", "控制字符")],
)
def test_a_bad_topic_gets_a_chinese_message_and_writes_nothing(
    district, xifeng, nursery, topic, message
):
    with pytest.raises(ValidationError, match=message):
        svc.consultation_open(
            dispute=nursery,
            by=district.users["xifeng_center"],
            topic=topic,
            scheduled_at=clock.now(),
            departments=[_dept(xifeng, DepartmentKind.COURT)],
        )
    assert not Consultation.objects.exists()


def test_a_grid_worker_cannot_convene_on_a_dispute(district, nursery):
    with pytest.raises(PermissionDenied):
        svc.consultation_open(
            dispute=nursery,
            by=district.users["gridworker"],
            topic="x",
            scheduled_at=clock.now(),
            departments=[],
        )


def test_the_center_convenes_from_a_care_alert(district, login, monkeypatch):
    real_now = clock.now()
    monkeypatch.setattr(clock, "now", lambda: real_now - dt.timedelta(days=200))
    visit_plan_create(
        by=district.users["center"],
        resident=district.residents["a_head"],
        worker=district.users["gridworker"].staff,
    )
    monkeypatch.setattr(clock, "now", lambda: real_now)
    care_sweep_overdue()
    alert = CareAlert.objects.get()
    client = login("center")
    page = client.get(f"/care/targets/{district.residents['a_head'].pk}/").content.decode()
    assert f"/consultations/new/alert/{alert.pk}/" in page
    civil = _dept(Center.objects.get(grid=district.jinquan), DepartmentKind.CIVIL_AFFAIRS)
    response = client.post(
        f"/consultations/new/alert/{alert.pk}/",
        {"topic": "独居老人走访逾期研判", "scheduled_at": LATER, "departments": [civil.pk]},
    )
    assert response.status_code == 302
    c = Consultation.objects.get()
    assert c.care_alert == alert and c.case is None
    # The target's grid worker sees it (the alert's resident is theirs).
    assert login("gridworker").get(f"/consultations/{c.pk}/").status_code == 200
    assert login("gridworker_b").get(f"/consultations/{c.pk}/").status_code == 404


def test_a_case_consultation_writes_opinions_and_tasks_on_the_case_timeline(district, login):
    case = report(district)
    jq = Center.objects.get(grid=district.jinquan)
    police = _dept(jq, DepartmentKind.POLICE)
    c = svc.consultation_open(
        case=case,
        by=district.users["center"],
        topic="会商",
        scheduled_at=clock.now(),
        departments=[police],
    )
    assert c.center == jq
    svc.consultation_opinion_record(
        consultation=c,
        by=district.users["center"],
        department=police,
        text="加强巡逻",
        speaker="民警丙",
    )
    svc.consultation_task_add(
        consultation=c,
        by=district.users["center"],
        title="夜间巡逻",
        department=police,
        due_date=clock.today(),
    )
    actions = list(CaseEvent.objects.filter(case=case).values_list("action", flat=True))
    assert actions[-3:] == ["consultation_open", "consultation_opinion", "consultation_task"]
    assert "加强巡逻" in login("center").get(f"/cases/{case.number}/").content.decode()
