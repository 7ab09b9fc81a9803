"""core.access: scope_paths and restrict, below the API."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from gongzhi.core.access import can, grid_in_scope, restrict, scope_paths
from gongzhi.core.roles import CHANGE, Role
from gongzhi.org.models import GridAssignment, Staff
from gongzhi.org.services import staff_create
from gongzhi.people.models import Household, Resident


def _keys(district, qs) -> set[str]:
    names = {r.pk: key for key, r in district.residents.items()}
    return {names[pk] for pk in qs.values_list("pk", flat=True)}


def test_a_worker_with_two_grids_sees_both_subtrees(district):
    staff = staff_create(
        username="two",
        name="双网格",
        role=Role.GRID_WORKER,
        grids=[district.unit_a, district.unit_x],
    )
    assert _keys(district, Resident.objects.restrict(staff.user)) == {
        "a_head",
        "a_spouse",
        "x_head",
    }
    assert set(scope_paths(staff.user)) == {district.unit_a.path, district.unit_x.path}


def test_a_grid_inside_another_assigned_grid_adds_nothing_to_the_scope(district):
    staff = staff_create(
        username="nested",
        name="重叠",
        role=Role.GRID_WORKER,
        grids=[district.unit_a, district.jinquan],
    )
    assert scope_paths(staff.user) == (district.jinquan.path,)


def test_a_center_worker_sees_the_centers_grid_and_the_assigned_grids(district):
    center = district.xifeng.center
    staff = staff_create(
        username="both",
        name="中心兼网格",
        role=Role.CENTER_STAFF,
        center=center,
        grids=[district.unit_b],
    )
    assert _keys(district, Resident.objects.restrict(staff.user)) == {"b_head", "x_head"}


def test_an_inactive_staff_member_sees_nothing(district):
    user = district.users["center"]
    # No deactivation service exists yet; the flag is what access reads.
    Staff.objects.filter(user=user).update(active=False)
    user = get_user_model().objects.get(pk=user.pk)
    assert scope_paths(user) == ()
    assert not Resident.objects.restrict(user).exists()
    assert not can(user, CHANGE)


def test_an_anonymous_user_sees_nothing(district):
    anonymous = AnonymousUser()
    assert not Resident.objects.restrict(anonymous).exists()
    assert not Household.objects.restrict(anonymous).exists()
    assert not grid_in_scope(anonymous, district.unit_a)


def test_a_user_without_a_staff_profile_sees_nothing(district):
    user = get_user_model().objects.create_user(username="nobody", password="x-long-password")
    assert scope_paths(user) == ()
    assert not Resident.objects.restrict(user).exists()
    assert not Staff.objects.restrict(user).exists()


def test_district_wide_roles_have_no_path_filter(district):
    assert scope_paths(district.users["leader"]) is None
    assert Resident.objects.restrict(district.users["leader"]).count() == Resident.objects.count()


def test_a_read_only_role_gets_nothing_for_write_actions(district):
    leader = district.users["leader"]
    assert Resident.objects.restrict(leader, "view").exists()
    assert not Resident.objects.restrict(leader, "change").exists()


def test_restricting_through_a_to_many_lookup_keeps_each_row_once(district):
    staff = staff_create(
        username="many",
        name="多网格",
        role=Role.GRID_WORKER,
        grids=[district.unit_a, district.unit_b],
    )
    GridAssignment.objects.create(
        staff=staff, grid=district.unit_a, duty=GridAssignment.Duty.LEADER
    )
    pks = list(restrict(Staff.objects.all(), district.users["center"]).values_list("pk", flat=True))
    assert pks.count(staff.pk) == 1
