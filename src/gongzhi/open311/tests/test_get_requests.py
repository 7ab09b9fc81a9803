"""GET requests, requests/{id}, services, service definitions, discovery and tokens."""

import datetime as dt

import time_machine

from gongzhi.cases.models import Case, Category
from gongzhi.cases.services import case_act, case_create
from gongzhi.core.testing import fresh

from .conftest import FACILITIES, NEIGHBOURS, parse, post


def get(client, path: str, fmt: str = "json", **params):
    return client.get(f"/open311/v2/{path}.{fmt}", params)


def created(client, key, **params) -> Case:
    body = parse("json", post(client, key=key, **params).content)
    return Case.objects.get(number=body[0]["service_request_id"])


def numbers(response) -> list[str]:
    assert response.status_code == 200, response.content.decode()
    return [r["service_request_id"] for r in parse("json", response.content)]


def act(district, case, who, action, **params):
    return case_act(
        case=case,
        by=district.users[who],
        action=action,
        expected_version=fresh(case).version,
        **params,
    )


def test_a_case_handled_through_the_case_services_shows_closed_and_its_notes(client, key, district):
    case = created(client, key)
    act(district, case, "gridworker", "accept")
    act(district, case, "gridworker", "self_handle")
    act(district, case, "gridworker", "resolve", comment="已组织清理")
    act(district, case, "center", "verify")
    act(district, case, "center", "close", comment="杂草已清理完毕,感谢反映")
    row = parse("json", get(client, f"requests/{case.number}").content)[0]
    assert (row["status"], row["status_notes"]) == ("closed", "杂草已清理完毕,感谢反映")
    assert row["expected_datetime"] is None


def test_an_internal_dispatch_comment_is_not_published(client, key, district):
    case = created(client, key)
    act(district, case, "gridworker", "accept", comment="已受理")
    act(district, case, "gridworker", "escalate", comment="内部:当事人有前科")
    row = parse("json", get(client, f"requests/{case.number}").content)[0]
    assert (row["status"], row["status_notes"]) == ("open", "已受理")


def test_the_agency_responsible_is_the_center_above_the_owning_grid(client, key):
    case = created(client, key)
    row = parse("json", get(client, f"requests/{case.number}").content)[0]
    assert row["agency_responsible"] == "金泉路社区综治中心"


def test_one_request_is_a_one_element_array_in_json(client, key):
    case = created(client, key)
    body = parse("json", get(client, f"requests/{case.number}").content)
    assert isinstance(body, list) and len(body) == 1


def test_codes_are_strings_and_dates_carry_a_time_zone(client, key):
    case = created(client, key)
    row = parse("json", get(client, f"requests/{case.number}").content)[0]
    assert row["service_code"] == NEIGHBOURS and isinstance(row["service_request_id"], str)
    assert dt.datetime.fromisoformat(row["requested_datetime"]).utcoffset() is not None


def test_service_request_id_overrides_every_other_filter(client, key):
    a, b = created(client, key), created(client, key)
    found = numbers(
        get(
            client,
            "requests",
            service_request_id=f"{a.number},{b.number}",
            service_code="9999",
            status="closed",
        )
    )
    assert sorted(found) == sorted([a.number, b.number])


def test_it_filters_by_service_code_and_status(client, key, district):
    weeds = created(client, key)
    lamp = created(client, key, service_code=FACILITIES, **{"attribute[facility]": "streetlight"})
    act(district, lamp, "gridworker", "reject", comment="重复反映")
    assert numbers(get(client, "requests", service_code=NEIGHBOURS)) == [weeds.number]
    assert numbers(get(client, "requests", status="closed")) == [lamp.number]
    assert sorted(numbers(get(client, "requests", status="open,closed"))) == sorted(
        [weeds.number, lamp.number]
    )


def test_without_filters_it_returns_only_the_last_90_days(client, key):
    with time_machine.travel(dt.datetime(2030, 1, 1, 9, tzinfo=dt.UTC), tick=False):
        old = created(client, key)
    with time_machine.travel(dt.datetime(2030, 4, 15, 9, tzinfo=dt.UTC), tick=False):
        new = created(client, key)
        assert numbers(get(client, "requests")) == [new.number]
    assert old.number in numbers(get(client, "requests", start_date="2029-12-31T00:00:00Z"))


def test_a_date_range_selects_by_requested_datetime(client, key):
    with time_machine.travel(dt.datetime(2030, 1, 10, 9, tzinfo=dt.UTC), tick=False):
        inside = created(client, key)
    with time_machine.travel(dt.datetime(2030, 2, 10, 9, tzinfo=dt.UTC), tick=False):
        created(client, key)
    found = numbers(
        get(
            client,
            "requests",
            start_date="2030-01-01T00:00:00+08:00",
            end_date="2030-01-31T00:00:00Z",
        )
    )
    assert found == [inside.number]


