"""Alert pages: listed by scope and kind, handled by the responsible role, linked from the
navigation of the roles that see them."""

import pytest

from gongzhi.core.paths import subtree_q

from ..models import Alert, AlertKind, AlertState
from ..services import alerts_evaluate
from .conftest import report


@pytest.fixture
def special_alert(district):
    from gongzhi.realtime.services import onekey_call_create

    from .conftest import resident

    onekey_call_create(account=resident("13700002468"))  # 周金玉, 刑满释放
    (alert,) = alerts_evaluate()
    return alert


@pytest.fixture
def surge_alert(district):
    for i in range(5):
        report(district, text=f"楼院垃圾没人清运{i}", code="0301")
    (alert,) = alerts_evaluate()
    return alert


def test_the_police_see_a_special_population_alert_and_leaders_do_not(special_alert, login, client):
    page = login("police").get("/intel/alerts/").content.decode()
    assert f'data-alert="{special_alert.pk}"' in page
    client.logout()
    page = login("leader").get("/intel/alerts/").content.decode()  # no VIEW_SPECIAL
    assert "data-alert=" not in page
    assert login("leader").get(f"/intel/alerts/{special_alert.pk}/").status_code == 404


def test_another_townships_staff_do_not_see_the_alert(surge_alert, login):
    page = login("xifeng_center").get("/intel/alerts/").content.decode()
    assert "data-alert=" not in page
    assert login("xifeng_center").get(f"/intel/alerts/{surge_alert.pk}/").status_code == 404


def test_the_center_acknowledges_then_closes_a_surge_with_a_note(surge_alert, login):
    client = login("center")
    page = client.get(f"/intel/alerts/{surge_alert.pk}/").content.decode()
    assert "处理完毕,关闭" in page and "市容环境" in page
    url = f"/intel/alerts/{surge_alert.pk}"
    assert client.post(f"{url}/acknowledge/", {"note": ""}).status_code == 302
    assert Alert.objects.get(pk=surge_alert.pk).state == AlertState.ACKNOWLEDGED
    response = client.post(f"{url}/close/", {"note": ""})
    assert response.status_code == 400 and "请填写处理说明" in response.content.decode()
    assert client.post(f"{url}/close/", {"note": "已协调环卫加密清运"}).status_code == 302
    alert = Alert.objects.get(pk=surge_alert.pk)
    assert alert.state == AlertState.CLOSED and "加密清运" in alert.note


def test_a_reader_who_is_not_responsible_cannot_close(special_alert, login):
    client = login("center")  # reads special-population alerts; police liaison handles them
    page = client.get(f"/intel/alerts/{special_alert.pk}/").content.decode()
    assert "处理完毕,关闭" not in page
    response = client.post(f"/intel/alerts/{special_alert.pk}/close/", {"note": "看过了"})
    assert response.status_code == 403
    assert Alert.objects.get(pk=special_alert.pk).state == AlertState.OPEN


def test_the_navigation_links_alerts_with_the_open_count(surge_alert, login, client):
    page = login("center").get("/cases/").content.decode()
    assert 'href="/intel/alerts/"' in page and 'id="navc-alerts"' in page
    counts = login("center").get("/nav/counts/").content.decode()
    assert 'id="navc-alerts"' in counts and ">1<span" in counts
    client.logout()
    page = login("gridworker").get("/cases/").content.decode()  # sees no kind of alert
    assert 'href="/intel/alerts/"' not in page


def test_the_list_filters_by_state_and_kind_and_refuses_junk(surge_alert, login):
    client = login("center")
    assert (
        f'data-alert="{surge_alert.pk}"'
        in client.get("/intel/alerts/?state=open&kind=surge").content.decode()
    )
    assert "data-alert=" not in client.get("/intel/alerts/?kind=care_call").content.decode()
    junk = client.get("/intel/alerts/?kind=%E2%80%AEboom&state=x" + "y" * 300)
    assert junk.status_code == 200 and "data-alert=" not in junk.content.decode()


def test_the_linked_cases_are_shown_only_within_scope(surge_alert, login):
    page = login("gridworker").get(f"/intel/alerts/{surge_alert.pk}/")
    assert page.status_code == 404  # grid workers read no alert kind
    visible = surge_alert.cases.filter(subtree_q("grid__path", surge_alert.grid.path)).count()
    page = login("center").get(f"/intel/alerts/{surge_alert.pk}/").content.decode()
    assert page.count("/cases/SJ") == visible == 5
    assert str(AlertKind.SURGE.label) in page
