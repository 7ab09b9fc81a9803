"""Issue 14's care story in a real browser at a phone viewport: the care room plans a
target's visits, the grid worker records the visit offline on the workbench, and once the
phone is back online the target shows the visit as done."""

import pytest
from django.urls import reverse

from gongzhi.care import services as svc
from gongzhi.care.models import Visit, VisitPlan
from gongzhi.workbench.tests.test_offline_browser import _sign_in


@pytest.mark.browser
def test_a_planned_visit_recorded_offline_shows_as_done(
    live_server_url, district, phone_page, care_worker
):
    target = district.residents["a_head"]
    svc.visit_plan_create(by=care_worker.user, resident=target)
    due_before = VisitPlan.objects.get().next_due_on
    page = phone_page
    errors: list = []
    page.on("pageerror", lambda error: errors.append(error))
    _sign_in(page, live_server_url, "gridworker")
    page.goto(live_server_url + reverse("workbench:care_visit_new"))
    page.context.set_offline(True)

    page.locator(f"label[for=t{target.pk}]").click()
    page.get_by_label("2. 走访情况").fill("老人身体硬朗,已提醒冬季用电安全")
    page.locator("#care-visit-submit").click()
    page.wait_for_function("document.getElementById('wb-queue-count').textContent === '1'")
    assert not Visit.objects.exists()

    page.context.set_offline(False)
    page.wait_for_function("document.getElementById('wb-queue').hidden === true")
    visit = Visit.objects.get()
    assert visit.resident == target and visit.source == Visit.Source.GRID_WORKER
    assert VisitPlan.objects.get().next_due_on >= due_before

    page.goto(live_server_url + reverse("care:target_detail", args=[target.pk]))
    body = page.locator("body").inner_text()
    assert "老人身体硬朗" in body and "网格员工作台" in body and "已逾期" not in body
    page.goto(live_server_url + reverse("workbench:stats"))
    assert "1/1" in page.locator("body").inner_text()  # 走访完成/计划
    assert errors == []
