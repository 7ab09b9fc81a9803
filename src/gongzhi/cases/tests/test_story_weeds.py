"""The seed's story, end to end, through the public interfaces only (pages and REST API).

The resident portal does not exist yet, so the resident's report is taken on the hotline:
the community center's operator files it on the resident's behalf through the staff
create page (reporter = the resident, whose unit inside 公园路46号楼院 locates the case).
The second case is filed the same way through the REST API, and everything after that is
done by the staff who would do it, through the detail page's action forms or the API.
"""

import datetime as dt
import re

import time_machine
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from gongzhi.cases.deadlines import cases_sweep_deadlines
from gongzhi.cases.models import Case, OwningLevel, State
from gongzhi.core.paths import subtree_q
from gongzhi.core.testing import PASSWORD

from .conftest import MONDAY


def page_client(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def api_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def form_token(client: Client) -> str:
    page = client.get("/cases/new/").content.decode()
    return re.search(r'name="token" value="([0-9a-f]+)"', page).group(1)


def press(client: Client, case: Case, action: str, **fields):
    """Submit the action form shown on the case page, with the version the page carries."""
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert f'id="action-{action}"' in page, f"{action} is not offered"
    version = Case.objects.get(pk=case.pk).version
    response = client.post(
        f"/cases/{case.number}/act/{action}/", {"expected_version": version, **fields}
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def api_act(client: APIClient, number: str, action: str, **body):
    version = client.get(f"/api/v1/cases/{number}/").json()["version"]
    response = client.post(
        f"/api/v1/cases/{number}/actions/{action}/",
        {"expected_version": version, **body},
        format="json",
    )
    assert response.status_code == 200, response.json()
    return response.json()


def test_weeds_are_settled_in_the_grid_and_a_stuck_case_climbs_to_the_community(district):
    d = district
    with time_machine.travel(MONDAY, tick=False) as clock:
        # 1. The hotline operator files the resident's report about uncut weeds.
        operator = page_client("center")
        response = operator.post(
            "/cases/new/",
            {
                "token": form_token(operator),
                "channel": "hotline",
                "category": "0403",  # 公共设施/园林绿化
                "title": "楼院杂草无人清理",
                "description": "公园路46号楼院内杂草丛生,长期无人清理。",
                "address": "公园路46号楼院",
                "reporter_resident": d.residents["a_head"].pk,
                "urgency": "normal",
            },
        )
        assert response.status_code == 302
        weeds = Case.objects.get(title="楼院杂草无人清理")
        in_courtyard = Case.objects.filter(subtree_q("grid__path", d.courtyard.path))
        assert in_courtyard.filter(pk=weeds.pk).exists()

        # 2. The grid worker accepts it, handles it inside the grid and resolves it.
        worker = page_client("gridworker")
        press(worker, weeds, "accept")
        press(worker, weeds, "self_handle")
        clock.shift(dt.timedelta(hours=3))
        press(worker, weeds, "resolve", comment="已组织物业清理杂草")

        # 3. The center verifies and closes; the resident's follow-up call rates it 满意.
        press(operator, weeds, "verify")
        press(operator, weeds, "close")
        press(operator, weeds, "follow_up", rating="satisfied", stars="5", comment="很满意")

        # 4. A second case, filed through the API, is accepted but never handled in time.
        api = api_client(d.users["center"])
        created = api.post(
            "/api/v1/cases/",
            {
                "category": "0401",
                "channel": "hotline",
                "title": "楼道灯坏了",
                "description": "1号楼2单元楼道灯不亮",
                "reporter_resident": d.residents["a_head"].pk,
                "extra": {"facility": "streetlight"},
            },
            format="json",
            HTTP_IDEMPOTENCY_KEY="hotline-call-0002",
        )
        assert created.status_code == 201, created.json()
        number = created.json()["number"]
        worker_api = api_client(d.users["gridworker"])
        api_act(worker_api, number, "accept")
        api_act(worker_api, number, "self_handle")

        # The moving clock passes each red threshold; the deadline sweep climbs the ladder.
        stuck = Case.objects.get(number=number)
        clock.move_to(stuck.handle_red_at + dt.timedelta(minutes=1))
        cases_sweep_deadlines()
        for _ in range(10):
            stuck = Case.objects.get(number=number)
            if stuck.owning_level <= OwningLevel.COMMUNITY_CENTER:
                break
            clock.move_to(stuck.accept_red_at + dt.timedelta(minutes=1))
            cases_sweep_deadlines()

        # 5. The community center takes it and resolves it.
        for action in ("sign", "start"):
            api_act(api, number, action)
        api_act(api, number, "resolve", comment="已更换灯泡")

    weeds = Case.objects.get(pk=weeds.pk)
    stuck = Case.objects.get(number=number)
    assert (weeds.state, weeds.satisfaction, weeds.resolved_level) == (
        State.FOLLOWED_UP,
        "satisfied",
        OwningLevel.UNIT,
    )
    assert (stuck.state, stuck.resolved_level, stuck.supervision) == (
        State.RESOLVED,
        OwningLevel.COMMUNITY_CENTER,
        "red",
    )
    timeline = api.get(f"/api/v1/cases/{number}/timeline/").json()
    assert [e["action"] for e in timeline].count("auto_escalate") == 5  # levels 5 → 0
