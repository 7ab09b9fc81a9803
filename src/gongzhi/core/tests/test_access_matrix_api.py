"""The role × subtree access matrix, through /api/v1/.

One table says what each persona may see and do; every test reads it. A new persona is
one row; a new object is one name added to the sets of the personas who should see it.
Every check compares the whole set (or the whole {object: status} map), so a leak and a
missing row both fail.
"""

from dataclasses import dataclass

import pytest

from gongzhi.core.models import AuditLog
from gongzhi.core.testing import fresh
from gongzhi.people.models import SPECIAL_TAGS, ResidentTag


@dataclass(frozen=True)
class Expect:
    residents: frozenset[str]  # keys of district.residents
    households: frozenset[str]  # keys of district.households
    workers: frozenset[str]  # usernames of grid workers
    grids: frozenset[str]  # names of District grid attributes
    special: bool  # sees special-population (重点人员) tags
    reveal: bool  # may reveal full identifiers inside the scope
    write: bool  # may create and change inside the scope


def _f(*items: str) -> frozenset[str]:
    return frozenset(items)


R_ALL = _f("a_head", "a_spouse", "b_head", "x_head")
R_JINQUAN = _f("a_head", "a_spouse", "b_head")
H_ALL, H_JINQUAN = _f("a", "b", "x"), _f("a", "b")
W_ALL = _f("gridworker", "gridworker_b")
G_JINQUAN = _f("jinquan", "group1", "courtyard", "building", "unit_a", "unit_b")
G_XIFENG = _f("xifeng", "unit_x")
G_ALL = G_JINQUAN | G_XIFENG | {"root"}

# fmt: off
MATRIX: dict[str, Expect] = {
    "admin":         Expect(R_ALL, H_ALL, W_ALL, G_ALL, special=True, reveal=True, write=True),
    "leader":        Expect(R_ALL, H_ALL, W_ALL, G_ALL, special=False, reveal=False, write=False),
    "center":        Expect(R_JINQUAN, H_JINQUAN, W_ALL, G_JINQUAN, special=True, reveal=True, write=True),
    "xifeng_center": Expect(_f("x_head"), _f("x"), _f(), G_XIFENG, special=True, reveal=True, write=True),
    "gridworker":    Expect(_f("a_head", "a_spouse"), _f("a"), _f("gridworker"), _f("unit_a"), special=False, reveal=False, write=True),
    "gridworker_b":  Expect(_f("b_head"), _f("b"), _f("gridworker_b"), _f("unit_b"), special=False, reveal=False, write=True),
    "police":        Expect(R_JINQUAN, H_JINQUAN, W_ALL, G_JINQUAN, special=True, reveal=True, write=False),
    "mediator":      Expect(R_JINQUAN, H_JINQUAN, W_ALL, G_JINQUAN, special=False, reveal=False, write=False),
    "counselor":     Expect(R_JINQUAN, H_JINQUAN, W_ALL, G_JINQUAN, special=False, reveal=False, write=False),
}
# fmt: on

PERSONAS = sorted(MATRIX)
GRID_KEYS = sorted(G_ALL)


def _names(response, by_pk: dict[int, str]) -> set[str]:
    assert response.status_code == 200, response.content
    return {by_pk[row["id"]] for row in response.json()["results"] if row["id"] in by_pk}


