"""A district that has lived a year (issue 16.5): synthetic history through the real services.

`history_seed()` runs after the district is built (seeding/services.py `district_seed`). It
plays a year, from 365 days ago up to now, as one chronological timeline: every action is a
call of the service a page or an API would call, made with the clock frozen at the moment it
happens (`core.clock.frozen_at`), so every timestamp, deadline, case number, KPI day and
notification is the one that day would have written. The deadline sweep's own step
(`case_sweep_one`) runs for each case when its next threshold passes, so cases nobody
accepted or finished in time are supervised and escalated by the sweep itself.

What the year holds (volumes in `VOLUMES`, per scale):

- cases from every channel (留言板 posts by residents' portal accounts, 热线 calls, 窗口
  visits, 网格员巡查, 开放接口, 自助终端, the 直播间 and the 呼叫键), each steered by a plan
  through the workflow: accepted or not in time, handled in the grid or dispatched to a room,
  a department or a worker, returned, escalated by hand or by the sweep, extended, reworked,
  rated (a 不满意 reopens it), archived, merged, diverted, terminated; the last days leave
  cases in every open state, some of them overdue;
- board posts with staff replies and neighbours' "me too"; public diaries by grid workers
  in all five roles, with comments; a live session a month with questions and answers; one-key
  calls, acknowledged, some after escalation, one called off; hotline calls answered on the
  spot; mediation files with agreements (the seed's 西峰镇 straw-fire dispute among them);
  care plans, visits and help; the street-light deliberation with its vote and 50 元 集资 in
  公园路46号楼院; policy articles.

Afterwards what the past's background work would have done is settled: messages queued for SMS
and WeChat count as delivered, inbox rows older than three days as read, the task rows the
services enqueued for that past are dropped (their work was done in the timeline), and the
daily KPI aggregates are rebuilt (`kpi_rebuild`). Every person involved is synthetic.
Deterministic: the same seed and the same "now" give the same rows.
"""

from __future__ import annotations

import datetime as dt
import heapq
import io
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone

from gongzhi.cases.calendar import LOCAL
from gongzhi.cases.deadlines import case_sweep_one, cases_sweep_deadlines
from gongzhi.cases.kpis.daily import kpi_rebuild
from gongzhi.cases.models import Case, Category, Channel, Notification, OutboundMessage, State
from gongzhi.cases.models import OwningLevel as OL
from gongzhi.cases.services import case_act, case_create
from gongzhi.cases.workflow import FINAL_STATES, OPEN_STATES, TransitionError
from gongzhi.core import clock
from gongzhi.core.paths import subtree_q
from gongzhi.core.roles import Role
from gongzhi.grids.models import Grid, Level
from gongzhi.org.models import Center, GridAssignment, RoomKind, Staff
from gongzhi.org.services import staff_create
from gongzhi.people.models import Resident

from . import history_texts as texts
from .identity import NamePool

log = logging.getLogger("gongzhi.seeding")
S = State
HISTORY_DAYS = 365
HOUR = dt.timedelta(hours=1)
EXPECTED_ERRORS = (ValidationError, PermissionDenied, TransitionError)
RESIDENTS_PER_TOWNSHIP = 120


@dataclass(frozen=True)
class Volume:
    """How much happens in the year."""

    cases: int  # cases reported through the channels with a form (board … kiosk)
    onekey_calls: int
    live_sessions: int
    live_questions: int  # per session
    answered_calls: int  # hotline calls answered on the spot (no case)
    diaries: int
    disputes: int
    care_targets: int
    accounts: int  # residents with a portal account
    policies: bool = True


VOLUMES = {
    "demo": Volume(
        cases=300,
        onekey_calls=14,
        live_sessions=12,
        live_questions=4,
        answered_calls=40,
        diaries=220,
        disputes=14,
        care_targets=18,
        accounts=60,
    ),
    # The full district's year is only a little busier: the full seed's 180 s budget holds it.
    "full": Volume(
        cases=400,
        onekey_calls=16,
        live_sessions=12,
        live_questions=4,
        answered_calls=50,
        diaries=300,
        disputes=20,
        care_targets=24,
        accounts=120,
    ),
}
# A tiny year for tests that only need every kind of row.
TINY = Volume(
    cases=120,
    onekey_calls=6,
    live_sessions=2,
    live_questions=4,
    answered_calls=6,
    diaries=40,
    disputes=5,
    care_targets=6,
    accounts=30,
)

CHANNEL_WEIGHTS = (
    (Channel.MESSAGE_BOARD, 26), (Channel.PATROL, 24), (Channel.HOTLINE, 16),
    (Channel.OPEN311, 14), (Channel.WINDOW, 12), (Channel.KIOSK, 8),
)  # fmt: skip


@dataclass
class HistoryResult:
    counts: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


# --- the timeline --------------------------------------------------------------------------


