"""Every static file the templates name is found; the front-end libraries come from npm."""

import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders

from gongzhi.core.checks import front_end_assets

STATIC_TAG = re.compile(r"""\{%\s*static\s+['"]([^'"]+)['"]\s*%\}""")


def _template_static_paths() -> set[str]:
    paths = set()
    for template in Path(settings.BASE_DIR).rglob("templates/**/*.html"):
        paths.update(STATIC_TAG.findall(template.read_text(encoding="utf-8")))
    return paths


def test_every_static_file_a_template_names_is_found():
    paths = _template_static_paths()
    assert {"bootstrap/css/bootstrap.min.css", "htmx/htmx.min.js"} <= paths
    assert [path for path in paths if finders.find(path) is None] == []


def test_the_libraries_are_the_npm_builds_not_a_python_package_copy():
    bootstrap = Path(finders.find("bootstrap/css/bootstrap.min.css"))
    assert bootstrap.is_relative_to(settings.BASE_DIR / "assets")
    assert "Bootstrap  v5.3" in bootstrap.read_text(encoding="utf-8")[:200]


def test_the_check_reports_missing_libraries(settings, tmp_path):
    assert front_end_assets(None) == []
    settings.BASE_DIR = tmp_path
    errors = front_end_assets(None)
    assert [e.id for e in errors] == ["gongzhi.E030"]
    assert "make assets" in errors[0].hint
