"""Every endpoint and every error path over real HTTP against the running test server."""

import pytest

from gongzhi.cases.models import Case

from .conftest import FACILITIES, NEIGHBOURS, OUTSIDE, case_count, form, http, parse

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
FORMATS = ["xml", "json"]


def _roots(fmt, body, root, item=None):
    """The list of records in a response, checking the spec's XML root and item tags."""
    doc = parse(fmt, body)
    if fmt == "json":
        return doc
    assert doc.tag == root
    if item is None:
        return doc
    assert all(child.tag == item for child in doc)
    return [{f.tag: f.text for f in child} for child in doc]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_endpoint_answers_in_its_format_over_http(live_server, key, fmt):
    base = f"{live_server.url}/open311/v2"

    status, headers, body = http(f"{base}/discovery.{fmt}")
    assert status == 200 and headers["Content-Type"].endswith("charset=utf-8")
    doc = _roots(fmt, body, "discovery")
    assert (
        doc["endpoints"][0]["url"] if fmt == "json" else doc.find("endpoints/endpoint/url").text
    ).endswith("/open311/v2/")

    status, _, body = http(f"{base}/services.{fmt}?jurisdiction_id=")
    services = _roots(fmt, body, "services", "service")
    assert status == 200 and NEIGHBOURS in [s["service_code"] for s in services]

    status, _, body = http(f"{base}/services/{FACILITIES}.{fmt}")
    doc = _roots(fmt, body, "service_definition")
    if fmt == "json":
        codes = [a["code"] for a in doc["attributes"]]
    else:
        codes = [a.text for a in doc.findall("attributes/attribute/code")]
    assert (status, codes) == (200, ["facility"])

    status, headers, body = http(f"{base}/requests.{fmt}", form(key, email="a@example.com"))
    created = _roots(fmt, body, "service_requests", "request")
    number = created[0]["service_request_id"]
    assert status == 200 and Case.objects.filter(number=number, channel="open311").exists()

    status, _, body = http(f"{base}/tokens/{headers['Open311-Token']}.{fmt}")
    assert _roots(fmt, body, "service_requests", "request")[0]["service_request_id"] == number

    status, _, body = http(f"{base}/requests.{fmt}?status=open&service_code={NEIGHBOURS}")
    assert [r["service_request_id"] for r in _roots(fmt, body, "service_requests", "request")] == [
        number
    ]

    status, _, body = http(f"{base}/requests/{number}.{fmt}")
    one = _roots(fmt, body, "service_requests", "request")
    assert (status, len(one), one[0]["status"]) == (200, 1, "open")


ERRORS = [
    # (name, path, form or None, expected status)
    ("unknown service_code", "requests", {"service_code": "9999"}, 404),
    ("missing location", "requests", {"lat": "", "long": ""}, 400),
    ("point outside the district", "requests", OUTSIDE, 400),
    ("description over 4000", "requests", {"description": "长" * 4001}, 400),
    ("missing api_key", "requests", {"api_key": ""}, 403),
    ("invalid api_key", "requests", {"api_key": "o311_not-a-key"}, 403),
    ("unknown service definition", "services/9999", None, 404),
    ("unknown request id", "requests/SJ20000101-0001", None, 404),
    ("unknown token", "tokens/nope", None, 404),
    ("bad date filter", "requests?start_date=yesterday", None, 400),
    ("bad page", "requests?page=0", None, 400),
    ("bad page_size", "requests?page_size=1001", None, 400),
    ("unknown resource", "nothing-here", None, 404),
]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_error_path_answers_in_the_spec_error_format_over_http(live_server, key, fmt):
    before = case_count()
    for name, path, data, expected in ERRORS:
        path, _, query = path.partition("?")
        url = f"{live_server.url}/open311/v2/{path}.{fmt}" + (f"?{query}" if query else "")
        status, _, body = http(url, form(key, **data) if data is not None else None)
        errors = _roots(fmt, body, "errors", "error")
        assert status == expected, name
        assert errors[0]["code"] == str(expected) and errors[0]["description"], name
    assert case_count() == before  # no error path wrote anything
