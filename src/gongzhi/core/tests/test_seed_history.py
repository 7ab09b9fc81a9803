"""The year of synthetic history the seed adds (issue 16.5, seeding/history.py).

One small year (history.TINY) on the demo district is built once for the module, twice in
fact: the first build is captured and rolled back, so the determinism test can compare it
with the second, which the other tests read.
"""

import datetime as dt
from dataclasses import dataclass

import pytest
import time_machine
from django.db import transaction
from django.db.models import Count

from gongzhi.cases.kpis import kpis_compute, kpis_compute_live, period_custom, period_for
from gongzhi.cases.models import Case, Channel, KpiDay, OutboundMessage, State
from gongzhi.cases.workflow import OPEN_STATES
from gongzhi.core.clock import frozen_at
from gongzhi.grids.models import Grid
from gongzhi.org.models import Staff
from gongzhi.people.models import Resident
from gongzhi.seeding.history import HISTORY_DAYS, TINY
from gongzhi.seeding.scale import DEMO
from gongzhi.seeding.services import district_seed

CST = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 11, 18, 15, 30, tzinfo=CST)  # a Wednesday afternoon

# One xdist worker runs the module: the year is built (twice) once, not once per worker.
pytestmark = pytest.mark.xdist_group("seed-history")


def _signature() -> dict:
    """What the year wrote, without database ids (PostgreSQL sequences are not rolled back)."""
    from gongzhi.mediation.models import Dispute
    from gongzhi.workbench.models import DiaryEntry

    cases = sorted(
        Case.objects.values_list(
            "channel",
            "state",
            "created_at",
            "grid__path",
            "category__code",
            "title",
            "overdue",
            "satisfaction",
            "rehandle_count",
            "escalation_count",
            "closed_at",
        )
    )
    diaries = sorted(
        DiaryEntry.objects.values_list("worker__username", "date", "role", "duty", "text")
    )
    disputes = sorted(Dispute.objects.values_list("title", "outcome", "opened_at"))
    return {"cases": cases, "diaries": diaries, "disputes": disputes}


@dataclass
class Lived:
    first: dict
    second: dict
    errors: list


@pytest.fixture(scope="module")
def lived(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.conf import settings

    media = settings.MEDIA_ROOT
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))
    with django_db_blocker.unblock(), time_machine.travel(NOW, tick=False):
        with transaction.atomic():
            district_seed(scale=DEMO, seed=7, history_volume=TINY)
            first = _signature()
            transaction.set_rollback(True)
        outer = transaction.atomic()
        outer.__enter__()
        try:
            result = district_seed(scale=DEMO, seed=7, history_volume=TINY)
            yield Lived(first=first, second=_signature(), errors=result.history_errors)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            settings.MEDIA_ROOT = media


@pytest.fixture
def year(lived, db):
    return lived


def test_no_service_refused_any_step_of_the_year(year):
    assert year.errors == []


def test_the_same_seed_and_day_write_the_same_year(year):
    assert year.first["cases"] and year.first["diaries"] and year.first["disputes"]
    assert year.first == year.second


def test_cases_come_through_every_channel_and_rest_in_every_state(year):
    channels = set(Case.objects.values_list("channel", flat=True))
    states = set(Case.objects.values_list("state", flat=True))
    assert channels == set(Channel.values)
    assert states == set(State.values)


def test_the_year_spans_twelve_months_up_to_now(year):
    first = Case.objects.order_by("created_at").first().created_at
    last = Case.objects.order_by("-created_at").first().created_at
    assert NOW - first > dt.timedelta(days=HISTORY_DAYS - 60)
    assert NOW - last < dt.timedelta(days=1)
    assert last < NOW
    months = {
        c.astimezone(CST).strftime("%Y-%m")
        for c in Case.objects.values_list("created_at", flat=True)
    }
    assert len(months) >= 12


def test_case_numbers_carry_the_day_the_case_was_reported(year):
    for case in Case.objects.all()[:200]:
        assert case.number.startswith(f"SJ{case.created_at.astimezone(CST):%Y%m%d}-")


