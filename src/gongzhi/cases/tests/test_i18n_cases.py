"""The case workflow speaks the user's language: English under "en", Chinese by default."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from gongzhi.cases.kpis import RATE_LABELS
from gongzhi.cases.kpis.export import kpi_headers
from gongzhi.cases.models import State
from gongzhi.cases.workflow import LABELS, TABLE, TransitionError, transition_for

from .conftest import act, report

CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _back_to_the_default_language():
    yield
    translation.deactivate()


def _illegal_transition_message() -> str:
    with pytest.raises(TransitionError) as info:
        transition_for(State.CLOSED, "accept")
    return str(info.value)


def test_a_workflow_action_label_is_english_under_english_and_chinese_by_default():
    with translation.override("en"):
        assert str(LABELS["accept"]) == "Accept"
        assert str(LABELS["reopen"]) == "Reopen"
        assert str(transition_for(State.REPORTED, "reject").label) == "Reject"
    with translation.override("zh-hans"):
        assert str(LABELS["accept"]) == "受理"
        assert str(LABELS["reopen"]) == "重办"
    # The labels are evaluated when shown, not frozen at import in whichever language was active.
    assert str(LABELS["accept"]) == "受理"


def test_every_workflow_action_label_has_an_english_translation():
    with translation.override("en"):
        untranslated = [t.action for t in TABLE if CHINESE.search(str(t.label))]
    assert untranslated == []


def test_an_illegal_transition_is_explained_in_the_active_language():
    with translation.override("en"):
        english = _illegal_transition_message()
    assert english == "The case is “Closed”; “Accept” is not possible"
    with translation.override("zh-hans"):
        chinese = _illegal_transition_message()
    assert chinese == "事件当前状态为「已结案」,不能执行「受理」"


def test_kpi_labels_and_export_headers_follow_the_language():
    with translation.override("en"):
        assert str(RATE_LABELS["closure"]) == "Closure rate"
        headers = kpi_headers()
    assert headers[:4] == ["Grid", "Code", "Level", "Timely acceptance rate (%)"]
    assert not any(CHINESE.search(h) for h in headers)
    with translation.override("zh-hans"):
        assert kpi_headers()[3] == "受理及时率(%)"


def test_an_action_error_from_the_service_is_english_under_english(district):
    case = report(district)
    with translation.override("en"), pytest.raises(ValidationError) as info:
        act(district, case, "center", "reject")
    assert info.value.message_dict == {"comment": ["Please give the reason for rejecting"]}


def test_the_case_page_shows_english_action_labels(district, login):
    case = report(district)
    client = login("center")
    client.post(reverse("set_language"), {"language": "en"})
    page = client.get(f"/cases/{case.number}/").content.decode()
    summaries = re.findall(r'id="action-accept">\s*<summary[^>]*>([^<]+)</summary>', page)
    assert summaries == ["Accept"]
