"""The OpenAPI schema generates cleanly and the docs page uses only local assets."""

import re

from django.core.management import call_command


def test_the_schema_generates_and_validates_without_warnings(tmp_path):
    # --fail-on-warn turns any drf-spectacular warning into a SystemExit/error.
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text()
    for path in (
        "/api/v1/residents/{id}/reveal/",
        "/api/v1/grids/{id}/summary/",
        "/api/v1/workers/",
    ):
        assert path in text


def test_the_schema_endpoint_answers(client, db):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/households/" in response.content


def test_the_docs_page_loads_no_external_script_or_style(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r"""<(?:script|link)\b[^>]*?(?:src|href)\s*=\s*["']([^"']+)""", html)
    assert any("swagger-ui" in s for s in sources), sources
    assert [s for s in sources if re.match(r"(https?:)?//", s)] == []
    assert not re.search(r"https?://[^\"'\s]*\.(?:js|css)", html)


def test_the_docs_assets_are_served_locally(client, db):
    html = client.get("/api/docs/").content.decode()
    bundle = re.search(r"""src=["']([^"']*swagger-ui-bundle\.js)""", html).group(1)
    assert client.get(bundle).status_code == 200
