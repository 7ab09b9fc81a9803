"""The seed's street-light story, end to end through the services and the staff pages:
residents raise it, the grid worker opens a deliberation, a meeting is held, the households
vote and it passes, each household pays 50 元, the lights are installed with photos, and
residents read the public notice without logging in and find it in the portal."""

import datetime as dt
from decimal import Decimal

import pytest

from gongzhi.deliberation.models import (
    CostShare,
    Deliberation,
    DeliberationStatus,
    LedgerEntry,
    Meeting,
    ProposalStatus,
    WorkTask,
)
from gongzhi.deliberation.selectors import cost_share_totals
from gongzhi.deliberation.services import (
    payment_record,
    proposal_create,
    proposal_support,
    vote_cast,
    vote_record_paper,
)

from .conftest import T0, png

pytestmark = pytest.mark.django_db

LOCAL = "%Y-%m-%dT%H:%M"
NAMES = ("茹玉芳", "欧阳明月", "周金玉", "茹*", "欧阳**", "周*")


def _ok(response, status=302):
    assert response.status_code == status, response.content.decode()[:2000]
    return response


def test_the_street_light_story_runs_end_to_end(d, login, client, clock):
    worker = d.users["courtyard_worker"]
    hh = d.households
    # 1. Residents raise the street lights; neighbours support the proposal.
    proposal = proposal_create(
        grid=d.courtyard,
        title="楼院路灯太少,晚上太黑",
        resident=d.residents["a_head"],
        description="公园路46号楼院只有一盏路灯,老人晚上出门不安全,建议增设路灯。",
    )
    proposal_support(proposal=proposal, resident=d.residents["b_head"])
    web = login("courtyard_worker")
    _ok(
        web.post(
            f"/deliberation/proposals/{proposal.pk}/", {"resident": d.residents["a_spouse"].pk}
        )
    )
    assert proposal.supports.count() == 2

    # 2. The grid worker opens a deliberation from the proposal.
    _ok(
        web.post(
            f"/deliberation/new/?proposal={proposal.pk}",
            {
                "grid": d.courtyard.pk,
                "title": "公园路46号楼院增设路灯",
                "description": "议定路灯数量、位置与费用分摊。",
            },
        )
    )
    delib = Deliberation.objects.get()
    assert (delib.status, delib.grid, delib.opened_by) == (
        DeliberationStatus.OPEN,
        d.courtyard,
        worker,
    )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ADOPTED

    # 3. A meeting is held: agenda, the four organisations and households attend, minutes.
    _ok(
        web.post(
            f"/deliberation/{delib.pk}/meetings/new/",
            {
                "title": "路灯议事会",
                "scheduled_at": (T0 + dt.timedelta(hours=2)).strftime(LOCAL),
                "place": "楼院活动室",
                "agenda": "一、路灯位置;二、每户分摊金额",
            },
        )
    )
    meeting = Meeting.objects.get(deliberation=delib)
    _ok(
        web.post(
            f"/deliberation/meetings/{meeting.pk}/",
            {
                "minutes": "议定增设6盏太阳能路灯,每户集资50元,交户表决。",
                "org_kinds": ["party", "service_station", "owners_committee", "property"],
                "households": [hh["a"].pk, hh["b"].pk, hh["a2"].pk],
            },
        )
    )
    meeting.refresh_from_db()
    assert meeting.held and meeting.attendances.count() == 7

    # 4. The households vote: online by their members, on paper through staff.
    _ok(
        web.post(
            f"/deliberation/{delib.pk}/vote/new/",
            {
                "question": "是否同意每户集资50元增设路灯",
                "opens_at": T0.strftime(LOCAL),
                "closes_at": (T0 + dt.timedelta(days=3)).strftime(LOCAL),
                "quorum_pct": "50",
                "threshold_pct": "50",
                "threshold_base": "cast",
            },
        )
    )
    vote = delib.vote
    vote_cast(vote=vote, household=hh["a"], by_resident=d.residents["a_spouse"], choice="yes")
    vote_cast(vote=vote, household=hh["b"], by_resident=d.residents["b_head"], choice="yes")
    _ok(web.post(f"/deliberation/votes/{vote.pk}/", {"household": hh["a2"].pk, "choice": "yes"}))
    vote_record_paper(vote=vote, household=hh["b2"], by=worker, choice="no")
    clock.shift(dt.timedelta(days=3))
    _ok(web.post(f"/deliberation/votes/{vote.pk}/close/"))
    vote.refresh_from_db()
    assert (vote.eligible_count, vote.cast_count, vote.yes_count, vote.no_count) == (4, 4, 3, 1)
    assert vote.passed is True

    # 5. Each household pays 50 元 (one of them in two instalments).
    _ok(
        web.post(
            f"/deliberation/{delib.pk}/cost-share/new/",
            {"purpose": "增设楼院路灯", "amount_per_household": "50"},
        )
    )
    share = CostShare.objects.get(deliberation=delib)
    entries = {e.household_id: e for e in LedgerEntry.objects.filter(cost_share=share)}
    assert len(entries) == 4
    for key in ("a", "b", "a2"):
        _ok(
            web.post(
                f"/deliberation/ledger/{entries[hh[key].pk].pk}/pay/",
                {"amount": "50", "method": "cash"},
            )
        )
    payment_record(entry=entries[hh["b2"].pk], by=worker, amount="20")
    payment_record(entry=entries[hh["b2"].pk], by=worker, amount="30.00", method="transfer")
    _ok(
        web.post(
            f"/deliberation/cost-shares/{share.pk}/expenditures/new/",
            {
                "description": "购买太阳能路灯6盏",
                "amount": "180",
                "spent_on": "2030-05-09",
                "receipt": png("invoice.png"),
            },
        )
    )
    totals = cost_share_totals(share)
    assert (totals.due, totals.received, totals.outstanding) == (Decimal(200), Decimal(200), 0)
    assert (totals.paid_in_full, totals.spent, totals.balance) == (4, Decimal(180), Decimal(20))

    # 6. The installation task is completed with photos.
    _ok(web.post(f"/deliberation/{delib.pk}/tasks/new/", {"title": "安装路灯"}))
    task = WorkTask.objects.get(deliberation=delib)
    _ok(
        web.post(
            f"/deliberation/tasks/{task.pk}/",
            {
                "photos": [png("before.png"), png("after.png", (10, 10, 10))],
                "note": "6盏路灯已安装并亮灯",
            },
        )
    )
    task.refresh_from_db()
    assert task.status == WorkTask.Status.COMPLETED and task.photos.count() == 2

    # 7. Residents see the public notice without logging in; it names nobody.
    client.logout()
    page = _ok(client.get(f"/deliberation/public/notice/{share.public_token}/"), 200)
    html = page.content.decode()
    assert 'data-total="received">200.00<' in html
    assert 'data-total="spent">180.00<' in html
    assert "安装路灯" in html and "表决通过" in html
    assert not any(name in html for name in NAMES)
    photo = task.photos.first()
    img = _ok(
        client.get(f"/deliberation/public/notice/{share.public_token}/photos/{photo.pk}/"), 200
    )
    assert img["Content-Type"] == "image/png"
    result = _ok(
        client.get(f"/deliberation/public/votes/{vote.public_token}/"), 200
    ).content.decode()
    assert 'data-tally="yes">3<' in result and 'data-tally="no">1<' in result

    # 8. In the portal, a resident bound to the courtyard finds both among their community's
    #    notices and follows the link to the 公示.
    from gongzhi.portal import services as portal
    from gongzhi.portal.auth import SESSION_KEY

    account = portal.account_bind_unit(
        account=portal.account_get_or_create(phone="13900000009"), unit=d.unit_a, via="qr"
    )
    session = client.session
    session[SESSION_KEY] = account.pk
    session.save()
    mine = _ok(client.get("/deliberation/public/for-me/"), 200).content.decode()
    link = f'href="/deliberation/public/notice/{share.public_token}/"'
    assert link in mine and f"/deliberation/public/votes/{vote.public_token}/" in mine
    notice = _ok(client.get(f"/deliberation/public/notice/{share.public_token}/"), 200)
    assert 'data-total="received">200.00<' in notice.content.decode()
