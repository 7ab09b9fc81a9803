"""Each role's navigation, landing page and waiting counts, read from the capability table."""

import itertools
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gongzhi.cases.models import Case, Category, Channel
from gongzhi.cases.services import case_act, case_create
from gongzhi.core.roles import Role
from gongzhi.core.testing import PASSWORD
from gongzhi.hotline import services as hotline
from gongzhi.org.models import RoomKind
from gongzhi.org.services import staff_create
from gongzhi.portal.models import BoardSetting
from gongzhi.portal.services import (
    account_bind_unit,
    account_get_or_create,
    bind_request_create,
    post_create,
)
from gongzhi.workbench.services import resident_collect_update

# The bar of each role, written out (not derived from core.navigation).
SHARED_MORE = {
    "/cases/map/",
    "/grids/",
    "/people/residents/",
    "/org/workers/",
    "/consultations/",
    "/deliberation/",
    "/realtime/live/",
}
EVERYONE = {"/cases/", "/realtime/staff/", "/kpis/"}
COMMAND = "/command/"
ALERTS = "/intel/alerts/"
ROOMS = {
    "/hall/",
    "/mediation/",
    "/counseling/",
    "/liaison/",
    "/care/",
    "/social/",
    "/org/departments/",
}
CENTER_WORK = {
    "/portal-staff/hotline/",
    "/portal-staff/moderation/",
    "/portal-staff/binds/",
    "/workbench/reviews/",
    "/hall/publicity/manage/",
    "/workbench/diary/",
    "/cards/",
}
EXPECTED_LINKS = {
    "admin": EVERYONE | ROOMS | SHARED_MORE | CENTER_WORK | {"/admin/", COMMAND, ALERTS},
    "leader": EVERYONE | SHARED_MORE | {"/workbench/diary/", "/cards/", COMMAND, ALERTS},
    "center": EVERYONE | ROOMS | SHARED_MORE | CENTER_WORK | {COMMAND, ALERTS},
    "mediator": EVERYONE | SHARED_MORE | {"/mediation/", "/workbench/diary/", ALERTS},
    "counselor": EVERYONE | SHARED_MORE | {"/counseling/", "/workbench/diary/"},
    "police": EVERYONE | SHARED_MORE | {"/liaison/", "/workbench/diary/", ALERTS},
    "care": EVERYONE | SHARED_MORE | {"/care/", "/workbench/diary/", ALERTS},
    "social": EVERYONE | SHARED_MORE | {"/social/", "/workbench/diary/"},
    "gridworker": EVERYONE | SHARED_MORE | {"/workbench/", "/liaison/", "/care/", "/cards/"},
    "officer": EVERYONE | SHARED_MORE,
}
LANDING = {
    "admin": "/cases/", "leader": "/kpis/", "center": "/cases/", "mediator": "/mediation/",
    "counselor": "/counseling/", "police": "/liaison/", "care": "/care/", "social": "/social/",
    "gridworker": "/workbench/", "officer": "/consultations/",
}  # fmt: skip
NAV = re.compile(r'<ul class="navbar-nav me-auto" id="staff-nav">(.*?)\n      </ul>', re.S)


@pytest.fixture
def everyone(district):
    """The personas plus a care worker, a social-organisation worker and a stationed
    department's officer (one per role)."""
    center = district.users["center"].staff.center
    for username, role, room in (
        ("care", Role.CARE_WORKER, RoomKind.CARE),
        ("social", Role.SOCIAL_WORKER, RoomKind.SOCIAL_ORGS),
        ("officer", Role.OFFICER, None),
    ):
        district.users[username] = staff_create(
            username=username,
            name=username,
            role=role,
            center=center,
            room_kind=room,
            password=PASSWORD,
        ).user
    return district


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _bar(html: str) -> str:
    match = NAV.search(html)
    assert match, "no staff bar on the page"
    return match.group(1)


def links(html: str) -> set[str]:
    return {href for href in re.findall(r'href="([^"]+)"', _bar(html)) if href != "#"}


def test_every_role_has_its_navigation_walked():
    roles = {"admin": Role.ADMIN, "leader": Role.LEADER, "center": Role.CENTER_STAFF,
             "mediator": Role.MEDIATOR, "counselor": Role.COUNSELOR, "police": Role.POLICE,
             "care": Role.CARE_WORKER, "social": Role.SOCIAL_WORKER,
             "gridworker": Role.GRID_WORKER, "officer": Role.OFFICER}  # fmt: skip
    assert set(roles) == set(EXPECTED_LINKS) == set(LANDING)
    assert set(roles.values()) == set(Role.values)  # a new role needs its row here


