"""Visits and help: only to people on the care list, by people allowed to record them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongzhi.care import services as svc
from gongzhi.care.models import HelpDelivery, Visit


def test_it_rejects_a_visit_to_a_person_not_on_the_care_list(district, care_worker):
    with pytest.raises(ValidationError, match="不在关爱对象名单中"):
        svc.visit_record(by=care_worker.user, resident=district.residents["b_head"], note="走访")
    assert not Visit.objects.exists()


def test_a_grid_worker_records_a_visit_from_the_workbench(district):
    visit = svc.visit_record(
        by=district.users["gridworker"], resident=district.residents["a_head"], note="巡查时探望"
    )
    assert visit.source == Visit.Source.GRID_WORKER


def test_a_grid_worker_cannot_record_a_visit_outside_their_unit(district):
    with pytest.raises(PermissionDenied):
        svc.visit_record(
            by=district.users["gridworker_b"], resident=district.residents["a_head"], note="x"
        )
    assert not Visit.objects.exists()


def test_it_rejects_help_with_a_value_that_is_not_a_number(district, care_worker):
    with pytest.raises(ValidationError, match="折合金额应为数字"):
        svc.help_record(
            by=care_worker.user,
            resident=district.residents["a_head"],
            kind="goods",
            description="米面油",
            value="两百元",
        )
    assert not HelpDelivery.objects.exists()


def test_the_care_targets_page_shows_overdue_targets_masked(district, care_worker, login):
    import datetime as dt

    import time_machine

    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        svc.visit_plan_create(
            by=care_worker.user, resident=district.residents["a_head"], worker=care_worker
        )
        clock.move_to(start + dt.timedelta(days=8))
        svc.care_sweep_overdue()
        html = login("care").get("/care/").content.decode()
    a_head, b_head = district.residents["a_head"], district.residents["b_head"]
    assert a_head.masked_name in html and a_head.name not in html and "已逾期" in html
    assert b_head.masked_name not in html  # not on the care list
