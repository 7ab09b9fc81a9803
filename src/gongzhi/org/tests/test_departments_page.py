"""The centers' stationed departments page (入驻部门): each department with its officers, and
the center's staff adding an officer or marking one as gone (issue 14.4)."""

import pytest

from gongzhi.core.roles import Role
from gongzhi.org.models import Center, Department, DepartmentKind, Staff
from gongzhi.org.services import officer_add


@pytest.fixture
def jq(district):
    return Center.objects.get(grid=district.jinquan)


def _dept(center, kind):
    return Department.objects.get(center=center, kind=kind)


def test_the_page_lists_the_centers_departments_and_officers(district, login, jq):
    officer_add(
        by=district.users["center"],
        department=_dept(jq, DepartmentKind.COURT),
        name="法官丁",
        title="审判员",
        phone="0937-2612345",
    )
    page = login("center").get("/org/departments/").content.decode()
    for d in Department.objects.filter(center=jq):
        assert d.name in page
    assert "法官丁(审判员)" in page and "09372612345" in page


def test_the_center_adds_an_officer_through_the_page(district, login, jq):
    court = _dept(jq, DepartmentKind.COURT)
    response = login("center").post(
        "/org/departments/officers/",
        {"center": jq.pk, "department": court.pk, "name": "法官丁", "title": "审判员"},
    )
    assert response.status_code == 302
    officer = Staff.objects.get(name="法官丁")
    assert (officer.department, officer.center, officer.role) == (court, jq, Role.OFFICER)
    assert not officer.user.has_usable_password()


def test_a_police_officer_joins_the_liaison_room_with_the_police_role(district, jq):
    officer = officer_add(
        by=district.users["center"], department=_dept(jq, DepartmentKind.POLICE), name="民警庚"
    )
    assert officer.role == Role.POLICE and officer.room.kind == "police_liaison"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "请填写姓名"),
        ("name", "名" * 51, "不超过 50 字符"),
        ("name", "法官\x85丁", "控制字符"),
        ("phone", "12345", "电话号码格式不正确"),
    ],
)
def test_bad_officer_input_gets_a_chinese_message_and_writes_nothing(
    district, login, jq, field, value, message
):
    before = Staff.objects.count()
    data = {"center": jq.pk, "department": _dept(jq, DepartmentKind.COURT).pk, "name": "法官丁"}
    response = login("center").post("/org/departments/officers/", data | {field: value})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Staff.objects.count() == before


def test_another_centers_department_is_refused(district, login, jq):
    xifeng_court = _dept(Center.objects.get(grid=district.xifeng), DepartmentKind.COURT)
    response = login("center").post(
        "/org/departments/officers/",
        {"center": jq.pk, "department": xifeng_court.pk, "name": "法官丁"},
    )
    assert response.status_code == 400
    assert "只能为本中心的入驻部门添加人员" in response.content.decode()
    assert not Staff.objects.filter(name="法官丁").exists()


def test_a_grid_worker_may_look_but_not_add(district, login, jq):
    client = login("gridworker")
    assert "添加入驻人员" not in client.get("/org/departments/").content.decode()
    response = client.post(
        "/org/departments/officers/",
        {"center": jq.pk, "department": _dept(jq, DepartmentKind.COURT).pk, "name": "x"},
    )
    assert response.status_code == 404
    assert not Staff.objects.filter(name="x").exists()


def test_an_officer_leaves_and_stays_on_record(district, login, jq):
    officer = officer_add(
        by=district.users["center"], department=_dept(jq, DepartmentKind.JUSTICE), name="所长王"
    )
    assert login("center").post(f"/org/officers/{officer.pk}/leave/").status_code == 302
    officer.refresh_from_db()
    assert not officer.active
    assert "所长王" in login("center").get("/org/departments/").content.decode()


def test_another_center_cannot_send_an_officer_away(district, login, jq):
    officer = officer_add(
        by=district.users["center"], department=_dept(jq, DepartmentKind.JUSTICE), name="所长王"
    )
    assert login("xifeng_center").post(f"/org/officers/{officer.pk}/leave/").status_code == 404
    officer.refresh_from_db()
    assert officer.active
