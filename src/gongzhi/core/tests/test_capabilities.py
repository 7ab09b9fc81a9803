"""The one permission table (core.roles): every role × every capability, against a matrix
written out here by hand (not derived from the table), and the guard that keeps role names out
of every other module."""

import ast
import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

import gongzhi
from gongzhi.core.access import can, require
from gongzhi.core.roles import CAPABILITIES, DENIED, LANDING, Role, has, roles_with
from gongzhi.org.models import RoomKind
from gongzhi.org.services import staff_create

# capability          admin leader center mediator counselor police care social grid officer
MATRIX = """
change                  x     .      x      .        .        .     .     .     x     .
reveal_pii              x     .      x      .        .        x     .     .     .     .
view_special            x     .      x      .        .        x     .     .     .     .
import                  x     .      x      .        .        .     .     .     .     .
export                  x     x      x      .        .        .     .     .     .     .
print_cards             x     x      x      .        .        .     .     .     x     .
manage_grids            x     .      .      .        .        .     .     .     .     .
admin_site              x     .      .      .        .        .     .     .     .     .
case_dispatch           x     .      x      .        .        .     .     .     x     .
case_supervise          x     .      x      .        .        .     .     .     .     .
case_self_handle        .     .      .      .        .        .     .     .     x     .
center_alerts           x     .      x      .        .        .     .     .     .     .
moderate                x     .      x      .        .        .     .     .     .     .
bind_approve            x     .      x      .        .        .     .     .     .     .
hotline                 x     .      x      .        .        .     .     .     .     .
live_schedule           x     .      x      .        .        .     .     .     .     .
hall                    x     .      x      .        .        .     .     .     .     .
publicity               x     .      x      .        .        .     .     .     .     .
mediate                 x     .      x      x        .        .     .     .     .     .
counsel                 .     .      .      .        x        .     .     .     .     .
counseling_manage       x     .      x      .        .        .     .     .     .     .
counseling_schedule     x     .      x      .        x        .     .     .     .     .
care                    x     .      x      .        .        .     x     .     x     .
care_assignee           .     .      x      .        .        .     x     .     x     .
police_refer            x     .      x      .        .        .     .     .     .     .
police_record           x     .      x      .        .        x     .     .     .     .
police_duty             .     .      .      .        .        x     .     .     .     .
key_persons             x     .      x      .        .        x     .     .     .     .
keep_departments        x     .      x      .        .        .     .     .     .     .
hazard                  x     .      x      .        .        x     .     .     x     .
social_manage           x     .      x      .        .        .     .     x     .     .
fieldwork               .     .      .      .        .        .     .     .     x     .
diary_review            x     x      x      x        x        x     x     x     .     .
change_review           x     .      x      .        .        .     .     .     .     .
command                 x     x      x      .        .        .     .     .     .     .
alerts                  x     x      x      x        .        x     x     .     .     .
alerts_read             x     x      x      .        .        .     .     .     .     .
alerts_handle_any       x     .      .      .        .        .     .     .     .     .
alerts_mediation        .     .      .      x        .        .     .     .     .     .
alerts_center           .     .      x      .        .        .     .     .     .     .
alerts_police           .     .      .      .        .        x     .     .     .     .
alerts_care             .     .      .      .        .        .     x     .     .     ."""
COLUMNS = [
    "admin",
    "leader",
    "center_staff",
    "mediator",
    "counselor",
    "police",
    "care_worker",
    "social_worker",
    "grid_worker",
    "officer",
]
ROWS = {line.split()[0]: line.split()[1:] for line in MATRIX.strip().splitlines()}
EXPECTED = {
    (role, cap): mark == "x"
    for cap, marks in ROWS.items()
    for role, mark in zip(COLUMNS, marks, strict=True)
}


def test_the_matrix_names_every_capability_and_every_role():
    assert set(ROWS) == set(CAPABILITIES)
    assert set(COLUMNS) == set(Role.values)


@pytest.mark.parametrize(("role", "capability"), sorted(EXPECTED))
def test_each_role_has_exactly_the_capabilities_of_the_matrix(role, capability):
    assert has(role, capability) is EXPECTED[(role, capability)]
    assert (role in roles_with(capability)) is EXPECTED[(role, capability)]


