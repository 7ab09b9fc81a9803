"""POST requests.{fmt}: mapping to cases.services.case_create, and its bad input."""

import pytest

from gongzhi.cases.models import Case, Category, Channel
from gongzhi.core import crypto
from gongzhi.core.testing import fresh
from gongzhi.open311.keys import SYSTEM_USERNAME, apikey_create, apikey_revoke
from gongzhi.open311.models import ServiceRequest

from .conftest import FACILITIES, INSIDE, OUTSIDE, case_count, parse, post

SCRIPT = '<script>alert("x")</script><b>杂草</b> & 碎石'


def created(response) -> Case:
    assert response.status_code == 200, response.content.decode()
    return Case.objects.get(number=parse("json", response.content)[0]["service_request_id"])


def test_it_creates_an_open_api_case_in_the_grid_of_the_point(client, key, district):
    case = created(post(client, key=key, **INSIDE))
    assert (case.channel, case.grid, case.category.code) == (
        Channel.OPEN311,
        district.unit_a,
        "0102",
    )
    assert (case.lat, case.lng, case.created_by.username) == (39.7, 98.5, SYSTEM_USERNAME)


def test_it_answers_with_the_case_number_and_no_token_in_the_body(client, key):
    body = parse("json", post(client, key=key, account_id="u-7").content)
    assert set(body[0]) == {"service_request_id", "service_notice", "account_id"}
    assert body[0]["account_id"] == "u-7"


def test_it_rejects_a_missing_location_and_writes_nothing(client, key):
    before = case_count()
    response = post(client, key=key, lat="", long="")
    assert (
        response.status_code == 400 and "位置" in parse("json", response.content)[0]["description"]
    )
    assert case_count() == before


def test_it_rejects_lat_without_long(client, key):
    before = case_count()
    assert post(client, key=key, long="").status_code == 400
    assert case_count() == before


def test_it_rejects_a_point_outside_the_district(client, key):
    before = case_count()
    response = post(client, key=key, **OUTSIDE)
    assert response.status_code == 400 and "不在本区" in response.content.decode()
    assert case_count() == before


def test_it_rejects_an_unknown_service_code_with_404(client, key):
    before = case_count()
    assert post(client, key=key, service_code="9999").status_code == 404
    assert case_count() == before


def test_a_group_with_sub_categories_is_not_a_service(client, key):
    assert post(client, key=key, service_code="01").status_code == 404


def test_it_rejects_a_description_over_4000_characters(client, key):
    before = case_count()
    assert post(client, key=key, description="长" * 4001).status_code == 400
    assert case_count() == before


def test_it_accepts_a_description_of_exactly_4000_characters(client, key):
    assert len(created(post(client, key=key, description="长" * 4000)).description) == 4000


def test_it_stores_html_as_text_and_returns_it_escaped_in_xml(client, key):
    case = created(post(client, key=key, description=SCRIPT))
    assert fresh(case).description == SCRIPT
    raw = client.get(f"/open311/v2/requests/{case.number}.xml").content.decode()
    assert "<script>" not in raw and "&lt;script&gt;" in raw
    assert parse("xml", raw.encode()).find("request/description").text == SCRIPT


def test_it_returns_html_verbatim_as_a_json_string(client, key):
    case = created(post(client, key=key, description=SCRIPT))
    body = parse("json", client.get(f"/open311/v2/requests/{case.number}.json").content)
    assert body[0]["description"] == SCRIPT


@pytest.mark.parametrize("api_key", [None, "", "o311_wrong"])
def test_it_refuses_a_missing_or_invalid_api_key(client, key, api_key):
    before = case_count()
    response = post(client, key=api_key)
    assert response.status_code == 403 and parse("json", response.content)[0]["code"] == "403"
    assert case_count() == before


def test_it_refuses_a_revoked_api_key(client, key):
    apikey_revoke(name_or_prefix="市民App")
    before = case_count()
    assert post(client, key=key).status_code == 403
    assert case_count() == before


