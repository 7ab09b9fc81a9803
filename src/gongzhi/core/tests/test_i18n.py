from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, pgettext

from gongzhi.core.roles import Role
from gongzhi.people.models import Resident, Tag

CATALOG = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"


@pytest.fixture(autouse=True)
def _back_to_the_default_language():
    # A request in English leaves English active in this thread; later tests expect Chinese.
    yield
    translation.deactivate()


def test_the_login_page_is_chinese_by_default(client):
    body = client.get(reverse("login")).content.decode()
    assert 'lang="zh-hans"' in body
    assert "工作人员登录" in body


def test_switching_to_english_translates_the_login_page(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    body = client.get(reverse("login")).content.decode()
    assert 'lang="en"' in body
    assert "Staff sign in" in body and "Password" in body
    assert "工作人员登录" not in body


def test_the_registry_page_reads_in_english(district, login):
    client = login("center")
    client.post(reverse("set_language"), {"language": "en"})
    body = client.get(reverse("people:resident_list")).content.decode()
    for word in ("Residents", "ID number", "Population type", "Grid workers", "Sign out"):
        assert word in body


def test_model_names_and_choices_have_english_labels():
    with translation.override("en"):
        assert str(Resident._meta.verbose_name) == "Resident"
        assert str(Role.GRID_WORKER.label) == "Grid worker"
        assert str(Tag.COMMUNITY_CORRECTION.label) == "Community correction"
        assert pgettext("plural", "网格员") == "Grid workers"
    with translation.override("zh-hans"):
        assert gettext("实有人口") == "实有人口"  # msgids are the Chinese text


def test_the_committed_mo_file_matches_its_po_file():
    po_path = CATALOG / "django.po"
    assert (CATALOG / "django.mo").read_bytes() == polib.pofile(str(po_path)).to_binary()


def test_every_page_string_of_the_foundation_is_translated():
    po = polib.pofile(str(CATALOG / "django.po"))
    owned = ("templates/", "people/templates/people/", "org/templates/", "grids/templates/")
    missing = [
        e.msgid
        for e in po
        if not e.msgstr
        and any(f.split("src/gongzhi/")[-1].startswith(owned) for f, _line in e.occurrences)
        and not any("/io/" in f for f, _line in e.occurrences)
    ]
    assert missing == []
