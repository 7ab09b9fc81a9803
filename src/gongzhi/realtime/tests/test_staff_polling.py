from django.urls import reverse

from gongzhi.realtime import services

ALERTS = reverse("realtime:staff_alerts")


def _ids(response) -> list[int]:
    assert response.status_code == 200
    return [c["call"] for c in response.json()["calls"]]


def test_the_polling_endpoint_returns_a_call_in_the_staff_members_grid(resident, community, login):
    call = services.onekey_call_create(account=resident)
    data = login("gridworker").get(ALERTS).json()
    assert [c["call"] for c in data["calls"]] == [call.pk]
    alert = data["calls"][0]
    assert (alert["type"], alert["case"], alert["acked_by"]) == ("call", call.case.number, "")
    assert "1单元" in alert["unit"]


def test_the_polling_endpoint_hides_a_call_in_a_sibling_grid(resident, community, login):
    services.onekey_call_create(account=resident)
    assert _ids(login("gridworker_b").get(ALERTS)) == []


def test_the_polling_endpoint_reports_an_acknowledgement(resident, community, district, login):
    call = services.onekey_call_create(account=resident)
    services.onekey_ack(call=call, by=district.users["gridworker"])
    data = login("center").get(ALERTS).json()
    assert data["calls"][0]["acked_by"] == "网格员甲"


def test_since_keeps_only_later_calls_oldest_first(resident, resident_b, community, login):
    first = services.onekey_call_create(account=resident)
    second = services.onekey_call_create(account=resident_b)
    client = login("center")
    assert _ids(client.get(ALERTS)) == [first.pk, second.pk]
    assert _ids(client.get(ALERTS, {"since": first.pk})) == [second.pk]
    assert _ids(client.get(ALERTS, {"since": second.pk})) == []
    assert _ids(client.get(ALERTS, {"since": "junk"})) == [first.pk, second.pk]


def test_an_anonymous_visitor_cannot_poll(client, resident, community):
    services.onekey_call_create(account=resident)
    response = client.get(ALERTS)
    assert response.status_code in (302, 403)
    assert b"calls" not in response.content


def test_a_resident_cannot_poll(resident_client, resident, community):
    services.onekey_call_create(account=resident)
    response = resident_client.get(ALERTS)
    assert response.status_code in (302, 403)


def test_the_console_page_carries_the_polling_url(district, login):
    response = login("gridworker").get(reverse("realtime:staff_console"))
    assert f'data-poll="{ALERTS}"' in response.content.decode()