@pytest.mark.parametrize("username", sorted(EXPECTED_LINKS))
def test_each_role_sees_exactly_its_pages_and_each_opens(everyone, username):
    client = _client(everyone.users[username])
    found = links(client.get("/grids/").content.decode())
    assert found == EXPECTED_LINKS[username]
    for url in sorted(found):
        assert client.get(url, follow=True).status_code == 200, url


@pytest.mark.parametrize("username", sorted(LANDING))
def test_signing_in_lands_on_the_roles_own_page(everyone, username):
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": username, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[0][0] == "/start/"
    assert response.redirect_chain[1][0] == LANDING[username]
    assert response.status_code == 200


def test_a_next_address_still_wins_over_the_landing_page(everyone):
    response = Client().post(
        "/accounts/login/?next=/grids/", {"username": "leader", "password": PASSWORD}
    )
    assert response.url == "/grids/"


def test_a_resident_or_a_visitor_is_sent_to_the_portal_not_a_staff_page(district):
    account = account_get_or_create(phone="13800009999")
    assert _client(account.user).get("/start/").url == "/"
    assert Client().get("/start/").url.startswith("/accounts/login/")


def test_the_leader_sees_no_menu_it_cannot_use(everyone):
    bar = _bar(_client(everyone.users["leader"]).get("/kpis/", follow=True).content.decode())
    assert "一厅五室" not in bar and "审核" not in bar and "更多" in bar


def test_a_single_room_is_a_plain_link_and_several_make_a_menu(everyone):
    mediator = _bar(_client(everyone.users["mediator"]).get("/grids/").content.decode())
    assert "一厅五室" not in mediator and 'data-nav="mediation"' in mediator
    worker = _bar(_client(everyone.users["gridworker"]).get("/grids/").content.decode())
    assert "一厅五室" in worker  # 警民联络室 (hazards) and 关爱工作室


def test_the_current_page_is_marked_in_the_bar(everyone):
    html = _bar(_client(everyone.users["center"]).get("/portal-staff/binds/").content.decode())
    assert re.search(r'class="dropdown-item active" href="/portal-staff/binds/"', html)
    assert 'aria-current="page"' in html


# --- what waits -----------------------------------------------------------------------------


def _report(d, **extra) -> Case:
    return case_create(
        by=d.users["center"],
        title="楼院杂草无人清理",
        description="公园路46号楼院杂草丛生。",
        category=Category.objects.get(code="0301"),
        channel=Channel.HOTLINE,
        grid=d.unit_a,
        **extra,
    )


def _act(d, case, who, action, **params):
    case.refresh_from_db()
    return case_act(
        case=case, by=d.users[who], action=action, expected_version=case.version, **params
    )


SERIAL = itertools.count()


def add_waiting(d, n: int = 1) -> None:
    """n of each: a reported case, a resolved one (核查), an overdue one, a post to moderate,
    a bind request, a registry change to review and a ringing hotline call."""
    BoardSetting.objects.update_or_create(community=d.jinquan, defaults={"require_approval": True})
    room = d.users["center"].staff.center.rooms.get(kind=RoomKind.MEDIATION)
    for i in itertools.islice(SERIAL, n):
        _report(d)
        resolved = _report(d)
        _act(d, resolved, "center", "accept")
        _act(d, resolved, "center", "dispatch", to_room=room)
        for action in ("sign", "start", "resolve"):
            _act(d, resolved, "mediator", action)
        Case.objects.filter(pk=_report(d).pk).update(overdue=True)
        poster = account_get_or_create(phone=f"1370000{i:04d}")
        account_bind_unit(account=poster, unit=d.unit_a, via="qr")
        post_create(account=poster, text="楼道灯坏了")
        asker = account_get_or_create(phone=f"1360000{i:04d}")
        bind_request_create(account=asker, unit=d.unit_a, house_number="101")
        resident_collect_update(
            by=d.users["gridworker"], resident=d.residents["a_head"], phone=f"1390000{i:04d}"
        )
        hotline.hotline_call_receive(by=d.users["center"], caller=f"1350000{i:04d}")


def badges(client) -> dict[str, dict[str, int]]:
    """{"navc-<key>": {kind: n}} from the counts endpoint's out-of-band swaps."""
    html = client.get("/nav/counts/").content.decode()
    out = {}
    for key, body in re.findall(
        r'<span id="navc-([\w-]+)" hx-swap-oob="true">(.*?)</span>\n', html
    ):
        out[key] = {k: int(n) for k, n in re.findall(r'data-kind="(\w+)">(\d+)<', body)}
    return out


