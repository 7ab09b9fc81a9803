"""MAP_TILE_URL: empty by default (the offline outline map), checked when set, and allowed
as an image source by the Content Security Policy (issue 16, item 3)."""

import json
import os
import subprocess
import sys

import pytest
from django.urls import reverse

from gongzhi.core.checks import integration_settings
from gongzhi.settings import _tile_source

TIANDITU = "https://t{s}.tianditu.gov.cn/vec_w/wmts?tilematrix={z}&tilerow={y}&tilecol={x}&tk=k"


def test_the_default_is_the_offline_map(settings, district, login):
    assert settings.MAP_TILE_URL == ""
    page = login("center").get(reverse("cases:map")).content.decode()
    assert 'data-tile-url=""' in page


def test_a_configured_tile_server_reaches_the_maps(settings, district, login):
    settings.MAP_TILE_URL = "https://tiles.example.gov.cn/{z}/{x}/{y}.png"
    page = login("center").get(reverse("cases:map")).content.decode()
    assert 'data-tile-url="https://tiles.example.gov.cn/{z}/{x}/{y}.png"' in page


@pytest.mark.parametrize(
    "url, source",
    [
        ("https://tiles.example.gov.cn/{z}/{x}/{y}.png", ["https://tiles.example.gov.cn"]),
        (TIANDITU, ["https://*.tianditu.gov.cn"]),
        ("http://10.1.2.3:8080/tiles/{z}/{x}/{y}.png", ["http://10.1.2.3:8080"]),
        ("https://a.{s}.example.cn/{z}/{x}/{y}.png", ["https:"]),
        ("", []),
        ("ftp://x/{z}/{x}/{y}", []),
    ],
)
def test_the_csp_allows_the_tile_servers_origin(url, source):
    assert _tile_source(url) == source


@pytest.mark.parametrize(
    "url",
    [
        "tiles.example.gov.cn/{z}/{x}/{y}.png",
        "https://tiles.example.gov.cn/tiles.png",
        "javascript:alert(1)//{z}{x}{y}",
        "https://x.cn/{z}/{x}/{y}.png\n",
    ],
)
def test_a_bad_tile_url_stops_the_start(settings, url):
    settings.MAP_TILE_URL = url
    assert [e.id for e in integration_settings()] == ["gongzhi.E040"]


def test_a_good_tile_url_passes_the_check(settings):
    settings.MAP_TILE_URL = TIANDITU
    assert integration_settings() == []


def test_the_tile_server_is_read_from_the_environment():
    code = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps([s.MAP_TILE_URL, s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']]))"
    )
    env = {**os.environ, "GONGZHI_MODE": "test", "MAP_TILE_URL": TIANDITU}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "gongzhi", "shell", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    url, img_src = json.loads(result.stdout.splitlines()[-1])
    assert url == TIANDITU and "https://*.tianditu.gov.cn" in img_src
