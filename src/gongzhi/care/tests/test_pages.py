"""The care room's daily work through its pages: filters, a target's plan, visit and help,
the overdue list, the export, and bad input that writes nothing."""

import datetime as dt
import io

import pytest
import time_machine
from openpyxl import load_workbook

from gongzhi.care import services as svc
from gongzhi.care.models import HelpDelivery, Visit, VisitPlan
from gongzhi.core.models import AuditLog
from gongzhi.people.services import resident_tag_add


@pytest.fixture
def target(district):
    return district.residents["a_head"]  # 独居老人 in unit_a


def test_a_target_name_links_to_its_page(district, care_worker, login, target):
    html = login("care").get("/care/").content.decode()
    assert f'href="/care/targets/{target.pk}/"' in html


def test_the_list_filters_by_status_and_category(district, care_worker, login, target):
    resident_tag_add(
        by=district.users["admin"], resident=district.residents["b_head"], tag="disabled"
    )
    svc.visit_plan_create(by=care_worker.user, resident=target, worker=care_worker)
    client = login("care")
    no_plan = client.get("/care/", {"status": "no_plan"}).content.decode()
    assert district.residents["b_head"].masked_name in no_plan and target.masked_name not in no_plan
    elderly = client.get("/care/", {"tag": "elderly_alone"}).content.decode()
    assert target.masked_name in elderly and district.residents["b_head"].masked_name not in elderly


def test_a_foreign_grid_filter_shows_an_error_and_no_rows(district, login, target):
    html = login("gridworker").get("/care/", {"grid": district.unit_x.pk}).content.decode()
    assert "网格不存在或不在您的管辖范围内" in html and target.masked_name not in html


def test_the_care_worker_plans_records_a_visit_and_help_from_the_target_page(
    district, care_worker, login, target
):
    client = login("care")
    url = f"/care/targets/{target.pk}/"
    r = client.post(url + "plan/", {"worker": care_worker.pk, "interval_days": "7"})
    assert r.status_code == 302
    plan = VisitPlan.objects.get(resident=target)
    assert plan.interval_days == 7 and plan.worker == care_worker
    assert client.post(url + "visit/", {"note": "身体健康,家中整洁"}).status_code == 302
    assert (
        client.post(
            url + "help/", {"kind": "goods", "description": "米面油", "value": "200"}
        ).status_code
        == 302
    )
    html = client.get(url).content.decode()
    assert "身体健康,家中整洁" in html and "米面油" in html and target.name not in html


@pytest.mark.parametrize(
    ("step", "data", "message"),
    [
        ("visit", {"note": ""}, "请填写走访情况"),
        ("visit", {"note": "x" * 2001}, "2000"),
        ("help", {"kind": "goods", "description": ""}, "请填写帮扶内容"),
        ("help", {"kind": "cash", "description": "米"}, ""),
        ("help", {"kind": "goods", "description": "米", "value": "两百"}, "折合金额应为数字"),
        ("plan", {"interval_days": "0"}, ""),
        ("plan", {"interval_days": "9" * 30}, ""),
    ],
)
def test_bad_input_on_the_target_page_writes_nothing(
    district, care_worker, login, target, step, data, message
):
    r = login("care").post(f"/care/targets/{target.pk}/{step}/", data)
    assert r.status_code == 400
    assert "未保存任何内容" in r.content.decode() and message in r.content.decode()
    assert not Visit.objects.exists() and not HelpDelivery.objects.exists()
    assert not VisitPlan.objects.exists()


def test_control_characters_in_a_visit_note_are_dropped_before_it_is_stored(
    district, care_worker, login, target
):
    r = login("care").post(f"/care/targets/{target.pk}/visit/", {"note": "探望\x07老\x1b人\x7f"})
    assert r.status_code == 302
    assert Visit.objects.get().note == "探望老人"


def test_a_nul_in_a_help_description_is_a_400_naming_the_field_and_writes_nothing(
    district, care_worker, login, target
):
    r = login("care").post(
        f"/care/targets/{target.pk}/help/", {"kind": "goods", "description": "米\x00面"}
    )
    assert r.status_code == 400
    assert "description" in r.content.decode() and "NUL" in r.content.decode()
    assert not Visit.objects.exists() and not HelpDelivery.objects.exists()
    assert not VisitPlan.objects.exists()


def test_a_worker_from_another_center_cannot_be_made_responsible(
    district, care_worker, login, target
):
    other = district.users["xifeng_center"].staff
    r = login("center").post(f"/care/targets/{target.pk}/plan/", {"worker": other.pk})
    assert r.status_code == 400 and not VisitPlan.objects.exists()


def test_another_grids_target_is_not_found(district, login):
    x = district.residents["x_head"]
    resident_tag_add(by=district.users["admin"], resident=x, tag="hardship")
    client = login("gridworker")
    assert client.get(f"/care/targets/{x.pk}/").status_code == 404
    assert client.post(f"/care/targets/{x.pk}/visit/", {"note": "x"}).status_code == 404
    assert not Visit.objects.exists()


def test_the_overdue_list_shows_plans_past_their_date(district, care_worker, login, target):
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        plan = svc.visit_plan_create(by=care_worker.user, resident=target, worker=care_worker)
        clock.move_to(start + dt.timedelta(days=40))
        svc.care_sweep_overdue()
        html = login("care").get("/care/overdue/").content.decode()
        assert target.masked_name in html and f"{plan.next_due_on:%Y-%m-%d}" in html
        login("care").post(f"/care/targets/{target.pk}/visit/", {"note": "补访"})
        assert target.masked_name not in login("care").get("/care/overdue/").content.decode()


def test_the_list_pages_past_the_first(district, login):
    from gongzhi.core.idcard import check_char
    from gongzhi.people.services import resident_create

    admin = district.users["admin"]
    for n in range(51):
        body = f"62090219900101{n:03d}"
        new = resident_create(
            by=admin,
            household=district.households["a"],
            name="关爱人",
            id_number=body + check_char(body),
            relation="other",
        )
        resident_tag_add(by=admin, resident=new, tag="hardship")
    client = login("admin")
    page2 = client.get("/care/", {"page": 2, "tag": "hardship"})
    assert page2.status_code == 200
    assert "page=1" in page2.content.decode() and "tag=hardship" in page2.content.decode()


def test_the_export_reads_back_masked_with_the_ledger_columns(district, care_worker, login, target):
    svc.visit_plan_create(by=care_worker.user, resident=target, worker=care_worker)
    svc.visit_record(by=care_worker.user, resident=target, note="走访")
    r = login("center").get("/care/export/", {"tag": "elderly_alone"})
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][:5] == ("序号", "姓名", "性别", "年龄", "所在网格")
    assert rows[2][1] == target.masked_name and rows[2][6] == care_worker.name
    assert all(target.name not in str(v) for row in rows for v in row)
    assert len(rows) == 3
    assert AuditLog.objects.filter(
        action=AuditLog.Action.EXPORT, target_type="people.resident"
    ).exists()


def test_a_care_worker_without_export_rights_is_refused(district, care_worker, login):
    assert login("care").get("/care/export/").status_code == 403
    assert not AuditLog.objects.filter(action=AuditLog.Action.EXPORT).exists()