def test_a_replayed_idempotency_key_returns_the_first_case(client, key):
    headers = {"Idempotency-Key": "retry-1"}
    first = parse("json", post(client, key=key, headers=headers).content)
    again = parse("json", post(client, key=key, headers=headers, description="改了").content)
    assert again == first
    assert Case.objects.filter(channel=Channel.OPEN311).count() == 1


def test_a_post_that_loses_the_idempotency_race_answers_with_the_winner(client, key, monkeypatch):
    """Both checks for the key miss once, as when two POSTs run at the same moment: the
    loser's insert meets the unique index, its transaction rolls back whole (no savepoint),
    and it answers with the winner's request."""
    from gongzhi.cases import create_sql
    from gongzhi.open311 import services as open311_services

    headers = {"Idempotency-Key": "race"}
    winner = parse("json", post(client, key=key, headers=headers).content)
    real = open311_services._replayed
    calls = []

    def miss_once(scoped_key):
        calls.append(scoped_key)
        return None if len(calls) == 1 else real(scoped_key)

    monkeypatch.setattr(open311_services, "_replayed", miss_once)
    monkeypatch.setattr(create_sql, "replay_guard", lambda k: None)
    response = post(client, key=key, headers=headers)
    assert response.status_code == 200, response.content.decode()
    assert parse("json", response.content) == winner
    assert len(calls) == 2  # the look-up after the rollback found the winner
    assert Case.objects.filter(channel=Channel.OPEN311).count() == 1
    assert ServiceRequest.objects.count() == 1


def test_two_clients_using_the_same_idempotency_key_get_their_own_cases(client, key):
    other = apikey_create(name="另一个App")[1]
    headers = {"Idempotency-Key": "same"}
    a = created(post(client, key=key, headers=headers))
    b = created(post(client, key=other, headers=headers))
    assert a.pk != b.pk


def test_it_throttles_posts_per_key_with_429(client, key, settings):
    settings.OPEN311_RATE = (2, 60)
    assert [post(client, key=key).status_code for _ in range(3)] == [200, 200, 429]
    assert parse("json", post(client, key=key).content)[0]["code"] == "429"
    assert Case.objects.count() == 2


def test_attributes_go_to_the_case_extra_fields(client, key):
    case = created(
        post(client, key=key, service_code=FACILITIES, **{"attribute[facility]": "streetlight"})
    )
    assert case.extra == {"facility": "streetlight"}


def test_a_missing_required_attribute_is_400_and_writes_nothing(client, key):
    before = case_count()
    response = post(client, key=key, service_code=FACILITIES)
    assert response.status_code == 400 and "设施类型" in response.content.decode()
    assert case_count() == before


def test_multiple_values_of_a_multivaluelist_attribute_are_kept(client, key):
    values = [{"key": "a", "name": "甲"}, {"key": "b", "name": "乙"}, {"key": "c", "name": "丙"}]
    fields = [{"code": "kinds", "label": "类型", "datatype": "multivaluelist", "values": values}]
    Category.objects.filter(code="0102").update(extra_fields=fields)  # admin configuration
    case = created(post(client, key=key, **{"attribute[kinds][]": ["a", "c"]}))
    assert case.extra == {"kinds": ["a", "c"]}


def test_an_address_string_resolves_to_the_named_courtyard(client, key, district):
    location = {"lat": "", "long": "", "address_string": "公园路46号楼院"}
    case = created(post(client, key=key, **location))
    assert (case.grid, case.address) == (district.courtyard, "公园路46号楼院")


def test_a_longer_address_resolves_along_the_chain_of_names(client, key, district):
    location = {
        "lat": "",
        "long": "",
        "address_string": "金泉路社区 公园路46号楼院 1号楼 1单元 101室",
    }
    assert created(post(client, key=key, **location)).grid == district.unit_a