def test_some_cases_are_overdue_escalated_reopened_and_rated(year):
    cases = Case.objects.all()
    assert cases.filter(overdue=True, state__in=OPEN_STATES).exists()
    assert cases.filter(events__action="auto_escalate").exists()
    assert cases.filter(events__action="escalate").exists()
    assert cases.filter(rehandle_count__gt=0).exists()
    assert cases.filter(rework_count__gt=0).exists()
    assert cases.filter(events__action="supervise_yellow").exists()
    ratings = set(cases.exclude(satisfaction="").values_list("satisfaction", flat=True))
    assert {"satisfied", "basic"} <= ratings


def test_the_kpis_of_the_year_are_non_trivial_and_come_from_the_daily_aggregates(year):
    period = period_custom(
        (NOW - dt.timedelta(days=HISTORY_DAYS)).date(), NOW.date() - dt.timedelta(days=1)
    )
    with frozen_at(NOW):
        kpis = kpis_compute(period=period)
        live = kpis_compute_live(period=period)
    assert kpis == live
    assert KpiDay.objects.exists()
    for name, rate in kpis.rates():
        assert rate.denominator > 0, name
    assert 0.6 < kpis.closure.value <= 1
    assert 0.6 < kpis.satisfaction.value <= 1
    assert kpis.rehandle.numerator > 0 and kpis.in_grid.numerator > 0
    assert kpis.avg_handling is not None


def test_this_months_kpis_have_a_figure_for_every_indicator(year):
    with frozen_at(NOW):
        kpis = kpis_compute(period=period_for("month"))
    assert all(rate.denominator > 0 for _name, rate in kpis.rates())


def test_board_posts_have_staff_replies_and_neighbours_support(year):
    from gongzhi.portal.models import PostReaction
    from gongzhi.portal.selectors import board_posts, public_timeline

    community = Grid.objects.get(name="金泉路社区")
    posts = list(board_posts(community)[:20])
    assert posts
    replies = [e for p in posts for e in public_timeline(p) if e.public_comment]
    assert replies
    assert PostReaction.objects.exists()


def test_public_diaries_come_from_all_five_roles_with_comments(year):
    from gongzhi.workbench.models import DiaryComment, DiaryEntry, FiveRole
    from gongzhi.workbench.selectors import diary_public_feed

    assert set(DiaryEntry.objects.values_list("role", flat=True)) == set(FiveRole.values)
    root = Grid.objects.get(depth=1)
    assert diary_public_feed(root, limit=5)
    assert DiaryComment.objects.exists()


def test_live_sessions_have_questions_answers_and_a_case(year):
    from gongzhi.realtime.models import LiveQuestion, LiveSession

    assert LiveSession.objects.filter(ended_at__isnull=False).exists()
    assert LiveSession.objects.filter(ended_at__isnull=True, scheduled_at__gt=NOW).exists()
    assert LiveQuestion.objects.exclude(answer="").exists()
    assert LiveQuestion.objects.filter(case__channel=Channel.LIVE_ROOM).exists()


def test_one_key_calls_were_acknowledged_escalated_and_one_called_off(year):
    from gongzhi.realtime.models import OneKeyCall

    calls = OneKeyCall.objects.all()
    assert calls.filter(acknowledged_at__isnull=False, escalation_level=0).exists()
    assert calls.filter(acknowledged_at__isnull=False, escalation_level__gt=0).exists()
    assert calls.filter(cancelled_at__isnull=False).exists()
    for call in calls.filter(acknowledged_at__isnull=False):
        assert dt.timedelta(0) < call.acknowledged_at - call.created_at < dt.timedelta(minutes=15)


def test_mediation_files_have_agreements_and_the_straw_fire_dispute_is_settled(year):
    from gongzhi.mediation.models import Agreement, Dispute, Outcome

    straw = Dispute.objects.get(title="焚烧秸秆引燃苗圃赔偿纠纷")
    assert straw.center.grid.name == "西峰镇"
    assert straw.outcome == Outcome.WRITTEN
    assert straw.agreement.compensation == 60000
    assert straw.agreement.judicial_confirmation.result == "confirmed"
    assert {p.name for p in straw.parties.all()} == {"陈树林", "张德福"}
    assert Agreement.objects.count() >= 2


