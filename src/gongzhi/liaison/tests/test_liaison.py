"""Police referrals, security hazards and their scoping, the roster and patrols."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gongzhi.cases.models import Case, CaseEvent, Category, Channel, State
from gongzhi.cases.services import case_act, case_create
from gongzhi.core.testing import fresh
from gongzhi.liaison import services as svc
from gongzhi.liaison.models import HazardPhoto, PoliceReferral, SecurityHazard
from gongzhi.liaison.selectors import hazard_list_for
from gongzhi.org.models import Center, Staff


@pytest.fixture
def case(district):
    by = district.users["center"]
    c = case_create(
        by=by,
        title="入室盗窃线索",
        description="居民反映夜间有人撬门",
        channel=Channel.WINDOW,
        category=Category.objects.get(parent__name="治安防控", name="治安隐患或线索"),
        grid=district.unit_a,
    )
    return case_act(case=c, by=by, action="accept", expected_version=c.version)


def _png(name="photo.png") -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def test_a_referral_moves_from_sent_to_closed(district, case):
    center, police = district.users["center"], district.users["police"]
    r = svc.police_referral_send(by=center, case=case, police_unit="东关派出所", reason="涉嫌盗窃")
    assert r.status == PoliceReferral.Status.SENT
    r = svc.police_referral_receive(by=police, referral=r, receipt_number="HZ-2026-001")
    assert (r.status, r.receipt_number) == (PoliceReferral.Status.RECEIVED, "HZ-2026-001")
    r = svc.police_referral_feedback(by=police, referral=r, feedback="已立案侦查")
    assert r.status == PoliceReferral.Status.FEEDBACK
    r = svc.police_referral_close(by=center, referral=r, note="已告知居民")
    assert fresh(r).status == PoliceReferral.Status.CLOSED


def test_referring_dispatches_the_case_to_the_police_through_the_workflow(district, case):
    svc.police_referral_send(
        by=district.users["center"], case=case, police_unit="东关派出所", reason="涉嫌盗窃"
    )
    case = fresh(case)
    assert case.state == State.DISPATCHED
    assert case.assignee_department.kind == "police"
    assert CaseEvent.objects.filter(case=case, action="dispatch").exists()


def test_a_receipt_cannot_be_skipped(district, case):
    r = svc.police_referral_send(
        by=district.users["center"], case=case, police_unit="所", reason="x"
    )
    with pytest.raises(ValidationError):
        svc.police_referral_feedback(by=district.users["police"], referral=r, feedback="已处理")
    assert fresh(r).status == PoliceReferral.Status.SENT


def test_a_receipt_needs_its_number(district, case):
    r = svc.police_referral_send(
        by=district.users["center"], case=case, police_unit="所", reason="x"
    )
    with pytest.raises(ValidationError):
        svc.police_referral_receive(by=district.users["police"], referral=r, receipt_number=" ")
    assert fresh(r).status == PoliceReferral.Status.SENT


def test_a_gridworker_cannot_refer_a_case_to_the_police(district, case):
    with pytest.raises(PermissionDenied):
        svc.police_referral_send(
            by=district.users["gridworker"], case=case, police_unit="所", reason="x"
        )
    assert PoliceReferral.objects.count() == 0 and fresh(case).state == State.ACCEPTED


def test_a_gridworker_reports_a_hazard_with_a_photo(district):
    h = svc.hazard_report(
        by=district.users["gridworker"],
        grid=district.unit_a,
        location="1单元楼道",
        description="电动车楼道充电",
        photos=[_png()],
    )
    assert h.status == SecurityHazard.Status.OPEN
    assert h.photos.get().content_type == "image/png"


def test_a_hazard_with_a_non_image_photo_is_refused(district):
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    with pytest.raises(ValidationError) as err:
        svc.hazard_report(
            by=district.users["gridworker"],
            grid=district.unit_a,
            location="楼道",
            description="堆物",
            photos=[fake],
        )
    assert "不是图片" in str(err.value)
    assert SecurityHazard.objects.count() == 0 and HazardPhoto.objects.count() == 0


def test_a_hazard_is_tracked_until_closed(district):
    by = district.users["gridworker"]
    h = svc.hazard_report(by=by, grid=district.unit_a, location="楼道", description="堆物")
    h = svc.hazard_update(by=by, hazard=h, to_status="rectifying", note="已通知清理")
    h = svc.hazard_update(by=by, hazard=h, to_status="closed", note="已清理完毕")
    assert h.status == SecurityHazard.Status.CLOSED and h.closed_at is not None
    assert [u.to_status for u in h.updates.order_by("at", "pk")] == ["open", "rectifying", "closed"]
    with pytest.raises(ValidationError):
        svc.hazard_update(by=by, hazard=h, to_status="open", note="重开")


def test_a_gridworker_of_a_sibling_grid_cannot_see_another_grids_hazards(district, login):
    h = svc.hazard_report(
        by=district.users["gridworker"], grid=district.unit_a, location="楼道", description="堆物"
    )
    assert not hazard_list_for(district.users["gridworker_b"]).filter(pk=h.pk).exists()
    assert hazard_list_for(district.users["center"]).filter(pk=h.pk).exists()
    assert login("gridworker_b").get(f"/liaison/hazards/{h.pk}/").status_code == 404


def test_a_gridworker_cannot_report_a_hazard_in_a_sibling_grid(district):
    with pytest.raises(PermissionDenied):
        svc.hazard_report(
            by=district.users["gridworker"], grid=district.unit_b, location="x", description="y"
        )


def test_the_hazard_page_refuses_a_non_image_and_keeps_the_text(district, login):
    client = login("gridworker")
    fake = SimpleUploadedFile("a.png", b"not an image at all", content_type="image/png")
    response = client.post(
        "/liaison/hazards/new/",
        {
            "grid": district.unit_a.pk,
            "location": "2号楼后门",
            "description": "消防通道被占",
            "photos": [fake],
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "2号楼后门" in text and "JPEG" in text
    assert SecurityHazard.objects.count() == 0


def test_the_roster_takes_only_police_officers(district):
    center = Center.objects.get(grid=district.jinquan)
    officer = Staff.objects.get(user=district.users["police"])
    from gongzhi.core import clock

    entry = svc.duty_set(
        by=district.users["center"],
        center=center,
        date=clock.today(),
        officer=officer,
        shift="day",
        phone="0937-1234567",
    )
    assert entry.officer == officer
    with pytest.raises(ValidationError):
        svc.duty_set(
            by=district.users["center"],
            center=center,
            date=clock.today(),
            officer=Staff.objects.get(user=district.users["mediator"]),
            shift="day",
        )


def test_a_joint_patrol_is_recorded_with_its_participants(district):
    from gongzhi.core import clock

    center = Center.objects.get(grid=district.jinquan)
    police = Staff.objects.get(user=district.users["police"])
    p = svc.patrol_record(
        by=district.users["center"],
        center=center,
        date=clock.today(),
        route="公园路—金泉路",
        staff=[police],
        other_participants="和事佬协会 2 人",
        findings="路灯损坏一处",
    )
    assert list(p.staff.all()) == [police]


def test_the_referral_pages_walk_the_states(district, case, login):
    client = login("center")
    response = client.post(
        "/liaison/referrals/new/",
        {"case": case.number, "police_unit": "东关派出所", "reason": "盗窃"},
    )
    assert response.status_code == 302
    r = PoliceReferral.objects.get()
    police = login("police")
    assert police.post(f"/liaison/referrals/{r.pk}/feedback/", {"feedback": "x"}).status_code == 400
    assert (
        police.post(f"/liaison/referrals/{r.pk}/receive/", {"receipt_number": "R1"}).status_code
        == 302
    )
    assert fresh(r).status == "received"
    assert Case.objects.get().state == State.DISPATCHED
