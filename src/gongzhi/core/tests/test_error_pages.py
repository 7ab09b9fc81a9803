"""Issue 14.6: 403, 404 and 500 are the site's Chinese pages (English through i18n), saying
why when the code gave a reason of ours and never Django's English texts."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import path

from gongzhi.org.models import Center


def _boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", _boom)]
handler500 = "gongzhi.core.outage.server_error"


def test_an_unknown_address_is_a_chinese_404_in_the_sites_style(db, client):
    response = client.get("/no/such/page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在或您无权查看" in body and "bootstrap" in body and "返回首页" in body
    assert "Not Found" not in body


def test_the_404_says_why_when_the_code_gave_a_reason(district, login):
    response = login("center").get("/mediation/999999/")
    assert response.status_code == 404
    assert "纠纷不存在或您无权查看" in response.content.decode()


def test_djangos_english_text_is_not_shown(district, login):
    response = login("center").get("/org/staff/999999/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "matches the given query" not in body and "请核对地址" in body


def test_the_404_is_in_english_for_an_english_reader(db, client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get("/no/such/page/").content.decode()
    assert "Page not found" in body and "页面不存在" not in body


def test_a_refusal_is_a_chinese_403_with_its_reason(district, login):
    court = Center.objects.get(grid=district.jinquan)
    assert court  # the gridworker may not keep the center's stationed officers
    from gongzhi.mediation import services as svc

    dispute = svc.dispute_register(
        by=district.users["center"],
        center=court,
        title="t",
        facts="f",
        dispute_type="邻里纠纷",
        kinds=["people"],
    )
    response = login("police").post(f"/mediation/{dispute.pk}/follow_up/", {"note": "x"})
    body = response.content.decode()
    assert response.status_code == 403
    assert "您无权办理该纠纷" in body and "403" in body and "Forbidden" not in body


def test_a_stale_form_is_a_chinese_403(district):
    client = Client(enforce_csrf_checks=True)
    client.login(username="center", password="test-pass-123")
    response = client.post("/accounts/logout/")
    body = response.content.decode()
    assert response.status_code == 403
    assert "页面已过期,请刷新后重试" in body and "CSRF verification failed" not in body


@pytest.mark.urls("gongzhi.core.tests.test_error_pages")
def test_a_bug_is_a_chinese_500_that_reveals_nothing(db):
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "系统出错了" in body and "a bug" not in body and "Server Error" not in body
