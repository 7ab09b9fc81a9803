"""Window registration: every outcome writes the right rows; bad input writes nothing."""

import pytest
from django.core.exceptions import ValidationError

from gongzhi.cases.models import Case, Category, Channel
from gongzhi.hall.models import Outcome, RoomReferral, WindowVisit
from gongzhi.hall.services import window_visit_register
from gongzhi.mediation.models import Dispute, Party
from gongzhi.org.models import RoomKind
from gongzhi.people.models import Resident


def _register(district, center, **over):
    fields = {
        "by": district.users["center"],
        "center": center,
        "title": "楼道堆物",
        "matter": "邻居在楼道堆放杂物,影响通行。",
        "resident": district.residents["a_head"],
    } | over
    return window_visit_register(**fields)


def _counts():
    return (
        WindowVisit.objects.count(),
        RoomReferral.objects.count(),
        Case.objects.count(),
        Dispute.objects.count(),
        Resident.objects.count(),
    )


def test_it_hands_the_visitor_to_a_room(district, center):
    room = center.rooms.get(kind=RoomKind.COUNSELING)
    visit = _register(district, center, outcome=Outcome.REFERRED, room=room)
    referral = RoomReferral.objects.get()
    assert (referral.visit, referral.room, referral.resident) == (
        visit,
        room,
        district.residents["a_head"],
    )
    assert referral.status == RoomReferral.Status.PENDING


def test_it_creates_a_window_case_reported_by_the_visitor(district, center):
    category = Category.objects.get(parent__name="市容环境", name="市容环境")
    visit = _register(district, center, outcome=Outcome.CASE, category=category)
    case = Case.objects.get()
    assert visit.case == case
    assert (case.channel, case.reporter_resident, case.grid) == (
        Channel.WINDOW,
        district.residents["a_head"],
        district.unit_a,
    )


def test_it_opens_a_dispute_with_the_visitor_as_applicant(district, center):
    visit = _register(
        district,
        center,
        outcome=Outcome.DISPUTE,
        dispute_type="邻里纠纷",
        kinds=["people"],
        amount="1200",
    )
    dispute = Dispute.objects.get()
    assert visit.dispute == dispute and dispute.center == center
    party = dispute.parties.get()
    assert (party.side, party.resident) == (Party.Side.APPLICANT, district.residents["a_head"])


def test_it_settles_the_matter_at_the_window(district, center):
    visit = _register(district, center, outcome=Outcome.SETTLED, outcome_note="已联系物业清理")
    assert WindowVisit.objects.get().outcome_note == "已联系物业清理"
    assert (visit.case, visit.dispute) == (None, None)
    assert RoomReferral.objects.count() == 0


def test_it_adds_a_new_resident_for_a_visitor_not_yet_registered(district, center):
    new = {
        "name": "李新来",
        "id_number": "620902200001011239",
        "phone": "13500001111",
        "household": district.households["b"],
    }
    from gongzhi.core.idcard import check_char

    new["id_number"] = new["id_number"][:17] + check_char(new["id_number"][:17])
    visit = _register(
        district,
        center,
        resident=None,
        new_resident=new,
        outcome=Outcome.SETTLED,
        outcome_note="已解答",
    )
    assert visit.resident.name == "李新来"
    assert visit.resident.household == district.households["b"]


@pytest.mark.parametrize(
    "over",
    [
        {"outcome": Outcome.SETTLED, "outcome_note": ""},
        {"outcome": Outcome.REFERRED, "room": None},
        {"outcome": Outcome.CASE, "category": None},
        {"outcome": "nowhere"},
        {"outcome": Outcome.SETTLED, "outcome_note": "x", "title": "  "},
        # A downstream refusal (the amount is not a number) rolls everything back.
        {
            "outcome": Outcome.DISPUTE,
            "dispute_type": "邻里纠纷",
            "kinds": ["people"],
            "amount": "一千二",
        },
        # A bad new resident (invalid ID number) after a valid-looking matter.
        {
            "outcome": Outcome.SETTLED,
            "outcome_note": "x",
            "resident": None,
            "new_resident": {"name": "李", "id_number": "123", "household": None},
        },
    ],
)
def test_bad_input_writes_nothing(district, center, over):
    before = _counts()
    with pytest.raises(ValidationError):
        _register(district, center, **over)
    assert _counts() == before


def test_the_hall_room_itself_is_not_a_referral_target(district, center):
    with pytest.raises(ValidationError):
        _register(district, center, outcome=Outcome.REFERRED, room=center.rooms.get(kind="hall"))
    assert RoomReferral.objects.count() == 0


def test_the_registration_page_keeps_typed_values_on_error(district, center, login):
    client = login("center")
    response = client.post(
        f"/hall/{center.pk}/visits/new/",
        {"title": "路灯不亮", "matter": "小区东门路灯坏了", "outcome": "case"},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "登记事件请选择事件类别" in text and "小区东门路灯坏了" in text
    assert WindowVisit.objects.count() == 0 and Case.objects.count() == 0


def test_the_registration_page_settles_a_matter(district, center, login):
    client = login("center")
    response = client.post(
        f"/hall/{center.pk}/visits/new/",
        {
            "resident": district.residents["a_head"].pk,
            "title": "咨询低保政策",
            "matter": "咨询低保申请条件",
            "outcome": "settled",
            "outcome_note": "已解答并发放材料",
        },
    )
    assert response.status_code == 302
    assert WindowVisit.objects.get().resident == district.residents["a_head"]


def test_the_lookup_shows_residents_masked(district, center, login):
    client = login("center")
    text = client.get(f"/hall/{center.pk}/visits/new/", {"q": "茹"}).content.decode()
    assert "茹**" in text and "茹玉芳" not in text


def test_a_gridworker_cannot_open_the_hall_desk(district, center, login):
    assert login("gridworker").get(f"/hall/{center.pk}/").status_code == 404