class Timeline:
    """Callbacks in time order; each runs with the clock frozen at its moment."""

    def __init__(self, end: dt.datetime):
        self.end = end
        self._heap: list = []
        self._n = 0
        self.errors: list[str] = []

    def at(self, when: dt.datetime, fn: Callable, *args) -> bool:
        if when >= self.end:
            return False
        heapq.heappush(self._heap, (when, self._n, fn, args))
        self._n += 1
        return True

    def run(self) -> None:
        while self._heap:
            when, _n, fn, args = heapq.heappop(self._heap)
            with clock.frozen_at(when):
                try:
                    fn(when, *args)
                except EXPECTED_ERRORS as exc:  # a service refused: the history goes on
                    message = f"{when:%Y-%m-%d %H:%M} {fn.__name__}: {_text(exc)}"
                    log.warning("history: %s", message)
                    self.errors.append(message)


def _text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    return str(exc)


# --- the people ----------------------------------------------------------------------------


@dataclass
class Township:
    grid: Grid
    center: Center
    duty: object  # the center's 值班 staff member (a user)
    mediator: Staff
    care: object
    police: list
    rooms: dict
    units: list[Grid]
    residents: list[Resident] = field(default_factory=list)  # with a phone
    accounts: list = field(default_factory=list)


@dataclass
class Cast:
    root: Grid
    district: Center
    district_duty: object
    townships: list[Township]
    by_path: dict[str, Township]
    worker_of_unit: dict[int, object]  # unit id → a grid worker's user
    units_of_worker: dict[int, Grid]  # worker user id → their first unit
    compound_name: dict[str, str]  # level-3 path → name
    user_of_staff: dict[int, object]
    user_of_room: dict[int, object]
    user_of_department: dict[int, object]

    def township_of(self, grid: Grid) -> Township:
        return self.township_of_path(grid.path)

    def township_of_path(self, path: str) -> Township:
        return self.by_path[path[: Grid.steplen * (Level.TOWNSHIP + 1)]]

    def place(self, grid: Grid) -> str:
        return self.compound_name.get(grid.path[: Grid.steplen * (Level.COMPOUND + 1)], grid.name)


def _username(prefix: str, grid: Grid) -> str:
    return f"{prefix}-{grid.code}"


def cast_create(rng: random.Random, volume: Volume) -> Cast:
    """Each center gets the staff the year needs (a duty officer, a mediator, a care worker),
    synthetic, with unusable passwords; residents with a phone get portal accounts."""
    names = NamePool(rng)
    root = Grid.objects.get(depth=1)
    district = Center.objects.get(grid=root)

    def staff(prefix, grid, center, role, room=None) -> Staff:
        found = Staff.objects.filter(user__username=_username(prefix, grid)).first()
        return found or staff_create(
            username=_username(prefix, grid),
            name=names.full(rng.choice("MF")),
            role=role,
            center=center,
            room_kind=room,
            synthetic=True,
        )

    district_duty = staff("duty", root, district, Role.CENTER_STAFF).user
    townships = []
    for grid in Grid.objects.filter(level=Level.TOWNSHIP).order_by("path"):
        center = Center.objects.get(grid=grid)
        mediator = staff("mediator", grid, center, Role.MEDIATOR, RoomKind.MEDIATION)
        care = staff("care", grid, center, Role.CARE_WORKER, RoomKind.CARE)
        police = list(
            Staff.objects.filter(center=center, role=Role.POLICE, active=True)
            .select_related("user")
            .order_by("pk")
        )
        units = list(
            Grid.objects.filter(subtree_q("path", grid.path), level=Level.UNIT).order_by("path")
        )
        townships.append(
            Township(
                grid=grid,
                center=center,
                duty=staff("duty", grid, center, Role.CENTER_STAFF).user,
                mediator=mediator,
                care=care.user,
                police=[p.user for p in police],
                rooms={r.kind: r for r in center.rooms.all()},
                units=units,
            )
        )
    worker_of_unit, units_of_worker = {}, {}
    assignments = (
        GridAssignment.objects.filter(duty=GridAssignment.Duty.WORKER, grid__level=Level.UNIT)
        .select_related("staff__user", "grid")
        .order_by("grid__path", "pk")
    )
    for a in assignments:
        worker_of_unit.setdefault(a.grid_id, a.staff.user)
        units_of_worker.setdefault(a.staff.user_id, a.grid)
    rooms_staff = Staff.objects.filter(room__isnull=False, active=True).select_related("user")
    user_of_room = {}
    for s in rooms_staff.order_by("pk"):
        user_of_room.setdefault(s.room_id, s.user)
    user_of_department = {}
    for s in Staff.objects.filter(department__isnull=False, active=True).select_related("user"):
        user_of_department.setdefault(s.department_id, s.user)
    compounds = dict(Grid.objects.filter(level=Level.COMPOUND).values_list("path", "name"))
    cast = Cast(
        root=root,
        district=district,
        district_duty=district_duty,
        townships=townships,
        by_path={t.grid.path: t for t in townships},
        worker_of_unit=worker_of_unit,
        units_of_worker=units_of_worker,
        compound_name=compounds,
        user_of_staff={},
        user_of_room=user_of_room,
        user_of_department=user_of_department,
    )
    _residents_and_accounts(cast, rng, volume)
    return cast


