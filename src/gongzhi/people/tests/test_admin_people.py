from django.urls import reverse


def test_the_resident_admin_list_shows_only_masked_values(district, login):
    body = login("admin").get(reverse("admin:people_resident_changelist")).content.decode()
    for resident in district.residents.values():
        assert resident.masked_id_number in body and resident.masked_name in body
        for full in (resident.name, resident.id_number, resident.phone):
            assert full not in body


def test_the_resident_admin_finds_a_resident_by_full_name_and_shows_it_masked(district, login):
    url = reverse("admin:people_resident_changelist") + "?q=茹玉芳"
    body = login("admin").get(url).content.decode()
    assert "茹**" in body and "周**" not in body
    assert "茹玉芳" not in body.replace('value="茹玉芳"', "")  # only the echoed search box


def test_the_resident_admin_page_never_shows_the_encrypted_or_full_identifiers(district, login):
    a_head = district.residents["a_head"]
    url = reverse("admin:people_resident_change", args=[a_head.pk])
    body = login("admin").get(url).content.decode()
    assert a_head.masked_id_number in body
    for secret in (a_head.id_number_enc, a_head.id_number, a_head.phone, a_head.name):
        assert secret not in body


def test_residents_cannot_be_added_or_deleted_in_the_admin(district, login):
    client = login("admin")
    assert client.get(reverse("admin:people_resident_add")).status_code == 403
    pk = district.residents["a_head"].pk
    assert (
        client.post(reverse("admin:people_resident_delete", args=[pk]), {"post": "yes"}).status_code
        == 403
    )


def test_the_household_admin_list_masks_addresses(district, login):
    body = login("admin").get(reverse("admin:people_household_changelist")).content.decode()
    assert "金泉路社区…" in body
    assert district.households["a"].address not in body
