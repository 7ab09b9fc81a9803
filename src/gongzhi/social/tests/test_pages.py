"""Social-organisations pages."""

from gongzhi.org.models import Center
from gongzhi.social.models import Member, Organisation


def test_the_pages_register_an_organisation_and_a_member(district, login):
    client = login("center")
    center = Center.objects.get(grid=district.jinquan)
    response = client.post(
        "/social/", {"center": center.pk, "name": "妈妈唠嗑队", "kind": "mothers_chat"}
    )
    assert response.status_code == 302
    org = Organisation.objects.get()
    response = client.post(
        f"/social/{org.pk}/",
        {"add_member": "1", "name": "刘阿姨", "phone": "13700001111", "can_mediate": "on"},
    )
    assert response.status_code == 302
    assert Member.objects.get().can_mediate is True
    assert client.get("/social/ranking/").status_code == 200


def test_a_member_with_a_bad_phone_writes_nothing_and_keeps_the_name(district, login):
    client = login("center")
    center = Center.objects.get(grid=district.jinquan)
    client.post("/social/", {"center": center.pk, "name": "和事佬", "kind": "peacemakers"})
    org = Organisation.objects.get()
    response = client.post(
        f"/social/{org.pk}/", {"add_member": "1", "name": "赵大爷", "phone": "12"}
    )
    assert response.status_code == 400
    assert "赵大爷" in response.content.decode() and Member.objects.count() == 0


def test_another_townships_organisation_is_not_found(district, login):
    center = Center.objects.get(grid=district.jinquan)
    login("center").post(
        "/social/", {"center": center.pk, "name": "志愿队", "kind": "volunteer_team"}
    )
    org = Organisation.objects.get()
    login_x = login("xifeng_center")
    assert login_x.get(f"/social/{org.pk}/").status_code == 404