def _rows(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def _residents_by_pk(district) -> dict[int, str]:
    return {r.pk: key for key, r in district.residents.items()}


def _workers_by_pk(district) -> dict[int, str]:
    return {district.users[u].staff.pk: u for u in W_ALL}


def _grids_by_pk(district) -> dict[int, str]:
    return {getattr(district, key).pk: key for key in GRID_KEYS}


@pytest.fixture(params=PERSONAS)
def persona(request, district, login):
    return request.param, MATRIX[request.param], login(request.param)


# --- residents: list, retrieve, search ---


def test_the_resident_list_is_exactly_the_personas_scope(persona, district):
    _, expect, client = persona
    names = _names(client.get("/api/v1/residents/"), _residents_by_pk(district))
    assert names == expect.residents
    # No row at all outside the named objects either.
    assert len(_rows(client.get("/api/v1/residents/"))) == len(expect.residents)


def test_retrieving_a_resident_is_200_inside_the_scope_and_404_outside(persona, district):
    _, expect, client = persona
    statuses = {
        key: client.get(f"/api/v1/residents/{r.pk}/").status_code
        for key, r in district.residents.items()
    }
    assert statuses == {key: 200 if key in expect.residents else 404 for key in statuses}


@pytest.mark.parametrize(
    "query",
    [
        pytest.param(lambda r: r.id_number[-4:], id="id-suffix"),
        pytest.param(lambda r: r.id_number, id="full-id"),
        pytest.param(lambda r: r.name, id="name"),
        pytest.param(lambda r: r.phone, id="phone"),
    ],
)
def test_searching_finds_a_resident_only_inside_the_scope(persona, district, query):
    _, expect, client = persona
    by_pk = _residents_by_pk(district)
    found = {
        key: _names(client.get("/api/v1/residents/", {"q": query(r)}), by_pk)
        for key, r in district.residents.items()
    }
    assert found == {key: ({key} & expect.residents) for key in found}


# --- special-population tags ---


def test_special_tags_appear_only_for_personas_who_may_view_them(persona, district):
    _, expect, client = persona
    by_pk = _residents_by_pk(district)
    shown = {
        by_pk[row["id"]]: {t["tag"] for t in row["tags"]}
        for row in _rows(client.get("/api/v1/residents/"))
    }
    stored = {
        key: {t.tag for t in ResidentTag.objects.filter(resident=r)}
        for key, r in district.residents.items()
    }
    expected = {
        key: tags if expect.special else tags - SPECIAL_TAGS
        for key, tags in stored.items()
        if key in expect.residents
    }
    assert any(tags & SPECIAL_TAGS for tags in stored.values()), "nothing special to hide"
    assert shown == expected


@pytest.mark.parametrize("tag", ["community_correction", "released_prisoner", "elderly_alone"])
def test_filtering_by_tag_respects_scope_and_special_permission(persona, district, tag):
    _, expect, client = persona
    tagged = {
        key
        for key, r in district.residents.items()
        if ResidentTag.objects.filter(resident=r, tag=tag).exists()
    }
    hidden = tag in SPECIAL_TAGS and not expect.special
    found = _names(client.get("/api/v1/residents/", {"tag": tag}), _residents_by_pk(district))
    assert tagged, f"the district should carry the tag {tag}"
    assert found == (set() if hidden else tagged & expect.residents)


# --- reveal ---


def test_reveal_is_allowed_audited_or_refused_by_role_and_scope(persona, district):
    username, expect, client = persona
    results = {}
    for key, r in district.residents.items():
        before = AuditLog.objects.filter(target_id=str(r.pk), action="reveal").count()
        response = client.post(
            f"/api/v1/residents/{r.pk}/reveal/",
            {"reason": "核对身份"},
            content_type="application/json",
        )
        rows = AuditLog.objects.filter(target_id=str(r.pk), action="reveal")
        full = response.json().get("id_number") if response.status_code == 200 else None
        results[key] = (response.status_code, rows.count() - before, full == r.id_number)
        if response.status_code == 200:
            assert rows.first().actor.username == username
    expected = {
        key: (200, 1, True)
        if key in expect.residents and expect.reveal
        else ((403 if key in expect.residents else 404), 0, False)
        for key in results
    }
    assert results == expected


# --- writes ---


def test_updating_a_resident_needs_the_change_right_inside_the_scope(persona, district):
    _, expect, client = persona
    results = {}
    for key, r in district.residents.items():
        response = client.patch(
            f"/api/v1/residents/{r.pk}/", {"phone": "13512345678"}, content_type="application/json"
        )
        results[key] = (response.status_code, fresh(r).phone == "13512345678")
    expected = {
        key: (200, True)
        if expect.write and key in expect.residents
        else ((404 if expect.write else 403), False)
        for key in results
    }
    assert results == expected


def test_creating_a_household_needs_the_change_right_on_the_unit(persona, district):
    _, expect, client = persona
    results = {}
    for key in ("unit_a", "unit_b", "unit_x"):
        unit = getattr(district, key)
        response = client.post(
            "/api/v1/households/",
            {"unit": unit.pk, "house_number": "909"},
            content_type="application/json",
        )
        results[key] = (response.status_code, unit.households.filter(house_number="909").exists())
    expected = {
        key: (201, True)
        if expect.write and key in expect.grids
        else ((400 if expect.write else 403), False)
        for key in results
    }
    assert results == expected


# --- households, workers, grids ---


def test_the_household_list_and_retrieve_follow_the_scope(persona, district):
    _, expect, client = persona
    by_pk = {h.pk: key for key, h in district.households.items()}
    listed = _names(client.get("/api/v1/households/"), by_pk)
    retrieved = {
        key: client.get(f"/api/v1/households/{h.pk}/").status_code
        for key, h in district.households.items()
    }
    assert listed == expect.households
    assert retrieved == {key: 200 if key in expect.households else 404 for key in retrieved}


def test_the_worker_list_and_retrieve_follow_the_scope(persona, district):
    _, expect, client = persona
    by_pk = _workers_by_pk(district)
    listed = _names(client.get("/api/v1/workers/"), by_pk)
    retrieved = {
        username: client.get(f"/api/v1/workers/{pk}/").status_code for pk, username in by_pk.items()
    }
    assert listed == expect.workers
    assert retrieved == {u: 200 if u in expect.workers else 404 for u in retrieved}


def test_the_grid_list_and_retrieve_follow_the_scope(persona, district):
    _, expect, client = persona
    by_pk = _grids_by_pk(district)
    listed = _names(client.get("/api/v1/grids/"), by_pk)
    retrieved = {key: client.get(f"/api/v1/grids/{pk}/").status_code for pk, key in by_pk.items()}
    assert listed == expect.grids
    assert retrieved == {key: 200 if key in expect.grids else 404 for key in retrieved}