def test_it_pages_with_page_and_page_size(client, key):
    cases = [created(client, key) for _ in range(3)]
    newest_first = [c.number for c in reversed(cases)]
    assert numbers(get(client, "requests", page_size="2")) == newest_first[:2]
    assert numbers(get(client, "requests", page_size="2", page="2")) == newest_first[2:]


def test_empty_filters_behave_as_absent(client, key):
    case = created(client, key)
    empty = dict.fromkeys(
        [
            "service_request_id",
            "service_code",
            "status",
            "start_date",
            "end_date",
            "page",
            "page_size",
            "jurisdiction_id",
        ],
        "",
    )
    assert numbers(get(client, "requests", **empty)) == [case.number]


def test_bad_filters_are_400(client, key):
    bad = [
        {"start_date": "yesterday"}, {"end_date": "2030-13-01T00:00:00Z"},
        {"start_date": "2030-03-01T00:00:00Z", "end_date": "2030-01-01T00:00:00Z"},
        {"start_date": "2030-01-01T00:00:00Z", "end_date": "2030-06-01T00:00:00Z"},
        {"status": "pending"}, {"page": "0"}, {"page": "x"}, {"page_size": "1001"},
        {"page_size": "-1"},
    ]  # fmt: skip
    statuses = [get(client, "requests", **params).status_code for params in bad]
    assert statuses == [400] * len(bad)


def test_staff_cases_are_listed_only_when_public(client, key, district):
    def staff_case(**extra):
        return case_create(
            by=district.users["center"],
            title="楼道灯坏了",
            description="不亮",
            category=NEIGHBOURS,
            channel="hotline",
            grid=district.unit_a,
            **extra,
        )

    private, public = staff_case(), staff_case(is_public=True)
    listed = numbers(get(client, "requests"))
    assert public.number in listed and private.number not in listed
    assert get(client, f"requests/{private.number}").status_code == 404


def test_services_list_leaf_categories_with_their_group(client, key):
    rows = {s["service_code"]: s for s in parse("json", get(client, "services").content)}
    assert "01" not in rows and rows[NEIGHBOURS]["group"] == "矛盾纠纷"
    assert (rows[FACILITIES]["metadata"], rows[NEIGHBOURS]["type"]) == (True, "realtime")


def test_an_inactive_category_is_not_a_service(client, key):
    Category.objects.filter(code=NEIGHBOURS).update(active=False)  # admin configuration
    codes = [s["service_code"] for s in parse("json", get(client, "services").content)]
    assert NEIGHBOURS not in codes
    assert get(client, f"services/{NEIGHBOURS}").status_code == 404


def test_a_service_definition_lists_its_attributes_with_values(client, key):
    doc = parse("xml", get(client, f"services/{FACILITIES}", "xml").content)
    assert doc.tag == "service_definition" and doc.find("service_code").text == FACILITIES
    attribute = doc.find("attributes/attribute")
    assert (attribute.find("datatype").text, attribute.find("required").text) == (
        "singlevaluelist",
        "true",
    )
    assert [v.text for v in attribute.findall("values/value/key")][:2] == ["streetlight", "manhole"]


def test_discovery_lists_the_endpoint_and_both_formats(client):
    doc = parse("json", get(client, "discovery").content)
    assert doc["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    assert doc["endpoints"][0]["specification"].endswith("GeoReport_v2")


def test_a_token_resolves_to_its_request(client, key):
    response = post(client, key=key)
    token = response.headers["Open311-Token"]
    body = parse("json", get(client, f"tokens/{token}").content)
    assert body == [
        {
            "service_request_id": parse("json", response.content)[0]["service_request_id"],
            "token": token,
        }
    ]


def test_an_unknown_token_is_404(client, key):
    response = get(client, "tokens/nope", "xml")
    assert response.status_code == 404 and parse("xml", response.content).tag == "errors"


def test_an_unsupported_method_is_400_in_the_spec_format(client):
    response = client.delete("/open311/v2/services.json")
    assert response.status_code == 400 and parse("json", response.content)[0]["code"] == "400"


def test_an_unexpected_failure_is_a_400_general_error_not_a_500(client, monkeypatch):
    def broken():
        raise RuntimeError("database went away")

    monkeypatch.setattr("gongzhi.open311.views.service_list", broken)
    response = get(client, "services", "xml")
    assert response.status_code == 400 and parse("xml", response.content).tag == "errors"
