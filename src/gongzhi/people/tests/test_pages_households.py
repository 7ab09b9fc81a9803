import pytest
from django.urls import reverse


def page(district, key):
    return reverse("people:household_detail", args=[district.households[key].pk])


@pytest.mark.parametrize(
    ("username", "key"),
    [("gridworker", "b"), ("gridworker", "x"), ("center", "x"), ("xifeng_center", "a")],
)
def test_a_household_outside_the_users_subtree_is_not_found(district, login, username, key):
    assert login(username).get(page(district, key)).status_code == 404


def test_the_household_page_shows_the_address_and_masked_members(district, login):
    body = login("gridworker").get(page(district, "a")).content.decode()
    assert district.households["a"].address in body
    for name in ("a_head", "a_spouse"):
        resident = district.residents[name]
        assert resident.masked_name in body and resident.name not in body
        assert resident.masked_id_number in body and resident.id_number not in body
    assert "户主" in body and "配偶" in body


def test_the_household_page_offers_adding_a_member_only_to_writers(district, login):
    add = reverse("people:resident_create", args=[district.households["a"].pk])
    assert add in login("gridworker").get(page(district, "a")).content.decode()
    assert add not in login("leader").get(page(district, "a")).content.decode()


def test_the_household_page_breadcrumbs_start_at_the_users_scope(district, login):
    body = login("center").get(page(district, "a")).content.decode()
    assert reverse("grids:detail", args=[district.jinquan.pk]) in body
    assert reverse("grids:detail", args=[district.unit_a.pk]) in body
    assert reverse("grids:detail", args=[district.root.pk]) not in body
