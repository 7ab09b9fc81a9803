"""Cases from every channel belong to the resident (issue 15.3): live-room and hotline cases
with a known resident show in 我的留言 with the same timeline and rating."""

import datetime as dt

from django.urls import reverse

from gongzhi.cases.models import Case, Category, Channel, State
from gongzhi.cases.services import case_act
from gongzhi.core import clock
from gongzhi.core.testing import fresh
from gongzhi.hotline import services as hotline
from gongzhi.realtime import services as live

from .conftest import resident, sign_in

CLOSE = (
    ("center", "accept"),
    ("gridworker", "self_handle"),
    ("gridworker", "resolve"),
    ("center", "verify"),
    ("center", "close"),
)


def close(d, case):
    for user, action in CLOSE:
        case_act(case=case, by=d.users[user], action=action, expected_version=fresh(case).version)


def live_case(d, account):
    session = live.live_session_create(
        by=d.users["center"], topic="楼院环境", scheduled_at=clock.now(), hosts=[]
    )
    question = live.live_question_post(session=session, account=account, text="楼道灯坏了谁来修")
    return live.live_question_to_case(question=question, by=d.users["center"]).case


def hotline_case(d, caller, resident=None):
    call = hotline.hotline_call_start(by=d.users["center"], caller=caller)
    call = hotline.hotline_call_finish(
        by=d.users["center"],
        call=call,
        outcome="case",
        matter="公园路46号楼院杂草无人清理",
        token="t-1",
        resident=resident,
        category=Category.objects.get(code="0403"),
        grid=d.unit_a,
    )
    return call.case


def my_page(client) -> str:
    return client.get(reverse("portal_my_posts")).content.decode()


def test_a_live_room_case_shows_in_my_posts_with_its_timeline_and_rating_form(district, client):
    account = resident(district)
    case = live_case(district, account)
    close(district, case)

    page = my_page(sign_in(client, account))

    assert case.number in page and "直播间" in page
    assert reverse("portal_rate", args=[case.pk]) in page
    response = client.post(
        reverse("portal_rate", args=[case.pk]), {"rating": "satisfied", "stars": 5}
    )
    assert response.status_code == 302
    assert fresh(case).state == State.FOLLOWED_UP and fresh(case).satisfaction == "satisfied"


def test_a_hotline_call_from_an_account_holders_phone_is_theirs(district, client):
    account = resident(district, phone="13512345678", unit=district.unit_a)  # not in registry

    case = hotline_case(district, caller="13512345678")

    assert fresh(case).reporter_user_id == account.user_id
    assert case.number in my_page(sign_in(client, account))


def test_a_hotline_case_naming_a_registry_resident_is_theirs_and_they_rate_it(district, client):
    account = resident(district)  # 茹玉芳, linked to her registry entry
    case = hotline_case(district, caller="13800001234", resident=district.residents["a_head"])
    Case.objects.filter(pk=case.pk).update(reporter_user=None)  # filed for her, no account link
    close(district, fresh(case))

    page = my_page(sign_in(client, account))
    client.post(reverse("portal_rate", args=[case.pk]), {"rating": "basic", "stars": 4})

    assert case.number in page and "热线" in page
    assert fresh(case).state == State.FOLLOWED_UP


def test_another_resident_neither_sees_nor_rates_someone_elses_hotline_case(district, client):
    case = hotline_case(district, caller="13800001234", resident=district.residents["a_head"])
    close(district, fresh(case))
    other = resident(district, phone="13700002468")  # 周金玉
    sign_in(client, other)

    page = my_page(client)
    response = client.post(
        reverse("portal_rate", args=[case.pk]), {"rating": "satisfied", "stars": 5}
    )

    assert case.number not in page
    assert response.status_code == 404
    assert fresh(case).state == State.CLOSED


def test_the_resident_is_told_about_a_hotline_case_filed_for_them(district):
    account = resident(district)

    case = hotline_case(district, caller="13800001234", resident=district.residents["a_head"])

    titles = list(account.user.notifications.values_list("title", flat=True))
    assert titles == [f"已收到您反映的问题:{case.number}"]
    assert fresh(case).channel == Channel.HOTLINE


def test_a_rating_for_a_garbage_case_id_is_a_404(district, client):
    sign_in(client, resident(district))

    for pk in ("0", "99999999", "2147483648"):
        response = client.post(f"/me/posts/{pk}/rate/", {"rating": "satisfied", "stars": 5})
        assert response.status_code == 404


def test_a_week_old_live_case_keeps_its_place_in_the_list(district, client):
    account = resident(district)
    old = live_case(district, account)
    Case.objects.filter(pk=old.pk).update(created_at=clock.now() - dt.timedelta(days=7))
    from gongzhi.portal import services

    new = services.post_create(account=account, text="新留言")

    page = my_page(sign_in(client, account))
    assert page.index(new.number) < page.index(old.number)
