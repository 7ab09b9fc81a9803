"""Staff pages: inboxes, the create form, the detail page's actions, notifications, export."""

import datetime as dt
import io
import re

import time_machine
from openpyxl import load_workbook

from gongzhi.cases.deadlines import cases_sweep_deadlines
from gongzhi.cases.models import Case, CaseEvent, Notification
from gongzhi.core.models import AuditLog

from .conftest import MONDAY, act, report


def token_from(page: str) -> str:
    return re.search(r'name="token" value="([0-9a-f]+)"', page).group(1)


def create_fields(d, **overrides) -> dict:
    return {
        "channel": "window",
        "category": "0102",
        "title": "邻里噪音",
        "description": "楼上夜间噪音扰民",
        "grid": d.unit_a.pk,
        "urgency": "normal",
    } | overrides


def test_the_inbox_shows_tabs_with_counts(district, login):
    for _ in range(2):
        report(district)
    closed_one = report(district)
    for who, action in (("center", "accept"), ("center", "terminate")):
        act(district, closed_one, who, action, comment="重复反映")
    page = login("center").get("/cases/?inbox=todo").content.decode()
    assert re.search(r'data-count="todo">2<', page)
    assert re.search(r'data-count="done">1<', page)


def test_the_inbox_filters_by_category_and_shows_a_bad_filter_without_rows(district, login):
    report(district, title="噪音")
    report(district, title="路灯", category="0401", extra={"facility": "streetlight"})
    client = login("center")
    page = client.get("/cases/?inbox=todo&category=04").content.decode()
    assert "路灯" in page and "噪音" not in page
    page = client.get("/cases/?inbox=todo&date_from=garbage").content.decode()
    assert "路灯" not in page and "alert-warning" in page


def test_a_grid_worker_sees_only_cases_in_their_grid(district, login):
    report(district, title="本单元事件")
    report(district, title="隔壁单元事件", grid=district.unit_b)
    page = login("gridworker").get("/cases/?inbox=todo").content.decode()
    assert "本单元事件" in page and "隔壁单元事件" not in page


def test_a_case_outside_the_scope_is_not_found(district, login):
    case = report(district, grid=district.unit_b)
    assert login("gridworker").get(f"/cases/{case.number}/").status_code == 404


def test_the_detail_page_offers_only_the_users_actions(district, login):
    case = report(district)
    page = login("gridworker").get(f"/cases/{case.number}/").content.decode()
    offered = set(re.findall(r'id="action-([a-z_]+)"', page))
    assert offered == {"accept", "reject", "escalate", "merge"}


def test_the_detail_page_escapes_html_in_the_text(district, login):
    case = report(district, description='<script>alert("x")</script>')
    page = login("center").get(f"/cases/{case.number}/").content.decode()
    assert "&lt;script&gt;" in page and '<script>alert("x")' not in page


def test_an_action_form_moves_the_case(district, login):
    case = report(district)
    response = login("center").post(
        f"/cases/{case.number}/act/accept/", {"expected_version": case.version}
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).state == "accepted"


def test_a_stale_action_form_gets_a_clear_message_and_writes_nothing(district, login):
    case = report(district)
    seen = case.version
    act(district, case, "gridworker", "accept")
    events = CaseEvent.objects.count()
    response = login("center").post(
        f"/cases/{case.number}/act/self_handle/", {"expected_version": seen, "comment": "我来"}
    )
    assert response.status_code == 409
    assert "已被其他人更新" in response.content.decode()  # self_handle is no longer offered
    assert CaseEvent.objects.count() == events


