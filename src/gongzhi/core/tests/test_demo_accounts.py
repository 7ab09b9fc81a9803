import io

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command

from gongzhi.core.access import can, role_of, scope_paths
from gongzhi.core.roles import CHANGE, Role
from gongzhi.grids.models import Grid, Level
from gongzhi.grids.selectors import count_under
from gongzhi.org.models import GridAssignment, RoomKind, Staff
from gongzhi.people.models import Resident
from gongzhi.seeding.accounts import DEMO_PASSWORD

EXPECTED_ROLES = {
    "admin": Role.ADMIN,
    "leader": Role.LEADER,
    "center": Role.CENTER_STAFF,
    "gridworker": Role.GRID_WORKER,
    "mediator": Role.MEDIATOR,
    "counselor": Role.COUNSELOR,
    "police": Role.POLICE,
    "xifeng_center": Role.CENTER_STAFF,
    "xifeng_mediator": Role.MEDIATOR,
    "xifeng_judge": Role.OFFICER,
}


def _run(command: str, *args) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(db):
    _run("seed", "--scale", "demo", "--no-history")


@pytest.fixture
def accounts(seeded):
    return _run("demo_accounts")


def _user(username: str):
    return get_user_model().objects.get(username=username)


def test_it_creates_the_users_who_log_in_with_the_demo_password(accounts):
    for username in EXPECTED_ROLES:
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None, username


def test_each_demo_user_has_its_persona_role(accounts):
    assert {u: role_of(_user(u)) for u in EXPECTED_ROLES} == EXPECTED_ROLES
    assert _user("admin").is_superuser
    assert not _user("leader").is_superuser


def test_a_demo_user_can_sign_in_through_the_login_page(accounts, client):
    assert client.login(username="center", password=DEMO_PASSWORD)


def test_the_gridworker_is_responsible_for_the_whole_courtyard_and_nothing_else(accounts):
    gridworker = _user("gridworker")
    (unit_path,) = scope_paths(gridworker)
    unit = Grid.objects.get(path=unit_path)
    assert (unit.level, unit.name) == (Level.COMPOUND, "公园路46号楼院")
    assert unit.path.startswith(Grid.objects.get(name="金泉路社区").path)
    visible = Resident.objects.restrict(gridworker)
    assert visible.count() == count_under(Resident.objects.all(), "grid__path", unit) > 0
    assert visible.count() < Resident.objects.count()
    assert all(r.grid.path.startswith(unit.path) for r in visible.select_related("grid"))


def test_center_staff_see_jinquan_and_nothing_else(accounts):
    jinquan = Grid.objects.get(name="金泉路社区")
    assert scope_paths(_user("center")) == (jinquan.path,)


def test_the_leader_sees_the_whole_district_but_changes_nothing(accounts):
    leader = _user("leader")
    assert Resident.objects.restrict(leader).count() == Resident.objects.count()
    assert not Resident.objects.restrict(leader, "change").exists()
    assert not can(leader, CHANGE)


def test_room_staff_sit_in_their_rooms_of_the_jinquan_center(accounts):
    rooms = {
        "mediator": RoomKind.MEDIATION,
        "counselor": RoomKind.COUNSELING,
        "police": RoomKind.POLICE_LIAISON,
    }
    for username, kind in rooms.items():
        staff = _user(username).staff
        assert staff.room.kind == kind
        assert staff.room.center == staff.center
        assert staff.center.grid.name == "金泉路社区"


def test_xifeng_has_its_own_center_clerk_mediator_and_judge(accounts):
    xifeng = Grid.objects.get(name="西峰镇")
    for username in ("xifeng_center", "xifeng_mediator", "xifeng_judge"):
        staff = _user(username).staff
        assert staff.center.grid == xifeng
        assert scope_paths(_user(username)) == (xifeng.path,)
    assert _user("xifeng_mediator").staff.room.kind == RoomKind.MEDIATION
    judge = _user("xifeng_judge").staff
    assert (judge.department.kind, judge.department.center) == ("court", judge.center)


def test_running_it_again_keeps_the_judge_in_the_court(accounts):
    Staff.objects.filter(user__username="xifeng_judge").update(department=None)
    _run("demo_accounts")
    assert _user("xifeng_judge").staff.department.kind == "court"


def test_the_police_account_is_the_community_police_officer_of_jinquan(accounts):
    duties = _user("police").staff.grid_assignments.values_list("grid__name", "duty")
    assert list(duties) == [("金泉路社区", GridAssignment.Duty.POLICE)]


def test_running_it_again_keeps_one_account_per_persona(accounts):
    _run("demo_accounts")
    assert get_user_model().objects.filter(username__in=EXPECTED_ROLES).count() == 10
    assert Staff.objects.filter(user__username__in=EXPECTED_ROLES).count() == 10
    assert _user("gridworker").staff.grid_assignments.count() == 1


def test_running_it_again_restores_an_edited_account(accounts):
    user = _user("gridworker")
    user.set_password("something-else")
    user.save()
    Staff.objects.filter(user=user).update(role=Role.MEDIATOR, active=False)
    GridAssignment.objects.filter(staff__user=user).delete()
    _run("demo_accounts")
    assert authenticate(username="gridworker", password=DEMO_PASSWORD) is not None
    assert role_of(_user("gridworker")) == Role.GRID_WORKER
    assert len(scope_paths(_user("gridworker"))) == 1


def test_an_existing_user_without_a_profile_gets_the_persona(seeded):
    get_user_model().objects.create_user(username="leader", password="whatever-123")
    _run("demo_accounts")
    assert role_of(_user("leader")) == Role.LEADER


def test_it_prints_the_logins_as_a_table(accounts):
    lines = accounts.splitlines()
    for username, role in EXPECTED_ROLES.items():
        row = next(line for line in lines if line.split()[:1] == [username])
        assert str(role.label) in row and DEMO_PASSWORD in row


def test_it_refuses_outside_demo_mode(seeded, settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="演示模式"):
        _run("demo_accounts")
    assert not get_user_model().objects.filter(username__in=EXPECTED_ROLES).exists()


def test_it_asks_for_the_seed_when_the_district_is_missing(db):
    with pytest.raises(CommandError, match="gongzhi seed"):
        _run("demo_accounts")


def test_the_demo_gridworker_can_open_the_courtyards_deliberation(accounts):
    from gongzhi.deliberation.services import deliberation_open

    courtyard = Grid.objects.get(name="公园路46号楼院")
    deliberation = deliberation_open(by=_user("gridworker"), title="安装路灯", grid=courtyard)
    assert deliberation.grid == courtyard
