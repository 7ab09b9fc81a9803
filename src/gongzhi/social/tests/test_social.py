"""Organisations, members, volunteer hours ranking and candidate selectors."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongzhi.core import clock
from gongzhi.org.models import Center
from gongzhi.social import services as svc
from gongzhi.social.models import Activity, OrgKind
from gongzhi.social.selectors import mediator_candidates, visitor_candidates, volunteer_ranking


@pytest.fixture
def jq(district):
    return Center.objects.get(grid=district.jinquan)


@pytest.fixture
def peacemakers(district, jq):
    by = district.users["center"]
    org = svc.organisation_create(by=by, center=jq, name="金泉和事佬协会", kind=OrgKind.PEACEMAKERS)
    members = {
        name: svc.member_add(by=by, organisation=org, name=name, phone="13912345678", **flags)
        for name, flags in (
            ("老张", {"can_mediate": True}),
            ("王大妈", {"can_mediate": True, "can_visit": True}),
            ("小李", {"can_visit": True}),
        )
    }
    return org, members


def _activity(by, org, members, hours, days_ago=1, **kw):
    return svc.activity_record(
        by=by,
        organisation=org,
        title="邻里调解日",
        date=clock.today() - dt.timedelta(days=days_ago),
        hours=hours,
        participants=members,
        **kw,
    )


def test_the_ranking_orders_members_by_total_hours(district, peacemakers):
    org, m = peacemakers
    by = district.users["center"]
    _activity(by, org, [m["老张"], m["王大妈"]], "2")
    _activity(by, org, [m["王大妈"], m["小李"]], "3")
    _activity(by, org, [m["小李"]], "1.5", member_hours={m["小李"]: "0.5"})
    ranking = list(volunteer_ranking(by))
    assert [(x.name, x.total_hours) for x in ranking] == [
        ("王大妈", Decimal("5")),
        ("小李", Decimal("3.5")),
        ("老张", Decimal("2")),
    ]


def test_the_ranking_is_one_query(district, peacemakers):
    org, m = peacemakers
    by = district.users["center"]
    _activity(by, org, list(m.values()), "2")
    by.__dict__.pop("_gongzhi_scope", None)
    from gongzhi.core.access import scope_paths

    scope_paths(by)  # the user's scope is cached per request, as in a page
    with CaptureQueriesContext(connection) as ctx:
        rows = list(volunteer_ranking(by))
    assert len(rows) == 3 and len(ctx.captured_queries) == 1


def test_the_ranking_can_count_from_a_date(district, peacemakers):
    org, m = peacemakers
    by = district.users["center"]
    _activity(by, org, [m["老张"]], "4", days_ago=40)
    _activity(by, org, [m["小李"]], "1", days_ago=2)
    since = clock.today() - dt.timedelta(days=30)
    top = list(volunteer_ranking(by, since=since))[0]
    assert (top.name, top.total_hours) == ("小李", Decimal("1"))


def test_candidates_are_the_members_flagged_for_each_role(district, jq, peacemakers):
    assert {m.name for m in mediator_candidates(jq)} == {"老张", "王大妈"}
    assert {m.name for m in visitor_candidates(jq)} == {"王大妈", "小李"}


def test_another_centers_volunteers_are_not_candidates(district, peacemakers):
    xifeng = Center.objects.get(grid=district.xifeng)
    assert not mediator_candidates(xifeng).exists()


def test_hours_that_are_not_a_number_are_refused(district, peacemakers):
    org, m = peacemakers
    with pytest.raises(ValidationError):
        _activity(district.users["center"], org, [m["老张"]], "两小时")
    assert Activity.objects.count() == 0


def test_phones_are_masked_in_the_member_list(district, peacemakers, login):
    org, _m = peacemakers
    text = login("center").get(f"/social/{org.pk}/").content.decode()
    assert "139****5678" in text and "13912345678" not in text


def test_a_gridworker_cannot_register_an_organisation(district, jq):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        svc.organisation_create(
            by=district.users["gridworker"], center=jq, name="x", kind=OrgKind.OTHER
        )
