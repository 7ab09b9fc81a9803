import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, pgettext

from gongzhi.care.services import visit_record
from gongzhi.core.idcard import InvalidIdNumber, parse_id_number
from gongzhi.core.roles import Role
from gongzhi.deliberation.models import DeliberationStatus
from gongzhi.deliberation.workflow import next_status
from gongzhi.mediation.services import parse_amount
from gongzhi.people.models import Resident, Tag
from gongzhi.portal.auth import LoginError, clean_mobile

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


# Python %-placeholders: named or positional, with flags; "%%" is a literal percent sign.
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")


def placeholders(text: str) -> list[str]:
    return sorted(p for p in PLACEHOLDER.findall(text) if p != "%%")


@pytest.fixture(scope="module")
def catalog():
    return polib.pofile(str(CATALOG / "django.po"))


def test_every_entry_of_the_english_catalog_is_translated(catalog):
    # A new string without a translation fails here: run `make messages` and translate it.
    untranslated = [e.msgid for e in catalog if not e.obsolete and not e.translated()]
    fuzzy = [e.msgid for e in catalog if not e.obsolete and "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []


def test_every_translation_keeps_the_placeholders_of_its_msgid(catalog):
    mismatched = []
    for entry in catalog.translated_entries():
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for translation_ in translations:
            if placeholders(translation_) != placeholders(entry.msgid):
                mismatched.append((entry.msgid, translation_))
    assert mismatched == []


def test_the_placeholder_check_notices_a_dropped_or_renamed_placeholder():
    assert placeholders("已登记纠纷 %(n)s") == ["%(n)s"]
    assert placeholders("Dispute registered") != placeholders("已登记纠纷 %(n)s")
    assert placeholders("Dispute %(number)s") != placeholders("已登记纠纷 %(n)s")
    assert placeholders("50%% of %(n)d") == ["%(n)d"]


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return ";".join(exc.messages)
    return str(exc)


def _raised(call) -> str:
    with pytest.raises((ValidationError, InvalidIdNumber, LoginError)) as info:
        call()
    return _message(info.value)


def test_an_id_number_error_from_core_is_english_under_english_and_chinese_by_default():
    def check():
        return _raised(lambda: parse_id_number("1234"))

    assert check() == "身份证号应为18位(末位可为X)或15位数字"
    with translation.override("en"):
        assert check() == "An ID number has 18 characters (the last may be X) or 15 digits"


def test_a_portal_sign_in_error_is_english_under_english_and_chinese_by_default():
    def check():
        return _raised(lambda: clean_mobile("12345"))

    assert check() == "请输入正确的11位手机号"
    with translation.override("en"):
        assert check() == "Please enter a valid 11-digit mobile number"


def test_a_mediation_error_with_a_lazy_default_label_follows_the_active_language():
    # parse_amount's default label is a module-level lazy string: it must not be
    # frozen in the language that was active at import time.
    def check():
        return _raised(lambda: parse_amount("abc"))

    assert check() == "争议金额应为数字(单位:元),例如 12000 或 12000.50"
    with translation.override("en"):
        assert check() == "Amount in dispute must be a number in yuan, e.g. 12000 or 12000.50"


def test_a_deliberation_transition_error_translates_its_state_and_action():
    def check():
        return _raised(lambda: next_status(DeliberationStatus.CLOSED, "publish"))

    assert check() == "议事当前状态为「已结束」,不能发布议事"
    with translation.override("en"):
        assert check() == "The deliberation is “Ended”; “Publish” is not possible"


def test_a_care_service_refusal_is_english_for_an_english_user(district):
    # A database-backed service raising a module-level lazy message.
    def check():
        return _raised(
            lambda: visit_record(
                by=district.users["center"], resident=district.residents["b_head"], note="x"
            )
        )

    assert check().startswith("该居民不在关爱对象名单中")
    with translation.override("en"):
        assert check().startswith("This resident is not on the care list")


def test_an_api_error_reads_in_english_after_switching_language(district, login):
    client = login("center")
    url = "/api/v1/grids/"
    assert "层级应为0到5" in client.get(url, {"level": "9"}).content.decode()
    client.post(reverse("set_language"), {"language": "en"})
    response = client.get(url, {"level": "9"})
    assert response.status_code == 400
    assert response.json() == {"level": ["The level must be between 0 and 5"]}
