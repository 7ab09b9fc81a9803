"""The admin: versions with held-out accuracy and confusion matrix, roll back; rule rows."""

from ..models import AlertRule, ModelVersion
from ..services import model_train
from .conftest import generated


def test_the_admin_lists_versions_and_rolls_back(trained, district, login):
    newer = model_train(samples=generated(2000, seed=5))
    client = login("admin")
    page = client.get("/admin/intel/modelversion/").content.decode()
    assert f"{trained.accuracy:.1%}" in page and f"{newer.accuracy:.1%}" in page
    detail = client.get(f"/admin/intel/modelversion/{trained.pk}/change/").content.decode()
    assert 'id="confusion"' in detail and "<th>04</th>" in detail
    response = client.post(
        "/admin/intel/modelversion/",
        {"action": "activate", "_selected_action": [trained.pk]},
    )
    assert response.status_code == 302
    assert ModelVersion.objects.get(active=True) == trained


def test_rolling_back_wants_exactly_one_version(trained, district, login):
    newer = model_train(samples=generated(2000, seed=5))
    client = login("admin")
    client.post(
        "/admin/intel/modelversion/",
        {"action": "activate", "_selected_action": [trained.pk, newer.pk]},
    )
    assert ModelVersion.objects.get(active=True) == newer


def test_the_rules_are_rows_with_their_defaults(db):
    rules = {r.kind: r for r in AlertRule.objects.all()}
    assert set(rules) == {"repeat_dispute", "surge", "case_stuck", "special_person", "care_call"}
    surge = rules["surge"]
    assert (surge.window_days, surge.baseline_days, surge.min_count, surge.threshold) == (
        7,
        56,
        5,
        0.001,
    )