def test_the_center_sees_what_waits_for_it_next_to_each_entry(everyone):
    add_waiting(everyone)
    got = badges(_client(everyone.users["center"]))
    # todo: reported, resolved, the overdue one (reported too) and the post (a case as well)
    assert got["cases"] == {"todo": 4, "verify": 1, "overdue": 1}
    assert got["moderation"] == {"waiting": 1}
    assert got["binds"] == {"waiting": 1}
    assert got["reviews"] == {"waiting": 1}
    assert got["hotline"] == {"waiting": 1}
    assert got["menu-review"] == {"waiting": 3}
    assert got["calls"] == {}  # no one-key call waits: an empty badge clears an old one


def test_a_grid_worker_is_not_counted_what_only_the_center_can_do(everyone):
    add_waiting(everyone)
    got = badges(_client(everyone.users["gridworker"]))
    assert "verify" not in got["cases"]
    assert not {"moderation", "binds", "reviews", "hotline"} & set(got)


def test_counts_follow_scope_the_other_township_sees_none_of_it(everyone):
    add_waiting(everyone)
    got = badges(_client(everyone.users["xifeng_center"]))
    assert got["cases"] == {} and got["moderation"] == {} and got["binds"] == {}


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/nav/counts/").status_code == 200
    return len(captured)


# Session and user (2), the staff row (1), the scope (none district-wide, one for assigned
# grids, two more for a center's grid), then one COUNT per counted entry the role sees.
BUDGET = {"admin": 3 + 9, "center": 6 + 9, "leader": 3 + 3, "gridworker": 4 + 3, "counselor": 6 + 3}


@pytest.mark.parametrize("username", sorted(BUDGET))
def test_the_counts_cost_a_few_queries_that_do_not_grow_with_the_rows(everyone, username):
    client = _client(everyone.users[username])
    add_waiting(everyone)
    few = _queries(client)
    add_waiting(everyone, 3)
    many = _queries(client)
    assert many == few <= BUDGET[username]


def test_pages_do_not_pay_for_the_counts(everyone):
    client = _client(everyone.users["center"])
    html = client.get("/grids/").content.decode()
    assert 'data-nav-counts="/nav/counts/"' in html and "badge rounded-pill" not in _bar(html)


def test_the_counts_are_for_staff_only(district):
    account = account_get_or_create(phone="13800009999")
    assert _client(account.user).get("/nav/counts/").status_code == 204
    assert Client().get("/nav/counts/").status_code == 302


@pytest.mark.parametrize("path", ["/nav/counts/", "/start/"])
def test_junk_sent_to_the_nav_endpoints_is_ignored_or_refused(district, path):
    client = _client(district.users["center"])
    for junk in ("?inbox=%ff%fe", "?x=" + "长" * 5000, "?x=%01%02%7f", "?role=admin"):
        assert client.get(path + junk, follow=True).status_code == 200
    assert client.post(path, {"text": "x" * 10_000}).status_code == 405
    assert client.get(path + "?x=%00").status_code == 400  # NUL: refused at the door


def test_the_kept_bar_follows_the_page_the_language_and_the_role(everyone):
    """Each process keeps the rendered bar (core_nav.RENDERED) by its entries, the current
    page and the language: a kept bar must never show another page as current, another
    language or another role's links."""
    from django.conf import settings

    from gongzhi.core.templatetags.core_nav import RENDERED

    center = _client(everyone.users["center"])
    on_cases = _bar(center.get("/cases/").content.decode())
    on_grids = _bar(center.get("/grids/").content.decode())
    assert re.search(r'href="/cases/"[^>]*aria-current="page"', on_cases)
    assert not re.search(r'href="/cases/"[^>]*aria-current="page"', on_grids)
    assert _bar(center.get("/cases/").content.decode()) == on_cases  # kept, and the same
    assert len(RENDERED._rows) >= 2

    center.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = _bar(center.get("/cases/").content.decode())
    assert "事件" in on_cases
    assert english != on_cases and "事件" not in english

    gridworker = _client(everyone.users["gridworker"])
    assert links(gridworker.get("/cases/").content.decode()) == EXPECTED_LINKS["gridworker"]
    RENDERED.forget()
    assert _bar(_client(everyone.users["center"]).get("/cases/").content.decode()) == on_cases
