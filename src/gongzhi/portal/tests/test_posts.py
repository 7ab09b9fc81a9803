"""民情留言板 posts: each becomes a case, idempotently; bad input writes nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from gongzhi.cases.models import Attachment, Case, Channel
from gongzhi.portal import services
from gongzhi.portal.models import PostModeration

from .conftest import photo, png_bytes, resident, sign_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("楼道里的路灯坏了好几天", "04"),
        ("楼下垃圾堆了一周没人清理", "03"),
        ("邻居装修噪音扰民", "01"),
        ("我想咨询一下医保报销", "05"),
        ("今天天气很好", None),
    ],
)
def test_it_suggests_a_category_from_the_text(text, code):
    found = services.category_suggest(text)

    assert (found.code if found else None) == code


def test_a_post_becomes_a_public_message_board_case_from_the_residents_unit(district, media):
    account = resident(district)

    case = services.post_create(account=account, text="楼下垃圾堆了一周", photos=[photo()])

    assert (case.channel, case.grid, case.category.code, case.is_public) == (
        Channel.MESSAGE_BOARD,
        district.unit_a,
        "03",
        True,
    )
    assert case.reporter_user == account.user and case.attachments.count() == 1
    assert case.board.status == PostModeration.Status.PUBLISHED


def test_the_same_idempotency_key_gives_one_case(district):
    account = resident(district)

    first = services.post_create(account=account, text="路灯坏了", idempotency_key="k1")
    again = services.post_create(account=account, text="路灯坏了", idempotency_key="k1")

    assert first.pk == again.pk and Case.objects.count() == 1


def test_it_refuses_to_post_before_the_resident_is_bound_to_a_unit(district):
    account = resident(district, phone="13855556666")

    with pytest.raises(ValidationError, match="请先绑定"):
        services.post_create(account=account, text="路灯坏了")
    assert not Case.objects.exists()


def test_it_refuses_more_than_nine_photos(district, media):
    with pytest.raises(ValidationError, match="最多上传9张照片"):
        services.post_create(
            account=resident(district), text="路灯坏了", photos=[photo() for _ in range(10)]
        )
    assert not Case.objects.exists()


def test_it_rejects_a_file_that_is_not_an_image_with_a_chinese_message(district, client, media):
    account = resident(district)
    fake = photo("virus.png", b"MZ\x90\x00 not an image at all")

    response = sign_in(client, account).post(
        reverse("portal_post_new"),
        {"text": "路灯坏了", "key": "k-bad", "photos": [fake]},
        headers={"X-Portal-Fetch": "1"},
    )

    assert response.status_code == 400 and "不是支持的格式" in response.json()["errors"]["photos"]
    assert not Case.objects.exists() and not Attachment.objects.exists()


def test_it_rejects_an_oversized_photo_and_keeps_the_text(district, client, media, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    account = resident(district)
    big = photo("big.png", png_bytes(size=(400, 400)) + b"\0" * 2000)

    response = sign_in(client, account).post(
        reverse("portal_post_new"), {"text": "路灯坏了好几天", "key": "k-big", "photos": [big]}
    )

    body = response.content.decode()
    assert response.status_code == 400 and "超过大小上限" in body and "路灯坏了好几天" in body
    assert not Case.objects.exists()


def test_a_script_in_a_post_is_shown_escaped_on_the_board(district, client):
    account = resident(district)
    services.post_create(account=account, text="<script>alert('x')</script>垃圾没人管")

    page = client.get(reverse("portal_board", args=[district.jinquan.pk])).content.decode()

    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "<script>alert" not in page


def test_the_form_post_redirects_to_my_posts_with_the_new_case(district, client, media):
    account = resident(district)

    response = sign_in(client, account).post(
        reverse("portal_post_new"), {"text": "路灯坏了", "key": "k-form", "is_public": "on"}
    )

    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#case-{case.pk}")
    page = client.get(reverse("portal_my_posts")).content.decode()
    assert page.count(f'data-case="{case.number}"') == 1


def test_the_post_page_needs_a_signed_in_resident(client):
    response = client.get(reverse("portal_post_new"))

    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")
