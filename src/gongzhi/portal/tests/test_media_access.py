"""Uploaded photos are served through views that check who is asking, never as public media."""

from gongzhi.portal import services

from .conftest import photo, resident, sign_in


def _post_with_photo(district):
    owner = resident(district, unit=district.unit_a)
    case = services.post_create(account=owner, text="楼道灯坏了", photos=[photo()])
    return owner, case.attachments.get()


def test_a_resident_sees_the_photo_of_their_own_post(client, district, media):
    owner, att = _post_with_photo(district)
    sign_in(client, owner)

    response = client.get(f"/me/photos/{att.pk}/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"  # a JPEG thumbnail


def test_another_resident_cannot_open_the_photo(client, district, media):
    _, att = _post_with_photo(district)
    sign_in(client, resident(district, phone="13911112222", unit=district.unit_b))

    assert client.get(f"/me/photos/{att.pk}/").status_code == 404


def test_my_posts_links_photos_through_the_checked_view(client, district, media):
    owner, att = _post_with_photo(district)
    sign_in(client, owner)

    body = client.get("/me/posts/").content.decode()

    assert f"/me/photos/{att.pk}/" in body
    assert "/media/" not in body