def test_no_role_has_a_capability_it_is_not_given_and_nobody_without_a_role_has_any():
    for capability in CAPABILITIES:
        assert not has(None, capability)
        assert not has("no_such_role", capability)


def test_an_unknown_capability_is_a_programming_error_not_a_quiet_no():
    with pytest.raises(KeyError):
        has(Role.ADMIN, "chnage")


@pytest.fixture
def people(district):
    """One signed-in user per role (the personas, plus a care and a social worker)."""
    center = district.users["center"].staff.center
    users = {
        "admin": district.users["admin"], "leader": district.users["leader"],
        "center_staff": district.users["center"], "mediator": district.users["mediator"],
        "counselor": district.users["counselor"], "police": district.users["police"],
        "grid_worker": district.users["gridworker"],
    }  # fmt: skip
    rooms = {Role.CARE_WORKER: RoomKind.CARE, Role.SOCIAL_WORKER: RoomKind.SOCIAL_ORGS}
    for role, room in rooms.items():
        users[role.value] = staff_create(
            username=role.value, name=role.value, role=role, center=center, room_kind=room
        ).user
    return users


def test_can_gives_each_persona_exactly_its_row_of_the_matrix(people):
    for role, user in people.items():
        got = {cap for cap in CAPABILITIES if can(user, cap)}
        assert got == {cap for cap in CAPABILITIES if EXPECTED[(role, cap)]}, role


def test_an_inactive_staff_member_can_do_nothing(people):
    staff = people["center_staff"].staff
    staff.active = False
    staff.save(update_fields=["active"])
    assert not any(can(people["center_staff"], cap) for cap in CAPABILITIES)


def test_can_with_a_grid_also_asks_for_scope(district):
    center, gridworker = district.users["center"], district.users["gridworker"]
    assert can(center, "hall", district.jinquan)
    assert not can(center, "hall", district.xifeng)  # another township's center
    assert can(gridworker, "case_dispatch", district.unit_a)
    assert not can(gridworker, "case_dispatch", district.unit_b)  # the neighbour's unit
    assert not can(gridworker, "hall", district.unit_a)  # in scope, but not the role's work


def test_require_refuses_with_the_capabilitys_chinese_message_or_the_callers(district):
    gridworker = district.users["gridworker"]
    with pytest.raises(PermissionDenied) as refused:
        require(gridworker, "mediate", district.jinquan)
    assert str(refused.value) == "您无权办理该综治中心的矛盾纠纷调解" == str(DENIED["mediate"])
    with pytest.raises(PermissionDenied) as refused:
        require(district.users["center"], "hall", district.xifeng, "该中心不归您管")
    assert str(refused.value) == "该中心不归您管"
    with pytest.raises(PermissionDenied) as refused:
        require(gridworker, "export")
    assert str(refused.value) == "您无权进行此操作"
    require(district.users["center"], "hall", district.jinquan)  # allowed: no exception


def test_every_role_has_a_landing_page():
    assert set(LANDING) == set(Role.values)


# --- the guard: no role name outside the table ----------------------------------------------

SRC = Path(gongzhi.__file__).parent
ROLE_VALUES = frozenset(Role.values)
# Values that are never anything but a role (the others are also words: admin, police …).
ONLY_ROLES = frozenset({"center_staff", "care_worker", "social_worker", "grid_worker"})
# The table, and its one reader (role_of, can, require, district_wide).
EXEMPT = {SRC / "core" / "roles.py", SRC / "core" / "access.py"}


def _is_role_literal(node) -> bool:
    return isinstance(node, ast.Constant) and node.value in ROLE_VALUES


def _is_role_member(node) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "Role"
    )


def _elements(node) -> list:
    if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("frozenset", "set"):
        node = node.args[0] if node.args else node
    return list(node.elts) if isinstance(node, ast.Set | ast.List | ast.Tuple) else [node]


def _all_roles(elements) -> bool:
    return len(elements) > 1 and all(_is_role_literal(e) or _is_role_member(e) for e in elements)


def _calls_role_of(node) -> bool:
    return isinstance(node, ast.Call) and getattr(node.func, "id", "") == "role_of"


def _choice_definitions(tree) -> set[int]:
    """ids of constants that define a TextChoices member (`GRID_WORKER = "grid_worker", _()`)."""
    out = set()
    for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
        for stmt in cls.body:
            if isinstance(stmt, ast.Assign):
                out |= {id(c) for c in _elements(stmt.value) if isinstance(c, ast.Constant)}
    return out