def test_an_ambiguous_address_is_400(client, key):
    before = case_count()
    response = post(client, key=key, lat="", long="", address_string="1单元")
    assert response.status_code == 400 and "多个网格" in response.content.decode()
    assert case_count() == before


def test_an_address_that_names_no_grid_is_400(client, key):
    before = case_count()
    response = post(client, key=key, lat="", long="", address_string="火星基地")
    assert response.status_code == 400 and "无法根据地址" in response.content.decode()
    assert case_count() == before


def test_an_address_id_is_a_grid_code(client, key, district):
    case = created(post(client, key=key, lat="", long="", address_id=district.unit_b.code))
    assert case.grid == district.unit_b


def test_an_unknown_address_id_is_400(client, key):
    assert post(client, key=key, lat="", long="", address_id="nope").status_code == 400


def test_the_reporter_contact_is_stored_masked_and_encrypted(client, key):
    case = created(
        post(
            client,
            key=key,
            first_name="玉芳",
            last_name="茹",
            phone="13800001234",
            email="ru@example.com",
        )
    )
    assert case.contact_phone_masked != "13800001234" and "1234" in case.contact_phone_masked
    assert crypto.decrypt(case.contact_name_enc) == "茹 玉芳"
    assert crypto.decrypt(case.open311.email_enc) == "ru@example.com"


def test_media_url_is_stored_as_a_link_and_returned(client, key):
    url = "https://img.example.cn/weeds.jpg"
    case = created(post(client, key=key, media_url=url))
    body = parse("json", client.get(f"/open311/v2/requests/{case.number}.json").content)
    assert (case.open311.media_url, body[0]["media_url"]) == (url, url)


def test_a_media_url_that_is_not_http_is_400(client, key):
    assert post(client, key=key, media_url="javascript:alert(1)").status_code == 400


def test_empty_optional_parameters_behave_as_absent(client, key):
    empty = dict.fromkeys(
        [
            "email",
            "device_id",
            "account_id",
            "first_name",
            "last_name",
            "phone",
            "media_url",
            "address_string",
            "address_id",
            "jurisdiction_id",
        ],
        "",
    )
    case = created(post(client, key=key, **empty))
    assert (case.contact_display, case.open311.media_url) == ("", "")


def test_an_unknown_jurisdiction_is_404(client, key):
    before = case_count()
    assert post(client, key=key, jurisdiction_id="other.gov").status_code == 404
    assert case_count() == before


def test_the_district_code_is_a_known_jurisdiction(client, key, settings):
    assert post(client, key=key, jurisdiction_id=settings.DISTRICT_CODE).status_code == 200


def test_the_xml_answer_has_the_service_requests_root(client, key):
    doc = parse("xml", post(client, "xml", key=key).content)
    assert (doc.tag, doc[0].tag) == ("service_requests", "request")
    assert doc.find("request/service_request_id").text.startswith("SJ")


def test_a_key_revoked_in_this_process_is_refused_at_once(client, key):
    assert post(client, key=key).status_code == 200  # the key is now remembered
    apikey_revoke(name_or_prefix="市民App")
    assert post(client, key=key).status_code == 403


def test_a_key_revoked_elsewhere_is_refused_once_the_memo_expires(client, key, monkeypatch):
    """Another process's revocation reaches this one within OPEN311_MEMO_SECONDS."""
    from django.utils import timezone

    from gongzhi.core import memo
    from gongzhi.open311.models import ApiKey

    now = [1000.0]
    monkeypatch.setattr(memo.time, "monotonic", lambda: now[0])
    assert post(client, key=key).status_code == 200
    ApiKey.objects.update(revoked_at=timezone.now())  # no signal: as from another process
    assert post(client, key=key).status_code == 200  # remembered, within the window
    now[0] += 11
    assert post(client, key=key).status_code == 403


def test_a_category_switched_off_here_is_unknown_at_once(client, key):
    assert post(client, key=key).status_code == 200
    category = Category.objects.get(code="0102")
    category.active = False
    category.save()
    assert post(client, key=key).status_code == 404