def test_a_stale_version_keeps_the_typed_comment(district, login):
    case = report(district)
    seen = case.version
    act(district, case, "center", "accept")
    act(district, case, "center", "dispatch", to_staff=district.users["gridworker"].staff)
    response = login("center").post(
        f"/cases/{case.number}/act/escalate/", {"expected_version": seen, "comment": "上报说明"}
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "已被其他人更新" in page and "上报说明" in page


def test_an_action_missing_its_reason_keeps_the_form_open_with_the_error(district, login):
    case = report(district)
    response = login("center").post(
        f"/cases/{case.number}/act/reject/", {"expected_version": case.version}
    )
    assert response.status_code == 400
    assert "请填写不予受理的理由" in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == "reported"


def test_the_create_form_files_a_case_and_redirects_to_it(district, login):
    client = login("center")
    token = token_from(client.get("/cases/new/").content.decode())
    response = client.post("/cases/new/", create_fields(district, token=token))
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{case.number}/")


def test_a_double_submitted_create_form_returns_the_first_case(district, login):
    client = login("center")
    token = token_from(client.get("/cases/new/").content.decode())
    first = client.post("/cases/new/", create_fields(district, token=token))
    again = client.post("/cases/new/", create_fields(district, token=token, title="再次提交"))
    assert Case.objects.count() == 1
    assert again.status_code == 302 and again["Location"] == first["Location"]


def test_a_create_form_error_keeps_what_was_typed(district, login):
    client = login("center")
    fields = create_fields(district, grid="", title="保留我的标题", description="x" * 4001)
    response = client.post("/cases/new/", fields | {"token": "abc123"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "保留我的标题" in page and not Case.objects.exists()


def test_a_create_form_without_a_location_says_so(district, login):
    response = login("center").post("/cases/new/", create_fields(district, grid="", token="t1"))
    assert response.status_code == 400
    assert "请提供事件位置" in response.content.decode()


def test_the_reporter_search_shows_masked_names(district, login):
    page = login("center").get("/cases/new/reporters/?reporter_q=茹").content.decode()
    assert "茹**" in page and "茹玉芳" not in page


def test_the_navbar_badge_counts_unread_notifications(district, login):
    report(district)  # notifies the grid worker of unit_a
    page = login("gridworker").get("/cases/").content.decode()
    assert re.search(r'id="notification-badge">[^<]*<span[^>]*>1</span>', page)


def test_marking_notifications_read_clears_the_badge(district, login):
    report(district)
    client = login("gridworker")
    client.post("/cases/notifications/read/", {})
    assert not Notification.objects.filter(read_at__isnull=True, user__username="gridworker")


def test_the_export_is_masked_formula_safe_and_audited(district, login):
    report(district, title="=HYPERLINK(1)", reporter_resident=district.residents["a_head"])
    response = login("center").get("/cases/export.xlsx?inbox=todo")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert "合成" in rows[0][0]
    assert rows[2][2] == "'=HYPERLINK(1)"
    assert "茹**" in rows[2] and "茹玉芳" not in str(rows)
    assert AuditLog.objects.filter(action="export", target_type="cases.case").count() == 1


def test_the_export_needs_the_export_capability(district, login):
    assert login("gridworker").get("/cases/export.xlsx").status_code == 403
    assert not AuditLog.objects.exists()


def test_a_role_without_change_cannot_open_the_create_form(district, login):
    assert login("leader").get("/cases/new/").status_code == 403


def test_the_detail_page_shows_the_remaining_time_of_the_current_phase(district, login):
    with time_machine.travel(MONDAY, tick=False):
        case = report(district)
        page = login("center").get(f"/cases/{case.number}/").content.decode()
    deadlines = re.search(r'id="deadlines">(.*?)</ul>', page, re.S).group(1)
    assert "受理" in deadlines and "剩余 1" in deadlines  # 24 h red limit: "1 天"
    assert 'id="supervision-card"' not in page


def test_the_detail_page_shows_a_red_card_after_the_deadline(district, login):
    with time_machine.travel(MONDAY, tick=False) as clock:
        case = report(district)
        clock.move_to(case.accept_red_at + dt.timedelta(minutes=1))
        cases_sweep_deadlines()
        page = login("center").get(f"/cases/{case.number}/").content.decode()
    card = re.search(r'id="supervision-card">(.*?)</div>\s*</div>', page, re.S).group(1)
    assert "红牌督办" in card and "已超时" in card


def test_an_htmx_inbox_request_gets_only_the_results(district, login):
    report(district, title="局部刷新")
    response = login("center").get("/cases/?inbox=todo", HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "局部刷新" in page and "<html" not in page


def test_one_notification_can_be_marked_read(district, login):
    report(district)
    report(district)
    client = login("gridworker")
    first = Notification.objects.filter(user__username="gridworker").first()
    response = client.post(
        "/cases/notifications/read/", {"id": first.pk, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/cases/notifications/"  # no open redirect
    unread = Notification.objects.filter(user__username="gridworker", read_at__isnull=True)
    assert list(unread.values_list("pk", flat=True)) != [] and first not in unread
