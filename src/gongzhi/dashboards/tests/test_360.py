"""The 360° view: scope, per-part permissions, and counselling confidentiality."""

import datetime as dt

import pytest
import time_machine

from gongzhi.cases.models import Category, Channel
from gongzhi.cases.services import case_create
from gongzhi.core import clock
from gongzhi.counseling import services as counseling
from gongzhi.liaison.services import hazard_report
from gongzhi.mediation import services as mediation
from gongzhi.mediation.models import Party
from gongzhi.org.models import Center, Staff

NOTE_TEXT = "来访者自述长期失眠,夫妻矛盾激化,偶有轻生念头。"
PERSONAS = ["admin", "leader", "center", "gridworker", "police", "mediator", "counselor"]


@pytest.fixture
def story(district):
    """a_head reported a case, is party to a dispute, saw a counsellor; a hazard in unit_a."""
    center_user = district.users["center"]
    jq = Center.objects.get(grid=district.jinquan)
    a_head = district.residents["a_head"]
    case = case_create(
        by=center_user,
        title="楼上漏水",
        description="楼上漏水到我家",
        channel=Channel.WINDOW,
        category=Category.objects.get(parent__name="矛盾纠纷", name="邻里纠纷"),
        reporter_resident=a_head,
    )
    dispute = mediation.dispute_register(
        by=center_user,
        center=jq,
        title="漏水赔偿纠纷",
        facts="楼上漏水损坏吊顶",
        dispute_type="邻里纠纷",
        kinds=["people"],
    )
    mediation.party_add(
        by=center_user, dispute=dispute, side=Party.Side.APPLICANT, resident=a_head, name=""
    )
    counselor = Staff.objects.get(user=district.users["counselor"])
    start = clock.now() + dt.timedelta(days=1)
    slot = counseling.slot_create(
        by=district.users["counselor"],
        counselor=counselor,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
    )
    appt = counseling.appointment_book(by=center_user, slot=slot, resident=a_head)
    with time_machine.travel(start + dt.timedelta(minutes=5)):  # notes follow the session
        counseling.session_note_write(
            by=district.users["counselor"],
            appointment=appt,
            content=NOTE_TEXT,
            risk_flag="self_harm",
        )
    hazard = hazard_report(
        by=district.users["gridworker"],
        grid=district.unit_a,
        location="1单元楼道口",
        description="电动车楼道充电",
    )
    return {"case": case, "dispute": dispute, "slot": slot, "hazard": hazard}


def _page(login, username, pk, kind="resident"):
    return login(username).get(f"/dashboards/{kind}/{pk}/")


def test_a_gridworker_cannot_open_a_sibling_grids_resident(district, login):
    assert _page(login, "gridworker_b", district.residents["a_head"].pk).status_code == 404
    assert _page(login, "gridworker", district.residents["b_head"].pk).status_code == 404


def test_a_gridworker_cannot_open_a_sibling_grids_household(district, login):
    assert _page(login, "gridworker_b", district.households["a"].pk, "household").status_code == 404


def test_a_township_center_cannot_open_another_townships_resident(district, login):
    assert _page(login, "xifeng_center", district.residents["a_head"].pk).status_code == 404


@pytest.mark.parametrize("username", PERSONAS)
def test_no_persona_ever_sees_counselling_note_text(district, story, login, username):
    for kind, pk in (
        ("resident", district.residents["a_head"].pk),
        ("household", district.households["a"].pk),
    ):
        response = _page(login, username, pk, kind)
        if response.status_code == 404:
            continue  # out of scope entirely
        text = response.content.decode()
        assert NOTE_TEXT not in text and "轻生" not in text and "失眠" not in text


def test_center_staff_see_the_appointment_time_but_not_the_note(district, story, login):
    text = _page(login, "center", district.residents["a_head"].pk).content.decode()
    starts = story["slot"].starts_at.astimezone(dt.timezone(dt.timedelta(hours=8)))
    assert starts.strftime("%Y-%m-%d %H:%M") in text
    assert "已咨询" in text and NOTE_TEXT not in text


def test_center_staff_see_every_room_part(district, story, login):
    text = _page(login, "center", district.residents["a_head"].pk).content.decode()
    assert story["case"].number in text
    assert story["dispute"].number in text
    assert "1单元楼道口" in text


def test_a_gridworker_sees_their_units_parts_but_not_the_centers_dispute(district, story, login):
    text = _page(login, "gridworker", district.residents["a_head"].pk).content.decode()
    assert story["case"].number in text and "1单元楼道口" in text
    assert story["dispute"].number not in text


def test_special_population_tags_show_only_to_view_special_roles(district, login):
    pk = district.households["a"].pk
    center = _page(login, "center", pk, "household").content.decode()
    gridworker = _page(login, "gridworker", pk, "household").content.decode()
    assert 'data-tag="community_correction"' in center
    assert 'data-tag="community_correction"' not in gridworker and "社区矫正" not in gridworker
    assert 'data-tag="elderly_alone"' in gridworker  # care tags stay visible


def test_names_are_masked_in_the_360_view(district, login):
    text = _page(login, "center", district.households["a"].pk, "household").content.decode()
    assert "欧阳**" in text and "欧阳明月" not in text and "茹玉芳" not in text
