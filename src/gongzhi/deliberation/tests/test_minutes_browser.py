"""Issue 14.6: the 议事会 minutes checkboxes are clickable. Each label sits on one line beside
its box and the save button is below the last of them, at a desk width and on a phone."""

import pytest

from gongzhi.deliberation.models import MeetingAttendance
from gongzhi.deliberation.services import meeting_schedule
from gongzhi.workbench.tests.test_offline_browser import _sign_in

from .conftest import T0, open_deliberation


@pytest.mark.browser
@pytest.mark.parametrize("width", [1366, 360])
def test_the_minutes_checkboxes_can_be_clicked(live_server_url, d, browser, width):
    meeting = meeting_schedule(
        by=d.users["courtyard_worker"],
        title="议事会",
        agenda="路灯",
        place="活动室",
        scheduled_at=T0,
        deliberation=open_deliberation(d),
    )
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    _sign_in(page, live_server_url, "courtyard_worker")
    page.goto(f"{live_server_url}/deliberation/meetings/{meeting.pk}/")
    labels = page.locator("form .form-check-label")
    assert labels.count() == 4 + 4  # four organisations, four households
    for i in range(labels.count()):
        box = labels.nth(i).bounding_box()
        assert box["width"] > box["height"], labels.nth(i).inner_text()  # one line, not a column
    save = page.get_by_role("button", name="保存纪要").bounding_box()
    last = labels.last.bounding_box()
    assert save["y"] >= last["y"] + last["height"]
    page.get_by_label("会议纪要").fill("同意每户集资50元安装路灯。")
    page.get_by_text("业委会", exact=True).click()  # clicking the label ticks its box
    page.get_by_text("1号楼-1单元-101", exact=True).click()
    page.get_by_role("button", name="保存纪要").click()
    page.wait_for_load_state()
    attended = MeetingAttendance.objects.filter(meeting=meeting)
    assert {a.org_kind or a.household.house_number for a in attended} == {"owners_committee", "101"}
    context.close()
