"""The daily KPI aggregates give exactly the live computation (the oracle), on random data.

Random cases (states, milestones, deadlines, grids at every level) are sealed, then changed
at random through the same hook the services call (kpi_track), sealed again, changed again,
rebuilt — and at every step every rollup (whole district, each grid, each depth, each
grid's children; many periods, several "now"s) must equal the live computation.
"""

import datetime as dt
import random

import pytest
import time_machine

from gongzhi.cases.kpis import kpis_compute, kpis_compute_live, kpis_grouped, kpis_grouped_live
from gongzhi.cases.kpis.daily import contributions, kpi_rebuild, kpi_seal, kpi_track
from gongzhi.cases.kpis.periods import period_custom
from gongzhi.cases.models import Case, Category, Channel, KpiDay, KpiSealed, Rating, State
from gongzhi.grids.models import Grid

from .conftest import act, report

TZ = dt.timezone(dt.timedelta(hours=8))
T0 = dt.datetime(2030, 3, 1, 9, 30, tzinfo=TZ)  # data spans T0 - 60 days … T0 + 20 days
H, D = dt.timedelta(hours=1), dt.timedelta(days=1)


def _maybe(rng, value, p=0.5):
    return value if rng.random() < p else None


def _random_fields(rng, grids, created) -> dict:
    grid = rng.choice(grids)
    resolved = _maybe(rng, created + rng.uniform(0, 20) * D, 0.6)
    closed = _maybe(rng, created + rng.uniform(0, 25) * D, 0.5)
    return {
        "grid": grid,
        "owning_grid": grid,
        "state": rng.choice(State.values),
        "accept_red_at": created + rng.choice([2 * H, D, 3 * D]) + rng.uniform(0, 5) * H,
        "handle_red_at": _maybe(rng, created + rng.uniform(1, 15) * D, 0.8),
        "accepted_on_time": rng.choice([None, True, False]),
        "responded_at": _maybe(rng, created + rng.uniform(0, 60) * H),
        "resolved_at": resolved,
        "resolved_on_time": rng.choice([None, True, False]),
        "resolved_level": rng.choice([None, -1, 0, 1, 2, 3, 4, 5]),
        "closed_at": closed,
        "followed_up_at": _maybe(rng, created + rng.uniform(1, 30) * D, 0.4),
        "satisfaction": rng.choice(["", *Rating.values]),
        "follow_up_resolved": rng.choice([None, True, False]),
        "rework_count": rng.choice([0, 0, 1, 2]),
        "rehandle_count": rng.choice([0, 0, 1]),
    }


def _cases_insert(rng, n) -> list[Case]:
    grids = list(Grid.objects.all())
    category = Category.objects.filter(parent__isnull=False).first()
    rows = []
    for i in range(n):
        created = T0 + rng.uniform(-60, 20) * D
        rows.append(
            Case(
                number=f"R{i:06d}",
                title="随机",
                description="",
                category=category,
                channel=Channel.HOTLINE,
                owning_level=5,
                created_at=created,
                updated_at=created,
                **_random_fields(rng, grids, created),
            )
        )
    return Case.objects.bulk_create(rows)


def _mutate(rng, case: Case, now) -> None:
    """Change some of a case's KPI fields, as an action or the sweep would, and track it."""
    case = Case.objects.select_related("grid").get(pk=case.pk)
    before = contributions(case)
    fresh = _random_fields(rng, list(Grid.objects.all()), case.created_at)
    for name in rng.sample(sorted(fresh), rng.randint(1, 5)):
        setattr(case, name, fresh[name])
    case.save()
    case = Case.objects.select_related("grid").get(pk=case.pk)  # as stored (rounding)
    kpi_track(before, case, now)


def _periods(rng, now) -> list:
    days = [(T0 + k * D).date() for k in range(-62, 24)]
    out = [period_custom(days[0], days[-1]), period_custom(now.date(), now.date())]
    for _ in range(6):
        a, b = sorted(rng.sample(days, 2))
        out.append(period_custom(a, b))
    return out


def _assert_oracle(rng, now) -> int:
    grids = list(Grid.objects.all())
    deepest = max(g.depth for g in grids)
    checked = 0
    for period in _periods(rng, now):
        assert kpis_compute(period=period, now=now) == kpis_compute_live(period=period, now=now)
        for grid in grids:
            got = kpis_compute(period=period, grid=grid, now=now)
            assert got == kpis_compute_live(period=period, grid=grid, now=now), (period, grid)
            checked += 1
        for depth in range(1, deepest + 2):
            for under in (None, rng.choice(grids)):
                kw = {"period": period, "depth": depth, "grid": under, "now": now}
                assert kpis_grouped(**kw) == kpis_grouped_live(**kw), (period, depth, under)
    return checked


