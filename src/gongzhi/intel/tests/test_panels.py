"""Where the suggestion shows: the staff forms (htmx panel), the case page (merge a
duplicate), the resident's post form ("我也遇到") and 我关注的问题."""

import re

from gongzhi.cases.models import Case, State
from gongzhi.portal import services as portal

from ..models import CaseFollower
from .conftest import close, report, resident, sign_in

LAMP = "3号楼前面的路灯坏了好几天了,晚上很黑"


def test_every_staff_form_carries_the_suggestion_panel(district, login):
    from gongzhi.hotline import services as hotline

    client = login("center")
    call = hotline.hotline_call_start(by=district.users["center"], caller="13911112222")
    for url, field in (
        ("/cases/new/", "description"),
        (f"/portal-staff/hotline/{call.pk}/", "matter"),
    ):
        page = client.get(url).content.decode()
        assert 'hx-post="/intel/suggest/"' in page and f"from:[name={field}]" in page, url
    page = login("gridworker").get("/workbench/report/").content.decode()
    assert 'hx-post="/intel/suggest/"' in page


def test_the_staff_panel_names_the_category_and_the_open_duplicates(trained, district, login):
    d = district
    old = report(
        d,
        text="3号楼门口路灯不亮,晚上黑乎乎的",
        code="0401",
        grid=d.unit_b,
        extra={"facility": "streetlight"},
    )
    page = login("center").post("/intel/suggest/", {"description": LAMP, "grid": d.unit_a.pk})
    html = page.content.decode()
    assert page.status_code == 200
    assert "公共设施/公用设施" in html and 'data-intel-use="0401"' in html
    assert old.number in html and "可能已有人反映" in html


def test_a_duplicate_is_merged_from_the_case_page(trained, district, login):
    d = district
    old = report(
        d,
        text="3号楼门口路灯不亮,晚上黑乎乎的",
        code="0401",
        grid=d.unit_b,
        extra={"facility": "streetlight"},
    )
    new = report(d, text=LAMP, code="0401", extra={"facility": "streetlight"})
    client = login("center")
    assert (
        f'hx-get="/intel/cases/{new.number}/duplicates/"'
        in client.get(f"/cases/{new.number}/").content.decode()
    )
    panel = client.get(f"/intel/cases/{new.number}/duplicates/").content.decode()
    assert old.number in panel and "作为重复件合并到此件" in panel
    form = re.search(r'action="(/cases/[^"]+/act/merge/)"', panel).group(1)
    response = client.post(form, {"expected_version": new.version, "into": old.number})
    assert response.status_code == 302
    new.refresh_from_db()
    assert (new.state, new.merged_into_id) == (State.MERGED, old.pk)
    # The older case does not offer the newer one: only earlier cases are candidates.
    assert new.number not in client.get(f"/intel/cases/{old.number}/duplicates/").content.decode()


def test_a_resident_sees_similar_posts_and_joins_one_instead_of_posting(trained, district, client):
    d = district
    author = resident("13700002468", d.unit_b)
    post = portal.post_create(account=author, text="3号楼门口路灯不亮,晚上黑乎乎的")
    private = report(
        d, text="3号楼门口路灯不亮,晚上黑乎乎的", code="0401", extra={"facility": "streetlight"}
    )
    me = resident("13511112222", d.unit_a)
    sign_in(client, me)
    assert 'hx-post="/intel/me/duplicates/"' in client.get("/post/new/").content.decode()
    html = client.post("/intel/me/duplicates/", {"text": LAMP}).content.decode()
    assert "我也遇到" in html and "3号楼门口路灯不亮" in html  # the public post's text
    assert f"/intel/me/join/{private.pk}/" in html and "未公开的反映" in html
    response = client.post(f"/intel/me/join/{post.pk}/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"].startswith(
        "/intel/me/following/"
    )
    assert CaseFollower.objects.filter(case=post, user=me.user).exists()
    page = client.get("/intel/me/following/").content.decode()
    assert post.number in page and "3号楼门口路灯不亮" not in page  # progress only, not the words
    assert "/intel/me/following/" in client.get("/me/").content.decode()


def test_a_follower_rates_the_closed_case_from_the_following_page(district, client):
    d = district
    case = report(d)
    me = resident("13511112222", d.unit_a)
    sign_in(client, me)
    client.post(f"/intel/me/join/{case.pk}/")
    close(d, case)
    assert "提交评价" in client.get("/intel/me/following/").content.decode()
    response = client.post(
        f"/intel/me/following/{case.pk}/rate/",
        {"rating": "satisfied", "stars": "5", "resolved": "yes"},
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).state == State.FOLLOWED_UP


def test_the_portal_suggestion_names_a_top_level_category_the_form_offers(trained, client):
    data = client.get("/post/suggest/", {"text": "路灯不亮,晚上出行很危险"}).json()
    assert data == {"code": "04", "name": "公共设施"}
