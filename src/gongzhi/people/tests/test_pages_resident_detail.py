import pytest
from django.urls import reverse

from gongzhi.core.models import AuditLog
from gongzhi.people.tests.pages import shown_tags


def detail(district, name):
    return reverse("people:resident_detail", args=[district.residents[name].pk])


def reveal(district, name):
    return reverse("people:resident_reveal", args=[district.residents[name].pk])


@pytest.mark.parametrize(
    ("username", "name"),
    [
        ("gridworker", "b_head"),
        ("gridworker", "x_head"),
        ("center", "x_head"),
        ("xifeng_center", "a_head"),
    ],
)
def test_a_resident_outside_the_users_subtree_is_not_found(district, login, username, name):
    assert login(username).get(detail(district, name)).status_code == 404


def test_a_grid_worker_opens_a_resident_of_their_unit(district, login):
    assert login("gridworker").get(detail(district, "a_head")).status_code == 200


def test_the_detail_page_is_masked_by_default(district, login):
    a_head = district.residents["a_head"]
    body = login("center").get(detail(district, "a_head")).content.decode()
    assert a_head.masked_id_number in body and a_head.masked_phone in body
    for full in (a_head.name, a_head.id_number, a_head.phone):
        assert full not in body


def test_the_detail_page_lists_household_members_masked(district, login):
    a_spouse = district.residents["a_spouse"]
    body = login("center").get(detail(district, "a_head")).content.decode()
    assert a_spouse.masked_name in body
    assert a_spouse.name not in body
    assert "配偶" in body


def test_the_detail_page_links_the_grid_breadcrumbs_in_scope(district, login):
    body = login("gridworker").get(detail(district, "a_head")).content.decode()
    assert reverse("grids:detail", args=[district.unit_a.pk]) in body
    assert reverse("grids:detail", args=[district.building.pk]) not in body  # above their scope


@pytest.mark.parametrize(
    ("username", "shown"),
    [("center", True), ("police", True), ("gridworker", False), ("leader", False)],
)
def test_the_special_tag_on_the_detail_page_follows_view_special(district, login, username, shown):
    response = login(username).get(detail(district, "a_spouse"))
    assert ("community_correction" in shown_tags(response)) is shown


def test_roles_without_reveal_never_see_the_reveal_button(district, login):
    for username in ("gridworker", "leader", "mediator"):
        assert (
            "查看完整信息" not in login(username).get(detail(district, "a_head")).content.decode()
        )
    assert "查看完整信息" in login("center").get(detail(district, "a_head")).content.decode()


def test_revealing_shows_full_values_and_writes_one_audit_row(district, login):
    a_head = district.residents["a_head"]
    response = login("center").post(reveal(district, "a_head"), {"reason": "核实低保申请"})
    body = response.content.decode()
    assert response.status_code == 200
    assert a_head.id_number in body and a_head.phone in body and a_head.name in body
    row = AuditLog.objects.get()
    assert row.actor == district.users["center"]
    assert row.reason == "核实低保申请"
    assert (row.action, row.target_type, row.target_id) == (
        "reveal",
        "people.resident",
        str(a_head.pk),
    )


def test_an_htmx_reveal_returns_the_identity_card_only(district, login):
    a_head = district.residents["a_head"]
    response = login("police").post(
        reveal(district, "a_head"), {"reason": "走访核查"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "<html" not in body
    assert 'id="identity"' in body and a_head.id_number in body
    assert "no-store" in response["Cache-Control"]


def test_revealing_without_a_reason_shows_a_chinese_error_and_writes_nothing(district, login):
    a_head = district.residents["a_head"]
    response = login("center").post(
        reveal(district, "a_head"), {"reason": "  "}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "请填写查看事由" in body
    assert a_head.id_number not in body
    assert AuditLog.objects.count() == 0


def test_a_too_short_reason_is_kept_in_the_form_after_the_error(district, login):
    response = login("center").post(reveal(district, "a_head"), {"reason": "查"})
    body = response.content.decode()
    assert "请填写查看事由" in body
    assert 'value="查"' in body
    assert AuditLog.objects.count() == 0


@pytest.mark.parametrize("username", ["gridworker", "leader", "mediator"])
def test_a_forged_reveal_without_permission_is_forbidden_and_not_logged(district, login, username):
    response = login(username).post(reveal(district, "a_head"), {"reason": "伪造请求"})
    assert response.status_code == 403
    assert district.residents["a_head"].id_number not in response.content.decode()
    assert AuditLog.objects.count() == 0


def test_revealing_a_resident_outside_the_subtree_is_not_found_and_not_logged(district, login):
    response = login("center").post(reveal(district, "x_head"), {"reason": "越权查看"})
    assert response.status_code == 404
    assert AuditLog.objects.count() == 0


def test_reveal_only_accepts_post(district, login):
    assert login("center").get(reveal(district, "a_head")).status_code == 405
    assert AuditLog.objects.count() == 0


@pytest.mark.parametrize("reason", ["x", "查查", "aaaa", "啊啊啊啊啊", "核实\x00身份", "ab c"])
def test_a_junk_reveal_reason_is_refused_by_page_and_api(district, login, reason):
    from rest_framework.authtoken.models import Token

    response = login("center").post(reveal(district, "a_head"), {"reason": reason})
    token = Token.objects.create(user=district.users["center"]).key
    api = login("center").post(
        f"/api/v1/residents/{district.residents['a_head'].pk}/reveal/",
        {"reason": reason},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
    )

    assert response.status_code in (200, 400) and api.status_code == 400
    assert AuditLog.objects.count() == 0


@pytest.mark.parametrize("reason", ["核查", "入户走访", "核对低保"])
def test_a_listed_or_four_character_reason_reveals(district, login, reason):
    page = login("center").get(f"/people/residents/{district.residents['a_head'].pk}/")
    assert 'datalist id="reveal-reasons"' in page.content.decode()

    response = login("center").post(reveal(district, "a_head"), {"reason": reason})

    assert response.status_code == 200 and AuditLog.objects.get().reason == reason