def python_violations(source: str) -> list[str]:
    """Role names used for permission outside the table, as "line: reason"."""
    tree = ast.parse(source)
    allowed = _choice_definitions(tree)
    found = []
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            literal = any(_is_role_literal(e) for side in sides for e in _elements(side))
            if literal and any("role" in ast.unparse(s) for s in sides):
                found.append(f"{line}: a role compared as a string")
            others = [s for s in sides if not _calls_role_of(s)]
            none = all(isinstance(s, ast.Constant) and s.value is None for s in others)
            if len(others) < len(sides) and not none:
                found.append(f"{line}: role_of() compared: ask can(user, capability)")
        elif isinstance(node, ast.keyword) and re.fullmatch(r"role(__\w+)?", node.arg or ""):
            if any(_is_role_literal(e) for e in _elements(node.value)):
                found.append(f"{line}: a role named as a string in a query")
        elif isinstance(node, ast.Set | ast.List | ast.Tuple) and _all_roles(node.elts):
            found.append(f"{line}: a set of roles: name a capability in core/roles.py")
        if isinstance(node, ast.Constant) and node.value in ONLY_ROLES and id(node) not in allowed:
            found.append(f"{line}: the role {node.value!r} as a string")
    return sorted(set(found))


TEMPLATE_ROLE = re.compile(r"""role\s*[!=]=\s*["'](\w+)["']""")
QUOTED_ROLE = re.compile(r"""["']({})["']""".format("|".join(sorted(ONLY_ROLES))))


def template_violations(text: str) -> list[str]:
    found = [m.group(0) for m in TEMPLATE_ROLE.finditer(text) if m.group(1) in ROLE_VALUES]
    return found + [m.group(0) for m in QUOTED_ROLE.finditer(text)]


def _sources(*suffixes):
    for path in sorted(SRC.rglob("*")):
        parts = path.relative_to(SRC).parts
        if path.suffix in suffixes and "tests" not in parts and "migrations" not in parts:
            yield path


def test_no_module_but_the_table_names_a_role_for_a_permission():
    found = {}
    for path in _sources(".py"):
        if path not in EXEMPT and (hits := python_violations(path.read_text(encoding="utf-8"))):
            found[str(path.relative_to(SRC))] = hits
    assert found == {}


def test_no_template_or_script_compares_a_role_name():
    found = {}
    for path in _sources(".html", ".js", ".txt"):
        if hits := template_violations(path.read_text(encoding="utf-8")):
            found[str(path.relative_to(SRC))] = hits
    assert found == {}


@pytest.mark.parametrize(
    "snippet",
    [
        'if staff.role == "grid_worker": pass',
        'if role_of(user) == "counselor": pass',
        "if role_of(user) in MANAGERS: pass",
        "if role_of(by) not in (Role.CENTER_STAFF, Role.ADMIN): pass",
        'SCHEDULERS = frozenset({"admin", "center_staff", "counselor"})',
        "HALL_ROLES = frozenset({Role.ADMIN, Role.CENTER_STAFF})",
        'Staff.objects.filter(role="counselor", active=True)',
        'Staff.objects.filter(role__in=["police", "admin"])',
        'LEADERS = ["grid_worker"]',
    ],
)
def test_the_guard_catches_each_old_way_of_checking_a_role(snippet):
    assert python_violations(snippet)


@pytest.mark.parametrize(
    "snippet",
    [
        "if role_of(user) is None: pass",
        "if can(user, MEDIATE, center.grid): pass",
        "Staff.objects.filter(role__in=roles_with(COUNSEL))",
        'DemoAccount("police", "社区民警", Role.POLICE)',
        'class Source(TextChoices):\n    GRID_WORKER = "grid_worker", _("网格员工作台")',
        'ValidationError({"counselor": "请选择在岗的心理咨询师"})',
    ],
)
def test_the_guard_lets_non_permission_uses_of_the_words_pass(snippet):
    assert python_violations(snippet) == []


def test_the_template_guard_catches_a_role_comparison():
    assert template_violations('{% if user.staff.role != "grid_worker" %}')
    assert template_violations("{% if staff.role == 'mediator' %}")
    assert template_violations("{% if can_review %}") == []
