"""Without Redis, an escalation raised by a real task-worker process reaches the resident's
page and the next center's console over their open sockets, without a reload."""

import pytest
from django_tasks_db.models import DBTaskResult
from playwright.sync_api import expect

from gongzhi.core.roles import Role
from gongzhi.core.tests import processes as p
from gongzhi.org.models import CenterLevel
from gongzhi.org.services import center_create, staff_create
from gongzhi.realtime.models import OneKeyCall

from .conftest import resident_session, staff_session
from .test_browser import _call_for_help, _context

pytestmark = [pytest.mark.browser, pytest.mark.processes]
ACK_TIMEOUT = 2  # seconds: the worker escalates soon after the call


@pytest.fixture
def district_duty(district):
    """A district-level center above 金泉路社区: the escalation's next level."""
    center = center_create(grid=district.root, name="区综治中心", level=CenterLevel.DISTRICT)
    return staff_create(
        username="district_duty", name="区值班员", role=Role.CENTER_STAFF, center=center
    ).user


def test_an_escalation_from_the_worker_process_reaches_open_pages(
    browser, live_server_url, resident, community, district_duty, settings, tmp_path
):
    # The embedded default: in-memory channel layer, relay through the database.
    assert "InMemoryChannelLayer" in settings.CHANNEL_LAYERS["default"]["BACKEND"]
    settings.REALTIME_DB_RELAY = True
    settings.ONE_KEY_ACK_TIMEOUT = ACK_TIMEOUT
    log = tmp_path / "worker.log"
    env = p.child_env(tmp_path, REALTIME_DB_RELAY="1", ONE_KEY_ACK_TIMEOUT=str(ACK_TIMEOUT))
    worker = p.start(["task_worker", "--name", "relay-test"], env, log)
    staff = _context(browser, live_server_url, staff_session(district_duty))
    home = _context(browser, live_server_url, resident_session(resident))
    try:
        console = staff.new_page()
        console.goto(f"{live_server_url}/realtime/staff/")
        expect(console.get_by_test_id("conn")).to_have_text("实时")

        phone = _call_for_help(home, live_server_url)
        call = OneKeyCall.objects.get(account=resident)
        expect(phone.locator("#call-escalated")).to_be_hidden()

        # Raised by the worker process, delivered over the sockets already open.
        card = console.locator(f'[data-call="{call.pk}"]')
        expect(card).to_contain_text("无人响应,已升级", timeout=p.WAIT * 1000)
        expect(card).to_contain_text(call.case.number)
        expect(phone.locator("#call-escalated")).to_be_visible(timeout=p.WAIT * 1000)
        expect(console.get_by_test_id("conn")).to_have_text("实时")  # no fallback needed
    finally:
        staff.close()
        home.close()
        p.stop(worker)
    call.refresh_from_db()
    assert call.escalation_level >= 1
    runs = DBTaskResult.objects.filter(
        task_path="gongzhi.realtime.tasks.onekey_escalate", status="SUCCESSFUL"
    )
    assert runs.exists()
    assert all(r.worker_ids[0].startswith("relay-test#") for r in runs), "run outside the worker"
