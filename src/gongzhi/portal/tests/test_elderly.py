"""An elderly resident can use the portal (issue 15.8), without a browser: the one-key call
for everyone, no success swallowed, nothing pre-ticked for her, and a language control.
The sizes, fonts and axe-core checks are in test_browser_accessibility.py."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from gongzhi.cases.models import Case, FollowUp, OutboundMessage
from gongzhi.portal import services
from gongzhi.portal.models import PostReaction

from .conftest import resident, sign_in
from .test_board import closed_post

pytestmark = pytest.mark.django_db
CALL = reverse("realtime:call")


def shown(response) -> str:
    return response.content.decode()


# --- the one-key call on the home page -------------------------------------------------------


def test_signed_out_the_home_page_offers_the_one_key_call_through_sign_in(client, district):
    page = shown(client.get("/"))

    link = re.search(r"<a [^>]*data-onekey-call[^>]*>", page).group(0)
    assert f'href="{reverse("portal_login")}?next={CALL}"' in link


def test_signing_in_from_the_one_key_call_comes_back_to_the_call(client, district):
    client.get(reverse("portal_login"), {"next": CALL})
    client.post(reverse("portal_login"), {"phone": "13800001234"})
    code = OutboundMessage.objects.filter(to="13800001234").latest("pk").params["code"]

    response = client.post(reverse("portal_verify"), {"code": code})

    assert response.status_code == 302 and response["Location"] == CALL
    assert "data-onekey-call" in shown(client.get("/"))  # bound by the registry: the button


def test_an_outside_next_after_sign_in_goes_home_not_away(client, district):
    client.get(reverse("portal_login"), {"next": "https://evil.example/realtime/call/"})
    client.post(reverse("portal_login"), {"phone": "13800001234"})
    code = OutboundMessage.objects.filter(to="13800001234").latest("pk").params["code"]

    assert client.post(reverse("portal_verify"), {"code": code})["Location"] == "/"


# --- no success swallowed ----------------------------------------------------------------------


def post(client, text="小区门口垃圾没人清理", **headers):
    data = {"text": text, "category": "", "key": "k-" + str(len(text)), "is_public": "on"}
    return client.post(reverse("portal_post_new"), data, headers=headers)


def test_a_post_sent_without_a_script_says_it_went_through(client, district):
    sign_in(client, resident(district))

    response = client.get(post(client)["Location"])

    number = Case.objects.get().number
    assert f"提交成功!您的留言编号 {number}" in shown(response)


def test_a_post_sent_by_the_script_is_announced_once_on_the_page_it_lands_on(client, district):
    sign_in(client, resident(district))

    answer = post(client, **{"X-Portal-Fetch": "1"})
    body = answer.json()

    page = shown(client.get(body["redirect"]))
    assert body["ok"] and page.count("提交成功!") == 1
    assert "提交成功!" not in shown(client.get(body["redirect"]))  # told once, not forever


@pytest.mark.parametrize("text", ["", "   ", "长" * 2001])
def test_a_refused_post_says_why_and_never_success(client, district, text):
    sign_in(client, resident(district))

    response = post(client, text=text)

    assert response.status_code == 400 and "提交成功" not in shown(response)
    assert not Case.objects.exists()


def test_pressing_me_too_and_follow_is_confirmed(client, district):
    case = services.post_create(account=resident(district), text="路灯坏了")
    sign_in(client, resident(district, phone="13900005678"))
    url = reverse("portal_post_react", args=[case.pk])

    support = shown(client.post(url, {"kind": "support"}, follow=True))
    follow = shown(client.post(url, {"kind": "follow", "on": "1"}, follow=True))
    unfollow = shown(client.post(url, {"kind": "follow", "on": "0"}, follow=True))

    assert "已记录:您也遇到了这个问题" in support
    assert "已关注这条留言" in follow and "已取消关注" in unfollow


@pytest.mark.parametrize("kind", ["", "like", "支持", "x" * 5000, "support\x00"])
def test_a_garbage_reaction_is_refused_and_not_confirmed(client, district, kind):
    case = services.post_create(account=resident(district), text="路灯坏了")
    sign_in(client, resident(district, phone="13900005678"))

    response = client.post(
        reverse("portal_post_react", args=[case.pk]), {"kind": kind}, follow=True
    )

    page = shown(response)
    if "\x00" in kind:  # refused at the door, as everywhere (issue 12)
        assert response.status_code == 400 and "空字符" in page
    else:
        assert "未知的操作" in page
    assert "已记录" not in page and not PostReaction.objects.exists()


# --- the rating form ---------------------------------------------------------------------------


def rating_form(client) -> str:
    page = shown(client.get(reverse("portal_my_posts")))
    return page.split("data-rate-form", 1)[1].split("</form>", 1)[0]


def test_nothing_is_ticked_for_her_on_the_rating_form(client, district):
    account = resident(district)
    closed_post(district, account)
    sign_in(client, account)

    form = rating_form(client)

    assert "问题是否已解决" in form and "已解决" in form and "未解决" in form
    assert "checked" not in form


@pytest.mark.parametrize(
    ("rating", "answer", "resolved"),
    [
        ("satisfied", None, True),
        ("unsatisfied", None, False),
        ("satisfied", "no", False),
        ("basic", "yes", True),
        ("satisfied", "", True),
    ],
)
def test_an_unanswered_solved_question_follows_the_rating(
    client, district, rating, answer, resolved
):
    account = resident(district)
    case = closed_post(district, account)
    data = {"rating": rating, "stars": "4"} | ({} if answer is None else {"resolved": answer})

    sign_in(client, account).post(reverse("portal_rate", args=[case.pk]), data)

    assert FollowUp.objects.get(case=case).resolved is resolved
    assert Case.objects.get(pk=case.pk).follow_up_resolved is resolved


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"rating": "satisfied", "stars": "5", "resolved": "maybe"}, "请选择问题是否已解决"),
        ({"rating": "satisfied", "stars": "5", "resolved": "on"}, "请选择问题是否已解决"),
        ({"rating": "satisfied", "stars": "5", "resolved": "yes\x00"}, "空字符"),
        ({"rating": "satisfied", "stars": "5", "resolved": "y" * 10000}, "请选择问题是否已解决"),
        ({"rating": "", "stars": "5"}, "请选择评价"),
        ({"rating": "great\x0b", "stars": "5"}, "请选择评价"),
        ({"rating": "satisfied", "stars": "6"}, "请选择星级"),
        ({"rating": "satisfied"}, "请选择星级"),
    ],
)
def test_a_garbage_rating_says_what_to_choose_and_writes_nothing(client, district, data, message):
    account = resident(district)
    case = closed_post(district, account)

    response = sign_in(client, account).post(
        reverse("portal_rate", args=[case.pk]), data, follow=True
    )

    nul = any("\x00" in value for value in data.values())  # refused at the door (issue 12)
    assert response.status_code == (400 if nul else 200)
    assert message in shown(response)
    assert not FollowUp.objects.exists() and "感谢您的评价" not in shown(response)


# --- controls that are big enough to press -----------------------------------------------------


def test_the_post_form_styles_its_select_and_checkboxes_as_large_controls(client, district):
    sign_in(client, resident(district))

    page = shown(client.get(reverse("portal_post_new")))

    assert re.search(r'<select name="category" class="form-select"', page)
    assert (
        len(
            re.findall(
                r'type="checkbox" name="(is_public|show_name)" class="form-check-input"', page
            )
        )
        == 2
    )


# --- the language control ----------------------------------------------------------------------


def test_every_portal_page_has_a_language_button_that_works_without_a_script(client, district):
    page = shown(client.get(reverse("portal_hotline")))
    form = page.split("data-language", 1)[1].split("</form>", 1)[0]
    assert 'name="language" value="en"' in form and ">English<" in form
    assert f'name="next" value="{reverse("portal_hotline")}"' in form

    response = client.post(reverse("set_language"), {"language": "en", "next": "/hotline/"})

    assert response.status_code == 302 and response["Location"] == "/hotline/"
    english = shown(client.get("/hotline/"))
    assert '<html lang="en"' in english and 'value="zh-hans"' in english and ">中文<" in english
    nav = english.split('class="portal-nav"')[1].split("</nav>")[0]
    for label in ("Home", "Posts", "Card", "Inbox", "Me"):
        assert label in nav


@pytest.mark.parametrize("language", ["", "xx", "en\x00", "en" * 5000, "zh-hans'><script>"])
def test_a_garbage_language_leaves_the_portal_in_chinese(client, district, language):
    response = client.post(reverse("set_language"), {"language": language, "next": "/"})

    assert response.status_code in (302, 400)
    assert '<html lang="zh-CN"' in shown(client.get("/"))


def test_the_language_switch_never_sends_her_off_the_site(client):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "https://evil.example/"}
    )

    assert not response["Location"].startswith("https://evil.example")


# --- the accessibility check reaches every portal page -----------------------------------------


def test_the_accessibility_check_visits_every_page_built_on_the_portal_layout(district, world):
    """Each template that extends portal/base.html is rendered by one of the pages that
    test_browser_accessibility.py checks with axe-core, so a new portal page is checked too."""
    from django.conf import settings
    from django.test import Client

    from gongzhi.seeding.story import DEMO_PHONE

    from .test_browser_accessibility import KIOSK_PAGES, signed_in_pages, signed_out_pages

    used = set()

    def visit(client, path):
        used.update(t.name for t in client.get(path).templates if t.name)

    out = Client()
    out.post(reverse("portal_login"), {"phone": DEMO_PHONE})
    visit(out, reverse("portal_verify"))
    for path in [reverse("portal_login"), *signed_out_pages(world), *KIOSK_PAGES]:
        visit(out, path)
    signed = sign_in(Client(), world["account"])
    for path in signed_in_pages(world):
        visit(signed, path)

    portal = set()
    for template in Path(settings.BASE_DIR).rglob("templates/**/*.html"):
        head = template.read_text(encoding="utf-8").split("\n", 1)[0]
        if "extends" in head and "portal/base.html" in head:
            portal.add(str(template.relative_to(template.parents[1])))
    assert len(portal) > 20 and portal - used == set()
