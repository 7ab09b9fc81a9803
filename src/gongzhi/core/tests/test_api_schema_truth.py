"""The schema says what the API does (issue 12, finding 13): a top-level category's null
parent, the timeline's plain list, and the error statuses every operation can answer."""

import pytest
import yaml
from django.core.management import call_command


@pytest.fixture(scope="module")
def spec(tmp_path_factory):
    target = tmp_path_factory.mktemp("schema") / "schema.yml"
    call_command("spectacular", "--file", str(target))
    return yaml.safe_load(target.read_text())


def test_a_category_parent_may_be_null(spec):
    parent = spec["components"]["schemas"]["Category"]["properties"]["parent"]
    assert parent.get("nullable") is True


def test_the_timeline_is_a_plain_list_not_a_page(spec):
    schema = spec["paths"]["/api/v1/cases/{ref}/timeline/"]["get"]["responses"]["200"]
    assert schema["content"]["application/json"]["schema"]["type"] == "array"


def test_every_operation_documents_its_error_answers(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            codes = set(operation["responses"])
            assert {"400", "401", "403", "404"} <= codes, (method, path)
            if method in ("post", "put", "patch", "delete"):
                assert "409" in codes, (method, path)
