"""Ratings count visibly (issue 15.4): a rated case that no KPI counts yet is listed on the
KPI page with the date it will count, and KPI_RATED_COUNTS_AT chooses that date."""

import datetime as dt

import time_machine

from gongzhi.cases.calendar import LOCAL
from gongzhi.cases.kpis import kpis_compute, kpis_compute_live, period_custom
from gongzhi.cases.kpis.daily import kpi_seal
from gongzhi.cases.models import KpiDay, KpiSealed, Rating
from gongzhi.cases.selectors import rated_not_counted
from gongzhi.core.clock import now
from gongzhi.core.testing import fresh

from .conftest import MONDAY, act, report
from .test_kpis import close, handled_in_grid

H = dt.timedelta(hours=1)
MARCH = period_custom(dt.date(2030, 3, 1), dt.date(2030, 3, 31))


def rated_weeds(d, clock):
    """茹玉芳's weeds: settled by the grid worker and rated 满意 well inside the limit."""
    case = handled_in_grid(d, clock, reporter_resident=d.residents["a_head"])
    clock.shift(3 * H)
    close(d, case)
    act(d, case, "gridworker", "follow_up", rating=Rating.SATISFIED, stars=5)
    return fresh(case)


def pending_section(html: str) -> str:
    return html.split('id="kpi-rated-pending"', 1)[1].split("</section>", 1)[0]


def test_a_rated_case_before_its_deadline_is_listed_with_the_day_it_will_count(district, login):
    d = district
    with time_machine.travel(MONDAY, tick=False) as clock:
        case = rated_weeds(d, clock)
        counts_on = case.handle_red_at.astimezone(LOCAL).date()
        assert kpis_compute(period=MARCH, grid=d.jinquan).satisfaction.denominator == 0

        html = login("center").get(f"/kpis/grid/{d.jinquan.pk}/").content.decode()
        section = pending_section(html)
        row = section.split(f'data-pending="{case.number}"', 1)[1].split("</tr>", 1)[0]
        assert "满意" in row and f"data-counts-on>{counts_on:%Y-%m-%d}<" in row
        assert "data-pending-total>1<" in section
        assert "已评价、尚未计入:1 件" in html  # pointed to from the period line

        clock.move_to(case.handle_red_at)  # the deadline is reached: counted, no longer listed
        assert kpis_compute(period=MARCH, grid=d.jinquan).satisfaction.numerator == 1
        assert rated_not_counted(d.users["center"], grid=d.jinquan) == (0, [])


def test_a_case_closed_but_not_rated_is_not_listed(district):
    d = district
    with time_machine.travel(MONDAY, tick=False) as clock:
        case = handled_in_grid(d, clock)
        close(d, case)
        assert rated_not_counted(d.users["center"], grid=d.root) == (0, [])


def test_the_list_keeps_to_the_users_own_subtree(district, login):
    d = district
    with time_machine.travel(MONDAY, tick=False) as clock:
        case = rated_weeds(d, clock)
        total, rows = rated_not_counted(d.users["center"], grid=d.jinquan)
        assert (total, [r.number for r in rows]) == (1, [case.number])
        # The other township's staff see nothing of it, even when naming the root grid.
        assert rated_not_counted(d.users["xifeng_center"], grid=d.root) == (0, [])
        # The unit_b grid worker's page (another unit) does not list it either.
        html = login("gridworker_b").get(f"/kpis/grid/{d.unit_b.pk}/").content.decode()
        assert case.number not in html and 'id="kpi-rated-pending-none"' in html


def test_the_list_shows_the_soonest_twenty_and_the_full_count(district):
    d = district
    with time_machine.travel(MONDAY, tick=False) as clock:
        cases = [rated_weeds(d, clock) for _ in range(22)]
        total, rows = rated_not_counted(d.users["center"], grid=d.root)
        assert (total, len(rows)) == (22, 20)
        assert [r.handle_red_at for r in rows] == sorted(c.handle_red_at for c in cases)[:20]


def test_under_the_rating_rule_a_rating_counts_at_once(district, login, settings):
    settings.KPI_RATED_COUNTS_AT = "rating"
    d = district
    with time_machine.travel(MONDAY, tick=False) as clock:
        case = rated_weeds(d, clock)
        assert case.handle_red_at > now()  # not due: only the rating makes it count
        kpis = kpis_compute(period=MARCH, grid=d.jinquan)
        assert (kpis.satisfaction.numerator, kpis.satisfaction.denominator) == (1, 1)
        assert (kpis.closure.numerator, kpis.closure.denominator) == (1, 1)
        assert rated_not_counted(d.users["center"], grid=d.jinquan) == (0, [])
        html = login("center").get(f"/kpis/grid/{d.jinquan.pk}/").content.decode()
        assert "KPI_RATED_COUNTS_AT=rating" in pending_section(html)
        assert "在评价时计入" in html


def test_under_the_rating_rule_a_case_rated_after_its_deadline_counts_at_the_deadline(
    district, settings
):
    settings.KPI_RATED_COUNTS_AT = "rating"
    d = district
    with time_machine.travel(MONDAY, tick=False) as clock:
        case = handled_in_grid(d, clock)
        close(d, case)
        deadline = fresh(case).handle_red_at
        clock.move_to(dt.datetime(2030, 4, 20, 9, tzinfo=LOCAL))
        act(d, fresh(case), "gridworker", "follow_up", rating=Rating.BASIC, stars=4)
        april = period_custom(dt.date(2030, 4, 1), dt.date(2030, 4, 30))
        assert deadline.astimezone(LOCAL).month == 3
        assert kpis_compute(period=MARCH).satisfaction.denominator == 1
        assert kpis_compute(period=april).satisfaction.denominator == 0


def test_days_sealed_under_another_rule_are_not_read_and_are_sealed_again(district, settings):
    d = district
    with time_machine.travel(MONDAY, tick=False) as clock:
        rated_weeds(d, clock)
        clock.move_to(MONDAY + dt.timedelta(days=2))  # rated Monday, deadline still to come
        while kpi_seal():
            pass
        assert KpiSealed.objects.get().rated_rule == "deadline"
        assert kpis_compute(period=MARCH).satisfaction.denominator == 0

        settings.KPI_RATED_COUNTS_AT = "rating"  # the Monday is sealed without the rating…
        assert kpis_compute(period=MARCH) == kpis_compute_live(period=MARCH)
        assert kpis_compute(period=MARCH).satisfaction.denominator == 1  # … so it is not used
        kpi_seal()  # the sweep starts the aggregates again under the new rule
        assert KpiSealed.objects.get().rated_rule == "rating"
        assert KpiDay.objects.filter(followed=1).exists()
        assert kpis_compute(period=MARCH) == kpis_compute_live(period=MARCH)


def test_a_report_nobody_rated_never_appears_however_far_its_deadline(district):
    d = district
    with time_machine.travel(MONDAY, tick=False):
        report(d)
        assert rated_not_counted(d.users["admin"], grid=d.root) == (0, [])
