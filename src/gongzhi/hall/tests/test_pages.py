"""Every hall page renders for the center's staff, and the desk drives the queue."""

import pytest

from gongzhi.hall.models import Service, Ticket, Window


@pytest.mark.parametrize(
    "path",
    [
        "/hall/{c}/",
        "/hall/{c}/setup/",
        "/hall/{c}/visits/new/",
        "/hall/visits/",
        "/hall/referrals/",
        "/hall/{c}/display/",
        "/hall/publicity/",
        "/hall/publicity/manage/",
    ],
)
def test_the_hall_pages_render(hall, login, path):
    response = login("center").get(path.format(c=hall["w1"].center_id))
    assert response.status_code == 200


def test_the_desk_issues_and_calls_a_number(hall, login):
    client = login("center")
    center = hall["w1"].center
    assert client.post(f"/hall/{center.pk}/issue/", {"service": hall["A"].pk}).status_code == 302
    assert client.post(f"/hall/windows/{hall['w1'].pk}/call/").status_code == 302
    ticket = Ticket.objects.get()
    assert (ticket.number, ticket.status, ticket.window) == ("A001", "called", hall["w1"])
    client.post(f"/hall/tickets/{ticket.pk}/start/")
    client.post(f"/hall/tickets/{ticket.pk}/finish/")
    assert Ticket.objects.get().status == "done"


def test_the_setup_page_refuses_a_duplicate_prefix_and_keeps_the_name(hall, login):
    client = login("center")
    center = hall["w1"].center
    response = client.post(
        f"/hall/{center.pk}/setup/", {"add_service": "1", "name": "证件办理", "prefix": "a"}
    )
    assert response.status_code == 400
    assert "证件办理" in response.content.decode()
    assert Service.objects.filter(center=center).count() == 2


def test_the_setup_page_adds_a_window(hall, login):
    client = login("center")
    center = hall["w1"].center
    response = client.post(
        f"/hall/{center.pk}/setup/",
        {"add_window": "1", "name": "4号窗口", "services": [hall["A"].pk, hall["B"].pk]},
    )
    assert response.status_code == 302
    assert Window.objects.get(name="4号窗口").services.count() == 2


def test_an_unknown_ticket_action_is_not_found(hall, login):
    from gongzhi.hall.queue import ticket_call_next, ticket_issue

    ticket_issue(service=hall["A"])
    t = ticket_call_next(window=hall["w1"], by=hall["by"])
    assert login("center").post(f"/hall/tickets/{t.pk}/explode/").status_code == 404