def test_care_targets_were_visited_and_helped(year):
    from gongzhi.care.models import Visit, VisitPlan

    assert VisitPlan.objects.exists()
    assert Visit.objects.count() >= VisitPlan.objects.count()


def test_the_street_lights_were_voted_and_paid_for_at_50_yuan_a_household(year):
    from gongzhi.deliberation.models import CostShare, Payment, Vote, WorkTask

    vote = Vote.objects.get()
    assert vote.passed and vote.cast_count > 0
    share = CostShare.objects.get()
    assert share.amount_per_household == 50
    assert Payment.objects.filter(entry__cost_share=share).count() >= 1
    assert WorkTask.objects.get().status == WorkTask.Status.COMPLETED


def test_the_past_leaves_no_queued_message_and_no_task_to_run_again(year):
    from django_tasks_db.models import DBTaskResult

    assert OutboundMessage.objects.exists()
    assert not OutboundMessage.objects.filter(status=OutboundMessage.Status.QUEUED).exists()
    assert not DBTaskResult.objects.exists()


def test_everyone_the_year_involves_is_synthetic(year):
    assert not Staff.objects.filter(is_synthetic=False).exists()
    assert not Resident.objects.filter(is_synthetic=False).exists()


def test_every_state_has_a_case_from_the_last_days(year):
    recent = Case.objects.filter(created_at__gte=NOW - dt.timedelta(days=7))
    states = dict(recent.values_list("state").annotate(n=Count("pk")).order_by())
    assert set(OPEN_STATES) <= set(states)


def test_after_make_run_the_leaders_pages_show_a_figure_for_every_indicator_and_the_feeds(year):
    """Issue 16's demo point, on the pages `make run` opens: the demo logins added to the
    seeded year (`gongzhi demo_accounts`), the leader's KPI page has a non-empty, non-zero
    figure for every indicator, the board and the diary feed have entries."""
    import re

    import time_machine
    from django.test import Client

    from gongzhi.portal.auth import SESSION_KEY
    from gongzhi.portal.services import portal_demo_resident
    from gongzhi.seeding.accounts import demo_accounts_ensure

    with time_machine.travel(NOW, tick=False):
        demo_accounts_ensure()
        resident = portal_demo_resident()
        leader = Client()
        leader.force_login(Staff.objects.get(user__username="leader").user)
        response = leader.get("/kpis/", follow=True)
        assert response.status_code == 200
        page = response.content.decode()
        rows = re.findall(
            r'<tr data-kpi="(\w+)">\s*<td>[^<]*</td><td[^>]*>(\d+)/(\d+)</td>\s*'
            r"<td[^>]*data-rate>([^<]*)</td>",
            page,
        )
        assert {name for name, *_ in rows} == {
            name for name, _rate in kpis_compute(period=period_for("month")).rates()
        }
        for name, _numerator, denominator, shown in rows:
            assert int(denominator) > 0 and shown.strip() not in ("", "—"), (name, shown)
        assert any(int(numerator) > 0 for _name, numerator, _d, _s in rows)
        for figure in ("kpi-score", "kpi-avg-handling"):
            shown = re.search(rf'id="{figure}">([^<]*)<', page).group(1).strip()
            assert shown and shown != "—" and float(shown.split()[0]) > 0, (figure, shown)

        # The board of the demo resident's community, and her diary feed.
        board = Client().get(f"/board/{Grid.objects.get(name='金泉路社区').pk}/")
        assert board.status_code == 200 and board.content.decode().count("data-post=") >= 3
        visitor = Client()
        session = visitor.session
        session[SESSION_KEY] = resident.pk
        session.save()
        diary = visitor.get("/diary/")
        assert diary.status_code == 200 and diary.content.decode().count("data-diary") >= 3
