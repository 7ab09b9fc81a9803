"""Joint consultation pages: invitations with confirmations, minutes, decision tasks, scope."""

import datetime as dt

import pytest

from gongzhi.cases.consultations import consultation_open, consultation_task_add
from gongzhi.cases.models import (
    Consultation,
    ConsultationParticipant,
    ConsultationTask,
    Notification,
)
from gongzhi.core import clock

from .conftest import mediation_room, report


@pytest.fixture
def consultation(district):
    return consultation_open(
        case=report(district),
        by=district.users["center"],
        topic="楼院环境整治会商",
        scheduled_at=clock.now() + dt.timedelta(days=2),
        rooms=[mediation_room(district)],
    )


def _participant(district, consultation, username):
    return consultation.participants.get(staff__user=district.users[username])


def test_inviting_a_room_invites_and_notifies_each_of_its_staff(district, consultation):
    p = _participant(district, consultation, "mediator")
    assert p.status == ConsultationParticipant.Status.INVITED and p.room == mediation_room(district)
    assert Notification.objects.filter(user=district.users["mediator"], kind="consultation")


def test_a_participant_confirms_on_the_detail_page(district, login, consultation):
    client = login("mediator")
    response = client.post(f"/consultations/{consultation.pk}/respond/", {"answer": "confirm"})
    assert response.status_code == 302
    p = _participant(district, consultation, "mediator")
    assert p.status == "confirmed" and p.responded_at is not None


def test_a_decline_is_shown_and_tells_the_organiser(district, login, consultation):
    client = login("mediator")
    client.post(f"/consultations/{consultation.pk}/respond/", {"answer": "decline"})
    assert _participant(district, consultation, "mediator").status == "declined"
    assert Notification.objects.filter(user=district.users["center"], kind="consultation_declined")
    assert "不能参加" in client.get(f"/consultations/{consultation.pk}/").content.decode()


def test_someone_not_invited_cannot_respond(district, login, consultation):
    response = login("center").post(
        f"/consultations/{consultation.pk}/respond/", {"answer": "confirm"}
    )
    assert response.status_code == 404
    assert not consultation.participants.exclude(status="invited").exists()


def test_the_calendar_lists_upcoming_consultations_and_my_pending_invitations(
    district, login, consultation
):
    body = login("mediator").get("/consultations/").content.decode()
    assert body.count("楼院环境整治会商") == 2  # once as a pending invitation, once in the list


def test_minutes_and_decision_are_recorded(district, login, consultation):
    response = login("center").post(
        f"/consultations/{consultation.pk}/record/", {"minutes": "各方发言", "decision": "物业清理"}
    )
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert (consultation.minutes, consultation.decision) == ("各方发言", "物业清理")


def test_a_decision_becomes_a_task_with_assignee_and_due_date(district, login, consultation):
    due = clock.today() + dt.timedelta(days=5)
    staff = district.users["mediator"].staff
    response = login("center").post(
        f"/consultations/{consultation.pk}/tasks/",
        {"title": "联系物业清理杂草", "assignee": f"staff:{staff.pk}", "due_date": due.isoformat()},
    )
    assert response.status_code == 302
    task = ConsultationTask.objects.get()
    assert (task.assignee, task.due_date) == (staff, due)
    assert Notification.objects.filter(user=staff.user, kind="consultation_task")


def test_the_assignee_marks_the_task_done(district, login, consultation):
    staff = district.users["mediator"].staff
    task = consultation_task_add(
        consultation=consultation,
        by=district.users["center"],
        title="联系物业",
        assignee=staff,
        due_date=clock.today(),
    )
    login("mediator").post(f"/consultations/{consultation.pk}/tasks/{task.pk}/done/")
    task.refresh_from_db()
    assert task.done_at is not None


def test_staff_outside_the_cases_scope_get_404(district, login, consultation):
    client = login("xifeng_center")
    assert client.get(f"/consultations/{consultation.pk}/").status_code == 404
    assert "楼院环境整治会商" not in client.get("/consultations/").content.decode()


def test_it_rejects_a_task_due_in_the_past_and_writes_nothing(district, login, consultation):
    response = login("center").post(
        f"/consultations/{consultation.pk}/tasks/",
        {
            "title": "补办",
            "assignee": f"staff:{district.users['mediator'].staff.pk}",
            "due_date": (clock.today() - dt.timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert "完成期限不能早于今天" in response.content.decode()
    assert not ConsultationTask.objects.exists()


def test_it_rejects_a_consultation_with_no_participants(district, login):
    case = report(district)
    response = login("center").post(
        f"/consultations/new/{case.number}/",
        {"topic": "会商", "scheduled_at": "2030-03-05T09:00"},
    )
    assert response.status_code == 400
    assert "请至少选择一个参加的科室、部门或人员" in response.content.decode()
    assert not Consultation.objects.exists()


def test_it_rejects_a_garbage_datetime_and_keeps_what_was_typed(district, login):
    case = report(district)
    response = login("center").post(
        f"/consultations/new/{case.number}/",
        {"topic": "会商议题甲", "scheduled_at": "明天上午", "rooms": mediation_room(district).pk},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "会商时间格式不正确" in body and "会商议题甲" in body
    assert not Consultation.objects.exists()


def test_a_consultation_opened_on_the_page_invites_the_chosen_room(district, login):
    case = report(district)
    response = login("center").post(
        f"/consultations/new/{case.number}/",
        {"topic": "会商", "scheduled_at": "2030-03-05T09:00", "rooms": mediation_room(district).pk},
    )
    assert response.status_code == 302
    assert (
        Consultation.objects.get()
        .participants.filter(staff__user=district.users["mediator"])
        .exists()
    )