def _residents_and_accounts(cast: Cast, rng: random.Random, volume: Volume) -> None:
    """A sample of each township's residents with a phone (who call, visit and dispute), and
    portal accounts for some of them. Ids first: the full district has 455,611 residents."""
    from gongzhi.portal.services import account_get_or_create

    pool = []
    for township in cast.townships:
        ids = list(
            Resident.objects.filter(subtree_q("grid__path", township.grid.path))
            .exclude(phone_hash="")
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        picked = rng.sample(ids, min(len(ids), RESIDENTS_PER_TOWNSHIP))
        township.residents = list(
            Resident.objects.filter(pk__in=picked)
            .select_related("household", "grid")
            .order_by("pk")
        )
        pool += township.residents
    chosen = rng.sample(pool, min(volume.accounts, len(pool)))
    for resident in sorted(chosen, key=lambda r: r.pk):
        account = account_get_or_create(phone=resident.phone)
        cast.township_of(resident.grid).accounts.append(account)


# --- cases ---------------------------------------------------------------------------------


@dataclass
class Plan:
    """Where a case is meant to go; the agent reads the case's state at every step."""

    topic: texts.Topic
    route: str = "self"
    neglect: bool = False  # nobody accepts it at first: the sweep escalates it
    neglect_all: bool = False  # nobody acts at any level: it climbs to the top, overdue
    escalate: int = 0  # rungs escalated by hand after acceptance
    slow: bool = False  # the first handling outlasts its deadline
    extension: bool = False
    bounce: bool = False  # the assignee returns it once
    rework: bool = False
    reopen: bool = False  # the first rating is 不满意 (重办)
    quiet_after_reopen: bool = False  # closed again after 重办, never rated again
    unresolved: bool = False  # a 基本满意 that says the problem is not solved
    end: str = "archive"  # archive | followed | closed | reject | merge | divert | terminate
    stop_at: str | None = None
    fast: bool = False  # every step within the hour (the last days' open cases)
    urgent: bool = False
    rating: str = "satisfied"
    rater: object = None  # the reporter's user when they rate through the portal
    done: set = field(default_factory=set)


class CaseAgents:
    """Creates the cases of each channel and moves each one step at a time."""

    def __init__(self, cast: Cast, timeline: Timeline, rng: random.Random):
        self.cast, self.tl, self.rng = cast, timeline, rng
        self.plans: dict[int, Plan] = {}
        self.categories = {
            (c.parent.name if c.parent_id else c.name, c.name if c.parent_id else ""): c
            for c in Category.objects.select_related("parent")
        }
        self.by_channel = {
            ch: [(self._topic(name), w) for name, w in pairs]
            for ch, pairs in texts.CHANNEL_TOPICS.items()
        }
        self.api_key = None
        self.counter = 0
        self.swept = 0
        self.cases: dict[int, Case] = {}  # the latest copy of each case the timeline acted on
        self.next_check: dict[int, dt.datetime | None] = {}
        self.targets: dict[tuple, dict] = {}

    # -- topics and texts

    @staticmethod
    def _topic(name: str) -> texts.Topic:
        return next(t for t in texts.TOPICS if name in (t.sub, t.parent) and (t.sub or t.parent))

    def category(self, topic: texts.Topic) -> Category:
        return self.categories[(topic.parent, topic.sub)]

    def text(self, topic: texts.Topic, grid: Grid) -> str:
        return self.rng.choice(topic.texts).format(place=self.cast.place(grid))

    def pick_topic(self, channel: str) -> texts.Topic:
        topics, weights = zip(*self.by_channel[channel], strict=True)
        return self.rng.choices(topics, weights)[0]

    # -- plans

    def plan_for(self, topic: texts.Topic, *, recent: bool) -> Plan:
        r = self.rng.random
        plan = Plan(topic=topic, route=topic.route)
        roll = r()
        if roll < 0.03:
            plan.end = "reject"
        elif roll < 0.05:
            plan.end = "merge"
        elif roll < 0.065:
            plan.end = "divert"
        elif roll < 0.08:
            plan.end = "terminate"
        else:
            plan.end = self.rng.choices(["archive", "followed", "closed"], [35, 57, 8])[0]
        plan.neglect = r() < 0.06
        plan.escalate = 1 if r() < 0.06 else (3 if r() < 0.01 else 0)
        if plan.escalate >= 3:
            plan.escalate = 6  # all the way to the district center
        plan.slow = r() < 0.07
        plan.extension = r() < 0.05
        plan.bounce = plan.route != "self" and r() < 0.12
        plan.rework = r() < 0.05
        plan.reopen = r() < 0.06
        plan.quiet_after_reopen = r() < 0.5
        plan.unresolved = r() < 0.25
        plan.rating = self.rng.choices(["satisfied", "basic"], [80, 20])[0]
        if recent and r() < 0.04:
            plan.neglect_all = True
        return plan

    # -- creating cases, one function per channel

    def schedule_creations(self, start: dt.datetime, end: dt.datetime, n: int) -> None:
        channels, weights = zip(*CHANNEL_WEIGHTS, strict=True)
        span = (end - start).total_seconds()
        for _ in range(n):
            # A year that grows a little busier towards now, in office and evening hours.
            day_share = self.rng.random() ** 0.85
            day = start + dt.timedelta(seconds=span * day_share)
            local = day.astimezone(LOCAL)
            hour = self.rng.choices(range(7, 22), [2, 6, 9, 9, 8, 5, 6, 8, 8, 6, 4, 5, 4, 3, 2])[0]
            when = local.replace(hour=hour, minute=self.rng.randrange(60), second=0, microsecond=0)
            channel = self.rng.choices(channels, weights)[0]
            recent = (end - when) < dt.timedelta(days=6)
            self.tl.at(when, self.create, channel, None, recent)

    def schedule_open_cases(self, end: dt.datetime) -> None:
        """The last days: at least two cases waiting in each open state, and closed ones."""
        stops = [
            (S.REPORTED, {}, (1, 8)), (S.ACCEPTED, {"route": "room:mediation"}, (3, 20)),
            (S.SELF_HANDLING, {"route": "self"}, (3, 30)), (S.DISPATCHED, {"route": "staff"}, (3, 30)),
            (S.ESCALATED, {"escalate": 1}, (1, 8)), (S.SIGNED, {"route": "room:care"}, (3, 30)),
            (S.IN_PROGRESS, {"route": "room:police_liaison"}, (3, 30)),
            (S.EXTENSION_REQUESTED, {"route": "self", "extension": True}, (3, 30)),
            (S.RETURNED, {"route": "room:mediation", "bounce": True}, (3, 30)),
            (S.RESOLVED, {"route": "self"}, (2, 10)), (S.VERIFIED, {"route": "self"}, (2, 10)),
            (S.CLOSED, {"route": "self"}, (4, 40)),
        ]  # fmt: skip
        channels = [c for c, _w in CHANNEL_WEIGHTS]
        for i, (state, over, (lo, hi)) in enumerate(stops):
            for k in range(2):
                when = end - dt.timedelta(hours=self.rng.uniform(lo, hi))
                channel = channels[(i * 2 + k) % len(channels)]
                fixed = {"stop_at": state, "fast": True, **over}
                self.tl.at(when, self.create, channel, fixed, True)
        for k, end_as in enumerate(("reject", "merge", "divert", "terminate", "archive")):
            when = end - dt.timedelta(hours=self.rng.uniform(30, 60))
            fixed = {"end": end_as, "fast": True, "route": "self"}
            self.tl.at(when, self.create, channels[k % len(channels)], fixed, True)
        for k in range(3):  # nobody acts: climbing the ladder, red-carded, overdue
            when = end - dt.timedelta(hours=self.rng.uniform(50, 100))
            self.tl.at(when, self.create, channels[k], {"neglect_all": True}, True)

    def create(self, t, channel: str, fixed: dict | None, recent: bool) -> None:
        topic = self.pick_topic(channel)
        township = self.rng.choice(self.cast.townships)
        make = {
            Channel.MESSAGE_BOARD: self._board,
            Channel.HOTLINE: self._hotline,
            Channel.WINDOW: self._window,
            Channel.PATROL: self._patrol,
            Channel.OPEN311: self._open311,
            Channel.KIOSK: self._kiosk,
        }[channel]
        made = make(t, township, topic)
        if made is None:
            return
        case, rater = made
        if fixed and "fast" in fixed:  # a straight path to the state it is to end in
            plan = Plan(topic=topic, route=topic.route)
        else:
            plan = self.plan_for(topic, recent=recent)
        plan.rater = rater
        for k, v in (fixed or {}).items():
            setattr(plan, k, v)
        self.follow(case, plan)

    def follow(self, case: Case, plan: Plan) -> None:
        self.plans[case.pk] = plan
        self.counter += 1
        self.watch(case)
        self.tl.at(case.created_at + self.delay(case, plan), self.step, case.pk)

    # -- the deadline sweep, case by case

    def watch(self, case: Case) -> None:
        """Have the sweep look at the case when its next threshold passes (the real sweep
        runs every minute; a case acted on before then needs no look, nor a query)."""
        self.next_check[case.pk] = case.next_check_at
        if case.next_check_at is not None:
            due = case.next_check_at + dt.timedelta(seconds=30)
            self.tl.at(due, self.check, case.pk, case.next_check_at)

    def check(self, t, case_id: int, expected: dt.datetime) -> None:
        if self.next_check.get(case_id) != expected:
            return  # acted on since: the threshold moved or was met
        if case_sweep_one(case_id, t):
            self.swept += 1
        self.cases.pop(case_id, None)
        self.watch(self.case(case_id))

    def case(self, case_id: int) -> Case:
        if case_id not in self.cases:
            self.cases[case_id] = Case.objects.select_related(
                "category", "grid", "owning_grid"
            ).get(pk=case_id)
        return self.cases[case_id]

    def _resident(self, township: Township) -> Resident | None:
        return self.rng.choice(township.residents) if township.residents else None

    def _board(self, t, township: Township, topic):
        from gongzhi.portal.services import post_create, post_react

        if not township.accounts:
            return None
        account = self.rng.choice(township.accounts)
        case = post_create(
            account=account,
            text=self.text(topic, account.unit),
            category=self.category(topic),
            is_public=self.rng.random() < 0.92,
            show_name=self.rng.random() < 0.3,
        )
        others = [a for a in township.accounts if a.pk != account.pk]
        for other in self.rng.sample(others, min(len(others), self.rng.choice([0, 0, 1, 2, 4]))):
            when = t + dt.timedelta(hours=self.rng.uniform(1, 48))
            self.tl.at(when, _react, post_react, other, case)
        return case, account.user

    def _hotline(self, t, township: Township, topic):
        from gongzhi.hotline.services import hotline_call_finish, hotline_call_start

        resident = self._resident(township)
        if resident is None:
            return None
        with clock.frozen_at(t - dt.timedelta(minutes=self.rng.randint(3, 9))):
            call = hotline_call_start(by=township.duty, caller=resident.phone)
        text = self.text(topic, resident.grid)
        call = hotline_call_finish(
            by=township.duty,
            call=call,
            outcome="case",
            matter=text,
            token=f"h{call.pk}",
            resident=resident,
            category=self.category(topic),
            grid=resident.grid,
            title=text[:30],
            contact_name=resident.name,
        )
        return call.case, call.case.reporter_user

    def answered_call(self, t, township: Township) -> None:
        from gongzhi.hotline.services import hotline_call_finish, hotline_call_start

        resident = self._resident(township)
        if resident is None:
            return
        topic = self.pick_topic(Channel.HOTLINE)
        with clock.frozen_at(t - dt.timedelta(minutes=self.rng.randint(2, 6))):
            call = hotline_call_start(by=township.duty, caller=resident.phone)
        hotline_call_finish(
            by=township.duty,
            call=call,
            outcome="answered",
            token=f"a{call.pk}",
            matter=self.text(topic, resident.grid),
            answer=topic.resolve,
            resident=resident,
        )

    def _window(self, t, township: Township, topic):
        from gongzhi.hall.models import Outcome
        from gongzhi.hall.services import window_visit_register

        resident = self._resident(township)
        if resident is None:
            return None
        text = self.text(topic, resident.grid)
        visit = window_visit_register(
            by=township.duty,
            center=township.center,
            title=text[:30],
            matter=text,
            outcome=Outcome.CASE,
            resident=resident,
            category=self.category(topic),
        )
        return visit.case, None

    def _patrol(self, t, township: Township, topic):
        from gongzhi.workbench.services import field_report_create

        workers = [self.cast.worker_of_unit.get(u.pk) for u in township.units[::3]]
        workers = [w for w in workers if w is not None and w.pk in self.cast.units_of_worker]
        if not workers:
            return None
        worker = self.rng.choice(workers)
        unit = self.cast.units_of_worker[worker.pk]
        case = field_report_create(
            by=worker, category=self.category(topic).code, description=self.text(topic, unit)
        )
        return case, None

    def _open311(self, t, township: Township, topic):
        from gongzhi.open311.services import open311_request_create

        unit = self.rng.choice(township.units)
        data = QueryDict(mutable=True)
        data.update(
            {
                "service_code": self.category(topic).code,
                "description": self.text(topic, unit),
                "address_id": unit.code,
                "last_name": NamePool(self.rng).surname(),
                "first_name": "先生" if self.rng.random() < 0.5 else "女士",
            }
        )
        for code, value in topic.extra.items():
            data[f"attribute[{code}]"] = str(value)
        request = open311_request_create(api_key=self.api_key, data=data)
        return request.case, None

    def _kiosk(self, t, township: Township, topic):
        resident = self._resident(township)
        if resident is None:
            return None
        text = self.text(topic, resident.grid)
        case = case_create(
            by=None,
            title=text[:30],
            description=text,
            category=self.category(topic),
            channel=Channel.KIOSK,
            grid=resident.grid,
            reporter_resident=resident,
            extra=dict(topic.extra),
        )
        return case, None

    # -- the agent

    def owner(self, case: Case):
        """A dispatcher of the level that owns the case now."""
        if case.owning_level == OL.UNIT and case.owning_grid_id in self.cast.worker_of_unit:
            return self.cast.worker_of_unit[case.owning_grid_id]
        if case.owning_level == OL.DISTRICT_CENTER:
            return self.cast.district_duty
        return self.cast.township_of(case.grid).duty

    def supervisor(self, case: Case):
        return self.cast.township_of(case.grid).duty

    def assignee(self, case: Case):
        if case.assignee_staff_id:
            if case.assignee_staff_id not in self.cast.user_of_staff:
                staff = Staff.objects.select_related("user").get(pk=case.assignee_staff_id)
                self.cast.user_of_staff[case.assignee_staff_id] = staff.user
            return self.cast.user_of_staff[case.assignee_staff_id]
        if case.assignee_room_id:
            return self.cast.user_of_room.get(case.assignee_room_id)
        if case.assignee_department_id:
            return self.cast.user_of_department.get(case.assignee_department_id)
        return None

    def target(self, case: Case, plan: Plan, actor) -> dict:
        """Whom a dispatch goes to: a room or department of the township, or a worker."""
        township = self.cast.township_of(case.grid)
        kind, _sep, which = plan.route.partition(":")
        if kind == "room" and which in township.rooms:
            room = township.rooms[which]
            if room.pk in self.cast.user_of_room:
                return {"to_room": room}
        if kind == "dept":
            key = ("dept", township.center.pk, which)
            if key not in self.targets:
                dept = township.center.departments.filter(kind=which).first()
                ok = dept is not None and dept.pk in self.cast.user_of_department
                self.targets[key] = {"to_department": dept} if ok else {}
            if self.targets[key]:
                return self.targets[key]
        worker = self.cast.worker_of_unit.get(case.grid_id)
        user = worker if worker is not None else actor
        if ("staff", user.pk) not in self.targets:
            self.targets[("staff", user.pk)] = {"to_staff": Staff.objects.get(user=user)}
        return self.targets[("staff", user.pk)]

    def decide(self, case: Case, plan: Plan):
        """(action, actor, params) for the case's next step, "wait", or None when done."""
        st = case.state
        if plan.stop_at == st or st in FINAL_STATES - {S.CLOSED, S.FOLLOWED_UP}:
            return None
        if plan.neglect_all and st in (S.REPORTED, S.ESCALATED):
            return "wait"
        topic = plan.topic
        if st == S.REPORTED:
            if plan.neglect and case.escalation_count == 0:
                return "wait"
            if plan.end == "reject":
                return (
                    "reject",
                    self.owner(case),
                    {"comment": self.rng.choice(texts.REJECT_REASONS)},
                )
            if plan.end == "merge":
                into = self._merge_target(case)
                if into is not None:
                    return (
                        "merge",
                        self.supervisor(case),
                        {"into": into, "comment": "重复反映,合并办理。"},
                    )
                plan.end = "archive"
            return "accept", self.owner(case), {"comment": topic.accept}
        if st == S.ESCALATED:
            if plan.escalate > case.escalation_count and case.owning_level > OL.DISTRICT_CENTER:
                return (
                    "escalate",
                    self.owner(case),
                    {"comment": self.rng.choice(texts.ESCALATE_COMMENTS)},
                )
            return "sign", self.owner(case), {}
        if st == S.ACCEPTED:
            if plan.escalate > case.escalation_count:
                return (
                    "escalate",
                    self.owner(case),
                    {"comment": self.rng.choice(texts.ESCALATE_COMMENTS)},
                )
            actor = self.owner(case)
            if (
                plan.route == "self"
                and case.owning_level == OL.UNIT
                and actor is not None
                and (case.owning_grid_id in self.cast.worker_of_unit)
            ):
                return "self_handle", actor, {}
            return "dispatch", actor, self.target(case, plan, actor)
        if st == S.RETURNED:
            actor = self.owner(case)
            return "dispatch", actor, self.target(case, Plan(topic=topic, route="staff"), actor)
        who = self.assignee(case)
        if st == S.DISPATCHED:
            if plan.bounce and "bounce" not in plan.done:
                plan.done.add("bounce")
                return "return", who, {"comment": self.rng.choice(texts.RETURN_REASONS)}
            return "sign", who, {}
        if st == S.SIGNED:
            return "start", who, {}
        if st in (S.IN_PROGRESS, S.SELF_HANDLING):
            if plan.end in ("divert", "terminate"):
                params = {"comment": self.rng.choice(texts.TERMINATE_REASONS)}
                if plan.end == "divert":
                    params = {
                        "route": self.rng.choice(["litigation", "arbitration", "petition"]),
                        "comment": "当事人选择通过法定途径解决,已告知办理渠道。",
                    }
                return plan.end, self.supervisor(case), params
            if plan.extension and "extension" not in plan.done:
                plan.done.add("extension")
                return (
                    "request_extension",
                    who,
                    {
                        "days": self.rng.choice([3, 5, 7]),
                        "comment": self.rng.choice(texts.EXTENSION_REASONS),
                    },
                )
            return "resolve", who, {"comment": topic.resolve}
        if st == S.EXTENSION_REQUESTED:
            return "approve_extension", self.supervisor(case), {}
        if st == S.RESOLVED:
            if plan.rework and case.rework_count == 0:
                return (
                    "rework",
                    self.supervisor(case),
                    {"comment": self.rng.choice(texts.REWORK_REASONS)},
                )
            return "verify", self.supervisor(case), {}
        if st == S.VERIFIED:
            return "close", self.supervisor(case), {"comment": topic.close}
        if st == S.CLOSED:
            if plan.end == "closed" or (case.rehandle_count and plan.quiet_after_reopen):
                return None  # nobody answers the (second) follow-up call
            rating = "unsatisfied" if plan.reopen and case.rehandle_count == 0 else plan.rating
            stars = {"satisfied": self.rng.choice([5, 5, 4]), "basic": 3, "unsatisfied": 2}[rating]
            params = {
                "rating": rating,
                "stars": stars,
                "comment": self.rng.choice(texts.RATING_COMMENTS[rating]),
            }
            if rating == "basic" and plan.unresolved:
                params["resolved"] = False  # "basically satisfied", yet not solved
            return "follow_up", plan.rater or self.supervisor(case), params
        if st == S.FOLLOWED_UP and plan.end == "archive":
            return "archive", self.supervisor(case), {}
        return None

    def _merge_target(self, case: Case) -> Case | None:
        township = self.cast.township_of(case.grid)
        return (
            Case.objects.filter(subtree_q("grid__path", township.grid.path))
            .filter(state__in=OPEN_STATES - {S.REPORTED}, created_at__lt=case.created_at)
            .exclude(pk=case.pk)
            .order_by("-created_at")
            .first()
        )

    def step(self, t, case_id: int) -> None:
        case = self.case(case_id)
        plan = self.plans[case_id]
        decision = self.decide(case, plan)
        if decision is None:
            return
        if decision == "wait":
            self.tl.at(t + dt.timedelta(hours=self.rng.uniform(20, 30)), self.step, case_id)
            return
        action, actor, params = decision
        if actor is None:  # nobody can take this step (e.g. a room without staff)
            return
        case = case_act(case=case, by=actor, action=action, expected_version=case.version, **params)
        self.cases[case_id] = case
        self.watch(case)
        if case.state not in FINAL_STATES or case.state in (S.CLOSED, S.FOLLOWED_UP):
            self.tl.at(t + self.delay(case, plan), self.step, case_id)

    def delay(self, case: Case, plan: Plan) -> dt.timedelta:
        """How long until the next step, by what that step is."""
        u = self.rng.uniform
        st = case.state
        urgent = case.urgency == "urgent" or plan.urgent
        if plan.fast:
            return dt.timedelta(minutes=u(10, 50))
        if urgent and st not in (S.CLOSED, S.FOLLOWED_UP):
            return dt.timedelta(minutes=u(4, 25))
        hours = {
            S.REPORTED: u(0.3, 8) if self.rng.random() < 0.9 else u(8, 20),
            S.ESCALATED: u(1, 10),
            S.ACCEPTED: u(0.1, 2),
            S.RETURNED: u(1, 6),
            S.DISPATCHED: u(0.5, 12),
            S.SIGNED: u(0.2, 4),
            S.EXTENSION_REQUESTED: u(2, 20),
            S.RESOLVED: u(2, 20) if self.rng.random() < 0.92 else u(50, 80),
            S.VERIFIED: u(0.2, 6),
            S.CLOSED: u(20, 100),
            S.FOLLOWED_UP: u(100, 500),
        }.get(st)
        if st in (S.IN_PROGRESS, S.SELF_HANDLING):
            if plan.slow and "slow" not in plan.done:
                plan.done.add("slow")
                hours = u(240, 330)
            elif plan.extension and "extension" not in plan.done:
                hours = u(20, 60)
            else:
                hours = u(4, 96)
        if case.category.name == "公共事业" and st in (S.IN_PROGRESS, S.SELF_HANDLING):
            hours = u(2, 16)
        return dt.timedelta(hours=hours if hours is not None else 1)


def _react(t, post_react, account, case) -> None:
    post_react(account=account, case=case, kind="support")


# --- one-key calls ---------------------------------------------------------------------------


class Calls:
    """One-key calls: acknowledged in a minute or two, some only after escalating, one called
    off by the resident; each opens an urgent case that is handled within hours."""

    def __init__(self, agents: CaseAgents, timeline: Timeline, rng: random.Random):
        self.agents, self.tl, self.rng = agents, timeline, rng

    def schedule(self, start: dt.datetime, end: dt.datetime, n: int) -> None:
        span = (end - start).total_seconds()
        for i in range(n):
            when = start + dt.timedelta(seconds=span * (i + self.rng.random()) / max(n, 1))
            kind = "cancel" if i == n // 2 else ("escalate" if i % 4 == 1 else "ack")
            self.tl.at(when, self.call, kind)

    def call(self, t, kind: str) -> None:
        from gongzhi.realtime.services import ack_timeout, onekey_call_create

        township = self.rng.choice([tw for tw in self.agents.cast.townships if tw.accounts])
        account = self.rng.choice(township.accounts)
        call = onekey_call_create(account=account)
        timeout = dt.timedelta(seconds=ack_timeout())
        if kind == "cancel":
            self.tl.at(t + dt.timedelta(seconds=70), self.cancel, call, account)
            ack_at = None
        elif kind == "escalate":
            levels = self.rng.choice([1, 2])
            for level in range(1, levels + 1):
                self.tl.at(t + timeout * level, self.escalate, call)
            ack_at = t + timeout * levels + dt.timedelta(seconds=self.rng.randint(20, 100))
        else:
            ack_at = t + dt.timedelta(seconds=self.rng.randint(15, 150))
        if ack_at is not None:
            self.tl.at(ack_at, self.ack, call, township, kind == "escalate")
        plan = Plan(
            topic=texts.Topic(
                "突发事件", "", (), "已响应,工作人员正在赶往现场。", "已到达现场处置完毕,居民安全。"
            ),
            urgent=True,
        )
        plan.end, plan.rater = "followed", account.user
        self.agents.follow(call.case, plan)

    def escalate(self, t, call) -> None:
        from gongzhi.realtime.services import onekey_escalate

        onekey_escalate(call_id=call.pk)

    def ack(self, t, call, township: Township, escalated: bool) -> None:
        from gongzhi.realtime.services import onekey_ack

        worker = self.agents.cast.worker_of_unit.get(call.unit_id)
        by = township.duty if escalated or worker is None else worker
        onekey_ack(call=call, by=by)

    def cancel(self, t, call, account) -> None:
        from gongzhi.realtime.services import onekey_cancel

        onekey_cancel(call=call, account=account)


# --- the whole year ---------------------------------------------------------------------------


def history_seed(
    *,
    scale_name: str,
    seed: int,
    log: Callable[[str], None] = lambda _: None,
    volume: Volume | None = None,
    now: dt.datetime | None = None,
) -> HistoryResult:
    """Play a year of the district's life up to `now` (the clock's now). Call inside the
    seed's transaction, on a freshly built district."""
    from gongzhi.open311.keys import apikey_create, apikey_revoke

    from . import history_rooms as rooms

    volume = volume or VOLUMES.get(scale_name, VOLUMES["demo"])
    rng = random.Random(f"history-{seed}")
    end = (now or clock.now()).replace(microsecond=0) - dt.timedelta(minutes=1)
    start = end - dt.timedelta(days=HISTORY_DAYS)
    started_real = timezone.now()
    result = HistoryResult()

    with clock.frozen_at(start - dt.timedelta(days=2)):
        cast = cast_create(rng, volume)
        key, _raw = apikey_create(name="演示数据:12345 热线平台对接(合成)", user=cast.district_duty)
    timeline = Timeline(end)
    agents = CaseAgents(cast, timeline, rng)
    agents.api_key = key
    agents.schedule_creations(start, end, volume.cases)
    agents.schedule_open_cases(end)
    Calls(agents, timeline, rng).schedule(start, end, volume.onekey_calls)
    span = (end - start).total_seconds()
    for _ in range(volume.answered_calls):
        when = start + dt.timedelta(seconds=span * rng.random())
        timeline.at(when, agents.answered_call, rng.choice(cast.townships))
    rooms.schedule(cast, agents, timeline, rng, volume, start, end)

    log(f"历史数据 (合成,{HISTORY_DAYS} 天):")
    timeline.run()
    with clock.frozen_at(end):
        cases_sweep_deadlines(end)
        rooms.finish(cast, end)
        apikey_revoke(name_or_prefix=key.name)
    _settle_the_past(started_real, end)
    through = kpi_rebuild(end + dt.timedelta(minutes=1))
    result.errors = timeline.errors
    result.counts = _counts(agents)
    by_state = result.counts.get("states", {})
    log(
        f"  事件 {result.counts['cases']:,} 件(办理中 "
        f"{sum(n for s, n in by_state.items() if s in OPEN_STATES):,}),"
        f"考核日汇总截至 {through or '—'}"
    )
    for line in rooms.summary():
        log(f"  {line}")
    if result.errors:
        log(f"  跳过的操作: {len(result.errors)}")
    return result


def _settle_the_past(started_real: dt.datetime, end: dt.datetime) -> None:
    """What the background work of that year would have done by now."""
    from django_tasks_db.models import DBTaskResult

    from gongzhi.realtime.models import RelayEvent

    OutboundMessage.objects.filter(status=OutboundMessage.Status.QUEUED).update(
        status=OutboundMessage.Status.SENT, backend="history", sent_at=_plus_minute("created_at")
    )
    Notification.objects.filter(
        read_at__isnull=True, created_at__lt=end - dt.timedelta(days=3)
    ).update(read_at=_plus_minute("created_at"))
    # The tasks the services enqueued for the past (deliveries, escalation checks, vote counts)
    # ran inside the timeline; a worker must not run them again today.
    DBTaskResult.objects.filter(enqueued_at__gte=started_real).delete()
    RelayEvent.objects.filter(created_at__gte=started_real).delete()


def _plus_minute(column: str):
    from django.db.models import F

    return F(column) + dt.timedelta(minutes=1)


def _counts(agents: CaseAgents) -> dict:
    from django.db.models import Count

    cases = Case.objects.all()
    return {
        "cases": cases.count(),
        "states": dict(cases.values_list("state").annotate(n=Count("pk")).order_by()),
        "channels": dict(cases.values_list("channel").annotate(n=Count("pk")).order_by()),
        "overdue_open": cases.filter(overdue=True, state__in=OPEN_STATES).count(),
        "followed": cases.filter(~Q(satisfaction="")).count(),
    }


def tiny_png(name: str = "photo.png", colour=(90, 140, 60)) -> SimpleUploadedFile:
    """A small real image (receipts and completion photos must pass the image check)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (16, 12), colour).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")