@pytest.mark.parametrize(("seed", "rule"), [(1, "deadline"), (2, "deadline"), (4, "rating")])
def test_aggregates_equal_the_live_computation_through_seals_changes_and_rebuilds(
    district, settings, seed, rule
):
    settings.KPI_RATED_COUNTS_AT = rule  # "rating": a rating before the deadline counts then
    rng = random.Random(seed)
    cases = _cases_insert(rng, 160)
    kpi_seal(T0, batch_days=30)  # a first seal comes in steps: some days sealed, some not
    assert KpiSealed.objects.get().through < (T0 - D).date()
    _assert_oracle(rng, T0)
    while kpi_seal(T0):
        pass
    assert KpiSealed.objects.get().through == (T0 - D).date()  # every day that is over
    assert _assert_oracle(rng, T0) > 0
    assert _assert_oracle(rng, T0 - 10 * D)  # a "now" before sealed days: those are live

    t1 = T0 + 3 * D
    for case in rng.sample(cases, 60):
        _mutate(rng, case, t1)
    assert KpiDay.objects.filter(delta=True).exists()
    _assert_oracle(rng, t1)

    t2 = t1 + 2 * D
    _assert_oracle(rng, t2)  # new days over, not sealed yet: read from the cases
    while kpi_seal(t2):  # seals the new days, folds the deltas back (31 days per run)
        pass
    assert not KpiDay.objects.filter(delta=True, day__lte=KpiSealed.objects.get().through)[:1]
    _assert_oracle(rng, t2)

    for case in rng.sample(cases, 40):
        _mutate(rng, case, t2)
    Case.objects.filter(pk=cases[0].pk).update(state=State.MERGED)  # outside the services…
    kpi_rebuild(t2)  # … which a rebuild repairs
    _assert_oracle(rng, t2)


def test_a_follow_up_after_a_sealed_deadline_day_updates_the_aggregates(district):
    """Through the services: the day's row is sealed, then a late follow-up and the sweep's
    escalation of another case append deltas in their own transactions."""
    d = district
    start = dt.datetime(2030, 3, 4, 9, 0, tzinfo=TZ)
    with time_machine.travel(start, tick=False) as clock:
        done = report(d, by="gridworker")
        act(d, done, "gridworker", "accept")
        act(d, done, "gridworker", "self_handle")
        act(d, done, "gridworker", "resolve")
        act(d, done, "center", "verify")
        act(d, done, "center", "close")
        waiting = report(d)
        clock.move_to(Case.objects.get(pk=done.pk).handle_red_at + 3 * D)
        kpi_seal()
        march = period_custom(dt.date(2030, 3, 1), dt.date(2030, 3, 31))
        before = kpis_compute(period=march)
        assert before.follow_up.denominator == 1 and before.follow_up.numerator == 0
        act(d, Case.objects.get(pk=done.pk), "gridworker", "follow_up", rating="basic", stars=4)
        from gongzhi.cases.deadlines import cases_sweep_deadlines

        cases_sweep_deadlines()  # escalates the case nobody accepted
        assert Case.objects.get(pk=waiting.pk).escalation_count >= 1
        assert KpiDay.objects.filter(delta=True).exists()
        after = kpis_compute(period=march)
        assert after == kpis_compute_live(period=march)
        assert after.follow_up.numerator == 1 and after.satisfaction.numerator == 1
        for grid in (d.root, d.jinquan, d.unit_a, d.xifeng):
            assert kpis_compute(period=march, grid=grid) == kpis_compute_live(
                period=march, grid=grid
            )


def test_the_rebuild_command_seals_every_day_that_is_over(district, capsys):
    from django.core.management import call_command

    rng = random.Random(3)
    _cases_insert(rng, 30)
    with time_machine.travel(T0, tick=False):
        call_command("kpi_rebuild")
    assert "已重建考核指标日汇总" in capsys.readouterr().out
    assert KpiSealed.objects.get().through == (T0 - D).date()
    assert not KpiDay.objects.filter(delta=True).exists()
    root = Grid.objects.get(depth=1)
    period = period_custom((T0 - 60 * D).date(), (T0 - 2 * D).date())
    rows = KpiDay.objects.filter(depth=1, path=root.path)
    assert (
        sum(r.accept_due for r in rows)
        == kpis_compute_live(period=period, now=T0).accept_timely.denominator
    )
