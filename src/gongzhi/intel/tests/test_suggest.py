"""The suggestion: the active model, loaded once per process; keywords before any model."""

from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.http import QueryDict

from gongzhi.cases.models import Category
from gongzhi.open311.keys import apikey_create
from gongzhi.open311.services import open311_request_create
from gongzhi.portal import services as portal

from .. import classifier, suggest
from ..models import ModelVersion
from ..services import model_train, model_version_activate
from .conftest import generated

TRAP = "楼前的减速带坏了,螺丝露在外面,希望尽快修一下"  # "希望" → 社情民意 by keyword


@pytest.mark.django_db
def test_without_a_model_the_keyword_table_answers():
    s = suggest.suggest_category("楼下邻居天天吵架")
    assert (s.source, s.category.code, s.confidence) == ("keywords", "01", 0.5)


@pytest.mark.django_db
def test_without_a_model_or_a_keyword_the_answer_is_other_with_no_confidence():
    s = suggest.suggest_category("今天天气不错")
    assert (s.source, s.category.code, s.confidence) == ("none", "12", 0.0)


def test_the_model_answers_once_trained_and_the_keyword_trap_is_gone(trained):
    # "希望" sends this to 社情民意 through the keyword table (issue 17).
    assert portal.category_suggest_keywords(TRAP).code == "09"
    s = suggest.suggest_category(TRAP)
    assert s.source == "model" and s.version == trained.number
    assert (s.category.code, s.subcategory.code) == ("04", "0402")
    assert 0 < s.confidence <= 1
    assert len(s.alternatives) <= 3 and s.category.code not in {a.code for a in s.alternatives}


def test_the_artefact_is_read_once_per_process_until_another_version_is_active(trained, district):
    with mock.patch.object(classifier, "loads", wraps=classifier.loads) as loads:
        for _ in range(3):
            suggest.suggest_category("路灯坏了")
        assert loads.call_count == 1
        newer = model_train(samples=generated(2000, seed=5), activate=False)
        suggest.suggest_category("路灯坏了")
        assert loads.call_count == 1  # a stored but inactive version changes nothing
        model_version_activate(by=district.users["admin"], version=newer)
        assert suggest.suggest_category("路灯坏了").version == newer.number
        assert loads.call_count == 2


def test_rolling_back_makes_the_older_version_answer(trained, district):
    newer = model_train(samples=generated(2000, seed=5))
    assert ModelVersion.objects.get(active=True) == newer
    model_version_activate(by=district.users["admin"], version=trained)
    assert list(ModelVersion.objects.filter(active=True)) == [trained]
    assert suggest.suggest_category("路灯坏了").version == trained.number


def test_only_the_administrator_switches_versions(trained, district):
    newer = model_train(samples=generated(2000, seed=5), activate=False)
    with pytest.raises(PermissionDenied):
        model_version_activate(by=district.users["center"], version=newer)
    assert ModelVersion.objects.get(active=True) == trained


def test_a_resident_gets_a_category_without_required_questions(trained):
    # 公用设施 asks which facility (required): a resident's post gets the top level instead.
    s = suggest.suggest_category("路灯不亮,晚上出行很危险")
    assert s.subcategory is not None and s.subcategory.code == "0401"
    assert suggest.usable_for_resident(s).code == "04"
    assert portal.category_suggest("路灯不亮,晚上出行很危险").code == "04"


def test_a_generic_open311_code_takes_the_confident_suggestion(trained, district):
    key, _raw = apikey_create(name="311", user=district.users["center"])
    data = QueryDict(mutable=True)
    data.update(
        {
            "service_code": "12",
            "description": "路面塌陷出现大坑,车辆无法通行",
            "address_id": str(district.unit_a.pk),
        }
    )
    with mock.patch("gongzhi.open311.services.location_resolve") as where:
        where.return_value = mock.Mock(
            grid=district.unit_a, address="", lat=None, lng=None, address_id=""
        )
        record = open311_request_create(api_key=key, data=data)
        assert record.case.category.code == "0402"
        data["service_code"] = "0301"
        record = open311_request_create(api_key=key, data=data)
    assert record.case.category.code == "0301"  # a specific code is the client's choice


def test_an_unsure_model_leaves_a_generic_open311_code_alone(trained, settings):
    settings.INTEL_OPEN311_MIN_CONFIDENCE = 1.01
    other = Category.objects.get(code="12")
    assert suggest.open311_category(other, "路面塌陷出现大坑") == other
