"""The synthetic year outside the case workflow (seeding/history.py): diaries, the live room,
mediation files, care visits, the street-light deliberation and 集资, policy articles.

Each activity is a chain of timeline callbacks calling the room's own services with the
clock frozen at that moment, exactly as the room's pages would.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from gongzhi.grids.models import Grid, Level
from gongzhi.people.models import Household, Resident, TagKind

from . import history_texts as texts
from .history import CaseAgents, Cast, Timeline, Township, Volume, tiny_png

_tally: dict[str, int] = {}


def _count(name: str, n: int = 1) -> None:
    _tally[name] = _tally.get(name, 0) + n


def summary() -> list[str]:
    labels = {
        "diaries": "民情日记", "live_sessions": "民情直播", "live_questions": "直播提问",
        "disputes": "矛盾纠纷调解", "agreements": "调解协议", "care_visits": "关爱走访",
        "votes": "户表决", "payments": "集资缴款", "policies": "政策文章",
    }  # fmt: skip
    return ["  ".join(f"{labels[k]} {_tally.get(k, 0):,}" for k in labels)]


def schedule(
    cast: Cast,
    agents: CaseAgents,
    tl: Timeline,
    rng: random.Random,
    volume: Volume,
    start: dt.datetime,
    end: dt.datetime,
) -> None:
    _tally.clear()
    span = (end - start).total_seconds()

    def when(share: float | None = None) -> dt.datetime:
        share = rng.random() ** 0.8 if share is None else share
        local = (start + dt.timedelta(seconds=span * share)).astimezone(
            timezone.get_current_timezone()
        )
        return local.replace(hour=rng.randint(9, 17), minute=rng.randrange(60), second=0)

    for _ in range(volume.diaries):
        tl.at(when(), _diary, cast, tl, rng)
    _story_diaries(cast, tl, start, end)
    Live(cast, agents, tl, rng).schedule(start, end, volume)
    Mediation(cast, tl, rng).schedule(start, end, volume, when)
    Care(cast, tl, rng).schedule(start, end, volume)
    StreetLights(cast, tl, rng).schedule(start, end)
    if volume.policies:
        tl.at(start + dt.timedelta(days=3), _policies, cast)


def finish(cast: Cast, end: dt.datetime) -> None:
    """Whatever the sweeps of the last day would have raised (care visits now overdue)."""
    from gongzhi.care.services import care_sweep_overdue

    care_sweep_overdue(end)


# --- diaries ------------------------------------------------------------------------------------


def _diary(t, cast: Cast, tl: Timeline, rng: random.Random, within: str | None = None) -> None:
    """A grid worker's diary entry; `within` (a compound's path): a public one by a worker
    whose own unit lies there."""
    from gongzhi.workbench.services import diary_entry_create

    township = cast.township_of_path(within) if within else rng.choice(cast.townships)
    units = [u for u in township.units if u.pk in cast.worker_of_unit]
    if within:
        units = [
            u
            for u in units
            if cast.units_of_worker[cast.worker_of_unit[u.pk].pk].path.startswith(within)
        ]
    if not units:
        return
    unit = rng.choice(units)
    worker = cast.worker_of_unit[unit.pk]
    unit = cast.units_of_worker[worker.pk]  # diary entries belong to the worker's own unit
    duty = rng.choice(list(texts.DIARY_LINES))
    role = rng.choice(texts.DIARY_ROLE_FOR_DUTY[duty])
    text = rng.choice(texts.DIARY_LINES[duty]).format(place=cast.place(unit), n=rng.randint(2, 30))
    met = [r for r in township.residents if r.grid_id == unit.pk][:2] if rng.random() < 0.4 else []
    entry, _created = diary_entry_create(
        by=worker,
        date=timezone.localdate(t),
        role=role,
        duty=duty,
        text=text,
        minutes_spent=rng.choice([30, 45, 60, 90, 120]),
        is_public=bool(within) or rng.random() < 0.75,
        residents=met,
    )
    _count("diaries")
    if rng.random() < 0.2:
        tl.at(t + dt.timedelta(hours=rng.uniform(2, 30)), _diary_comment, township, entry, rng)


STORY_DIARIES = 6  # public entries in the demo resident's compound, over the year


def _story_diaries(cast: Cast, tl: Timeline, start: dt.datetime, end: dt.datetime) -> None:
    """The demo resident (the seed story's 茹玉芳, in 公园路46号楼院) opens 民情日记 and finds
    her grid workers' public entries: a few always land in her compound. Their own random
    stream, so the rest of the year is what it was without them."""
    from .names import JINQUAN, JINQUAN_COMPOUNDS

    rng = random.Random(f"story-diaries-{start:%Y%m%d}")
    compound = next(
        (
            path
            for path, name in cast.compound_name.items()
            if name == JINQUAN_COMPOUNDS[0] and cast.township_of_path(path).grid.name == JINQUAN
        ),
        None,
    )
    if compound is None:
        return
    span = (end - start).total_seconds()
    for k in range(STORY_DIARIES):
        share = (k + rng.random()) / STORY_DIARIES  # spread over the year, the last one recent
        at = (start + dt.timedelta(seconds=span * share)).astimezone(
            timezone.get_current_timezone()
        )
        at = at.replace(hour=rng.randint(9, 17), minute=rng.randrange(60), second=0)
        tl.at(at, _diary, cast, tl, rng, compound)


def _diary_comment(t, township: Township, entry, rng: random.Random) -> None:
    from gongzhi.workbench.services import diary_comment_add

    diary_comment_add(by=township.duty, entry=entry, text=rng.choice(texts.DIARY_COMMENTS))


# --- the live room ---------------------------------------------------------------------------


class Live:
    """A live session a month, hosted by the district center: residents ask, like and get
    answers; one or two questions become cases (channel 直播间)."""

    def __init__(self, cast: Cast, agents: CaseAgents, tl: Timeline, rng: random.Random):
        self.cast, self.agents, self.tl, self.rng = cast, agents, tl, rng
        self.accounts = [a for t in cast.townships for a in t.accounts]

    def schedule(self, start, end, volume: Volume) -> None:
        n = volume.live_sessions
        for i in range(n):
            day = start + (end - start) * (i + 0.5) / max(n, 1)
            at = day.astimezone(timezone.get_current_timezone()).replace(
                hour=19, minute=30, second=0
            )
            self.tl.at(at - dt.timedelta(days=3), self.announce, i, at, volume.live_questions)
        upcoming = (end + dt.timedelta(days=3)).replace(minute=0, second=0)
        self.tl.at(end - dt.timedelta(hours=2), self.announce, n, upcoming, 0)

    def announce(self, t, i: int, at: dt.datetime, questions: int) -> None:
        from gongzhi.realtime.services import live_session_create

        host = self.cast.district_duty
        topic = texts.LIVE_TOPICS[i % len(texts.LIVE_TOPICS)]
        session = live_session_create(
            by=host, topic=f"网上民情直播间:{topic}", scheduled_at=at, hosts=[host]
        )
        _count("live_sessions")
        for k in range(questions):
            self.tl.at(at + dt.timedelta(minutes=3 + 7 * k), self.ask, session, k == 1)
        if questions:
            self.tl.at(at + dt.timedelta(minutes=70), self.end_session, session)

    def ask(self, t, session, to_case: bool) -> None:
        from gongzhi.realtime.services import (
            live_question_answer,
            live_question_like,
            live_question_post,
            live_question_to_case,
        )

        if not self.accounts:
            return
        account = self.rng.choice(self.accounts)
        q = live_question_post(
            session=session, account=account, text=self.rng.choice(texts.LIVE_QUESTIONS)
        )
        _count("live_questions")
        for other in self.rng.sample(self.accounts, min(3, len(self.accounts))):
            if other.pk != account.pk:
                live_question_like(question=q, account=other)
        host = self.cast.district_duty
        live_question_answer(question=q, by=host, answer=self.rng.choice(texts.LIVE_ANSWERS))
        if to_case:
            q = live_question_to_case(question=q, by=host)
            topic = self.agents._topic("社情民意")
            plan = self.agents.plan_for(topic, recent=False)
            plan.rater, plan.end = account.user, "followed"
            self.agents.follow(q.case, plan)

    def end_session(self, t, session) -> None:
        from gongzhi.realtime.services import live_session_end

        live_session_end(session=session, by=self.cast.district_duty)


# --- mediation ---------------------------------------------------------------------------------


class Mediation:
    """Disputes registered at the hall's window, mediated in the mediation room: consent,
    sessions, a written or oral agreement (or a failure, with the other routes explained),
    signatures and performance. The seed's straw-fire dispute in 西峰镇 is one of them."""

    def __init__(self, cast: Cast, tl: Timeline, rng: random.Random):
        self.cast, self.tl, self.rng = cast, tl, rng

    def schedule(self, start, end, volume: Volume, when) -> None:
        for _ in range(volume.disputes):
            township = self.rng.choice(self.cast.townships)
            if len(township.residents) >= 2:
                self.tl.at(when(), self.register, township, self.rng.choice(texts.DISPUTES))
        xifeng = next((t for t in self.cast.townships if t.grid.name == "西峰镇"), None)
        if xifeng is not None:
            spring = dt.datetime(start.year + 1, 4, 8, 10, 0, tzinfo=start.tzinfo)
            if not start < spring < end - dt.timedelta(days=60):
                spring = start + dt.timedelta(days=120)
            self.tl.at(spring, self.straw_fire, xifeng)

    def register(self, t, township: Township, spec) -> None:
        from gongzhi.hall.models import Outcome
        from gongzhi.hall.services import window_visit_register
        from gongzhi.mediation.models import Party
        from gongzhi.mediation.services import party_add

        dispute_type, title, facts, terms = spec
        applicant, respondent = self.rng.sample(township.residents, 2)
        visit = window_visit_register(
            by=township.duty,
            center=township.center,
            title=title,
            matter=facts,
            outcome=Outcome.DISPUTE,
            resident=applicant,
            dispute_type=dispute_type,
            kinds=["people"],
            risk_grade=self.rng.choice(["low", "low", "medium"]),
        )
        party_add(
            by=township.duty,
            dispute=visit.dispute,
            side=Party.Side.RESPONDENT,
            name=respondent.name,
            resident=respondent,
        )
        _count("disputes")
        self.tl.at(t + dt.timedelta(days=1), self.prepare, township, visit.dispute, terms, None)

    def straw_fire(self, t, township: Township) -> None:
        from gongzhi.mediation.models import Party
        from gongzhi.mediation.services import dispute_register, party_add

        s = texts.STRAW_FIRE
        dispute = dispute_register(
            by=township.duty,
            center=township.center,
            title=s["title"],
            facts=s["facts"],
            dispute_type=s["type"],
            amount=s["amount"],
            kinds=["people"],
            risk_grade="medium",
        )
        for side, (name, address) in (
            (Party.Side.APPLICANT, s["applicant"]),
            (Party.Side.RESPONDENT, s["respondent"]),
        ):
            party_add(by=township.duty, dispute=dispute, side=side, name=name, address=address)
        _count("disputes")
        self.tl.at(t + dt.timedelta(days=1), self.prepare, township, dispute, s["terms"], s)

    def prepare(self, t, township: Township, dispute, terms: str, story) -> None:
        from gongzhi.mediation.services import consent_record, mediator_assign

        by = township.mediator.user
        for party in dispute.parties.all():
            consent_record(by=by, party=party, consented=True)
        mediator_assign(by=by, dispute=dispute, kind="people", staff=township.mediator)
        if story:  # 人民调解、专业调解、行政调解、司法调解、律师调解 together
            for kind, name, org in (
                ("professional", "马振华", "肃州区林业技术服务中心"),
                ("administrative", "李文斌", "西峰镇人民政府"),
                ("judicial", "王建军", "肃州区人民法院西峰法庭"),
                ("lawyer", "赵明", "甘肃酒泉律师事务所"),
            ):
                mediator_assign(
                    by=by, dispute=dispute, kind=kind, volunteer_name=name, volunteer_org=org
                )
        held = t + dt.timedelta(days=self.rng.uniform(1, 6))
        self.tl.at(held, self.session, township, dispute, terms, story)

    def session(self, t, township: Township, dispute, terms: str, story) -> None:
        from gongzhi.mediation.services import session_record

        parties = list(dispute.parties.all())
        session_record(
            by=township.mediator.user,
            dispute=dispute,
            held_at=t,
            attendees=parties,
            place=f"{township.center.name}矛盾纠纷调解室",
            notes="调解员分别听取双方陈述,释法析理,引导双方互谅互让。",
        )
        roll = self.rng.random() if story is None else 0.0
        outcome_at = t + dt.timedelta(hours=self.rng.uniform(2, 40))
        if roll < 0.68:
            self.tl.at(outcome_at, self.agree, township, dispute, terms, story)
        elif roll < 0.84:
            self.tl.at(outcome_at, self.oral, township, dispute, terms)
        else:
            self.tl.at(outcome_at, self.fail, township, dispute)

    def agree(self, t, township: Township, dispute, terms: str, story) -> None:
        from gongzhi.mediation.services import agreement_create, agreement_sign

        by = township.mediator.user
        today = timezone.localdate(t)
        agreement = agreement_create(
            by=by,
            dispute=dispute,
            facts=dispute.facts,
            disputed_matters="赔偿数额及履行方式。",
            responsibilities="经调解,双方对各自责任予以确认。",
            terms=terms,
            performance_method="现金或转账支付" if story else "按协议约定履行",
            performance_place=township.center.name,
            performance_deadline=today + dt.timedelta(days=self.rng.randint(7, 30)),
            effective_on=today,
            compensation=story["compensation"] if story else None,
        )
        for party in dispute.parties.all():
            agreement_sign(by=by, party=party, signed_on=today)
        _count("agreements")
        self.tl.at(
            dt.datetime.combine(agreement.performance_deadline, dt.time(10), tzinfo=t.tzinfo),
            self.performed,
            township,
            agreement,
        )
        if story:
            self.tl.at(t + dt.timedelta(days=3), self.confirm, township, agreement)

    def performed(self, t, township: Township, agreement) -> None:
        from gongzhi.mediation.services import performance_record

        status = "performed" if self.rng.random() < 0.9 else "partly"
        performance_record(by=township.mediator.user, agreement=agreement, status=status)

    def confirm(self, t, township: Township, agreement) -> None:
        from gongzhi.mediation.services import judicial_confirmation_apply

        by = township.mediator.user
        confirmation = judicial_confirmation_apply(
            by=by, agreement=agreement, court="肃州区人民法院"
        )
        self.tl.at(t + dt.timedelta(days=7), self._decide, by, confirmation)

    def _decide(self, t, by, confirmation) -> None:
        from gongzhi.mediation.services import judicial_confirmation_decide

        judicial_confirmation_decide(by=by, confirmation=confirmation, result="confirmed")

    def oral(self, t, township: Township, dispute, terms: str) -> None:
        from gongzhi.mediation.services import oral_agreement_record

        oral_agreement_record(by=township.mediator.user, dispute=dispute, terms=terms)
        _count("agreements")

    def fail(self, t, township: Township, dispute) -> None:
        from gongzhi.mediation.services import dispute_fail

        dispute_fail(
            by=township.mediator.user,
            dispute=dispute,
            routes_explained=True,
            note="双方分歧较大,未能达成一致;已告知可申请仲裁、行政处理或向人民法院起诉。",
        )


# --- care --------------------------------------------------------------------------------------


class Care:
    """Care targets get a monthly visit plan with their grid worker; visits come roughly on
    time (a few are late, so the sweep at the end raises overdue alerts); help is recorded."""

    INTERVAL = 30

    def __init__(self, cast: Cast, tl: Timeline, rng: random.Random):
        self.cast, self.tl, self.rng = cast, tl, rng

    def schedule(self, start, end, volume: Volume) -> None:
        targets = list(
            Resident.objects.filter(tags__kind=TagKind.CARE)
            .select_related("grid")
            .distinct()
            .order_by("pk")
        )
        targets = sorted(
            self.rng.sample(targets, min(volume.care_targets, len(targets))), key=lambda r: r.pk
        )
        for resident in targets:
            first = start + dt.timedelta(days=self.rng.uniform(5, 40), hours=2)
            self.tl.at(first, self.plan, resident, end)

    def plan(self, t, resident: Resident, end: dt.datetime) -> None:
        from gongzhi.care.services import visit_plan_create

        township = self.cast.township_of(resident.grid)
        worker = self.cast.worker_of_unit.get(resident.grid_id)
        staff = worker.staff if worker is not None else None
        visit_plan_create(
            by=township.care, resident=resident, worker=staff, interval_days=self.INTERVAL
        )
        late = self.rng.random() < 0.15  # this target's visits will fall behind at the end
        at = t + dt.timedelta(days=self.rng.uniform(20, 32))
        while at < end:
            if late and end - at < dt.timedelta(days=45):
                break
            self.tl.at(at, self.visit, resident, township, worker)
            at += dt.timedelta(days=self.rng.uniform(24, 33))
        if self.rng.random() < 0.3:
            self.tl.at(
                t + dt.timedelta(days=self.rng.uniform(30, 200)), self.help, resident, township
            )

    def visit(self, t, resident: Resident, township: Township, worker) -> None:
        from gongzhi.care.services import visit_record

        by = worker if worker is not None and self.rng.random() < 0.7 else township.care
        note = self.rng.choice(
            (
                "上门看望,老人身体状况良好,生活用品充足。",
                "电话联系家属,了解近期就医情况。",
                "陪同到社区卫生服务站测量血压,叮嘱按时服药。",
                "检查家中用电用气安全,更换了老化插座。",
            )
        )
        visit_record(by=by, resident=resident, note=note)
        _count("care_visits")

    def help(self, t, resident: Resident, township: Township) -> None:
        from gongzhi.care.services import help_record

        goods = self.rng.random() < 0.6
        help_record(
            by=township.care,
            resident=resident,
            kind="goods" if goods else "service",
            description="米面油等生活物资" if goods else "上门理发和家政保洁服务",
            value="200" if goods else None,
        )


# --- deliberation: the street lights ------------------------------------------------------------


class StreetLights:
    """公园路46号楼院 (金泉路社区): residents raise the lack of lights, the community opens a
    deliberation, a meeting is held, the households vote, 50 元 per household is collected,
    the lights are bought and installed, and the notice is public."""

    def __init__(self, cast: Cast, tl: Timeline, rng: random.Random):
        self.cast, self.tl, self.rng = cast, tl, rng

    def schedule(self, start, end) -> None:
        from gongzhi.seeding.names import JINQUAN, JINQUAN_COMPOUNDS

        township = next((t for t in self.cast.townships if t.grid.name == JINQUAN), None)
        if township is None:
            return
        courtyard = (
            Grid.objects.filter(level=Level.COMPOUND, name=JINQUAN_COMPOUNDS[0])
            .filter(path__startswith=township.grid.path)
            .first()
        )
        if courtyard is None:
            return
        t0 = start + dt.timedelta(days=150)
        self.tl.at(t0.replace(hour=10), self.propose, township, courtyard)

    def _residents(self, courtyard: Grid) -> list[Resident]:
        return list(
            Resident.objects.filter(grid__path__startswith=courtyard.path)
            .select_related("household")
            .order_by("pk")
        )

    def propose(self, t, township: Township, courtyard: Grid) -> None:
        from gongzhi.deliberation.services import (
            deliberation_open,
            meeting_schedule,
            proposal_create,
            proposal_support,
        )

        people = self._residents(courtyard)
        if len(people) < 3:
            return
        proposal = proposal_create(
            grid=courtyard,
            resident=people[0],
            title="楼院路灯太少,晚上太黑",
            description="公园路46号楼院路灯较少,居民早晚进出存在安全隐患,建议统一安装路灯。",
        )
        for r in people[1:6]:
            proposal_support(proposal=proposal, resident=r)
        delib = deliberation_open(
            by=township.duty,
            proposal=proposal,
            title="公园路46号楼院统一安装路灯",
            description="议定路灯数量、位置与费用分摊。",
        )
        meeting = meeting_schedule(
            by=township.duty,
            deliberation=delib,
            title="路灯议事会",
            place="楼院活动室",
            agenda="一、路灯位置;二、每户分摊金额",
            scheduled_at=t + dt.timedelta(days=3),
        )
        self.tl.at(
            t + dt.timedelta(days=3, hours=2), self.meet, township, delib, meeting, courtyard
        )

    def meet(self, t, township: Township, delib, meeting, courtyard: Grid) -> None:
        from gongzhi.deliberation.services import meeting_record_minutes, vote_create

        households = list(
            Household.objects.filter(unit__path__startswith=courtyard.path).order_by("pk")
        )
        meeting_record_minutes(
            meeting=meeting,
            by=township.duty,
            households=households[: max(3, len(households) // 2)],
            minutes="议定增设太阳能路灯,每户集资50元,交户表决。",
            org_kinds=["party", "service_station", "owners_committee", "property"],
        )
        vote = vote_create(
            deliberation=delib,
            by=township.duty,
            question="是否同意每户集资50元统一安装路灯",
            opens_at=t,
            closes_at=t + dt.timedelta(days=5),
            quorum_pct="50",
            threshold_pct="50",
        )
        for i, h in enumerate(households):
            at = t + dt.timedelta(hours=self.rng.uniform(1, 110))
            choice = "no" if i % 9 == 4 else ("abstain" if i % 13 == 6 else "yes")
            self.tl.at(at, self.ballot, township, vote, h, choice)
        self.tl.at(t + dt.timedelta(days=5, minutes=5), self.count, township, delib, vote)

    def ballot(self, t, township: Township, vote, household, choice: str) -> None:
        from gongzhi.deliberation.services import vote_cast, vote_record_paper

        member = household.members.order_by("pk").first()
        if member is not None and self.rng.random() < 0.6:
            vote_cast(vote=vote, household=household, by_resident=member, choice=choice)
        else:
            vote_record_paper(vote=vote, household=household, by=township.duty, choice=choice)
        _count("votes")

    def count(self, t, township: Township, delib, vote) -> None:
        from gongzhi.deliberation.services import cost_share_create, vote_close

        vote = vote_close(vote=vote, by=township.duty)
        if not vote.passed:
            return
        share = cost_share_create(
            deliberation=delib,
            by=township.duty,
            purpose="统一安装楼院路灯",
            amount_per_household="50",
        )
        for i, entry in enumerate(share.entries.order_by("pk")):
            if i % 17 == 11:
                continue  # not paid yet
            at = t + dt.timedelta(days=self.rng.uniform(0.5, 12))
            self.tl.at(at, self.pay, township, entry)
        self.tl.at(t + dt.timedelta(days=14), self.install, township, delib, share)

    def pay(self, t, township: Township, entry) -> None:
        from gongzhi.deliberation.services import payment_record

        method = "transfer" if self.rng.random() < 0.4 else "cash"
        payment_record(entry=entry, by=township.duty, amount="50", method=method)
        _count("payments")

    def install(self, t, township: Township, delib, share) -> None:
        from gongzhi.deliberation.selectors import cost_share_totals
        from gongzhi.deliberation.services import (
            expenditure_record,
            work_task_complete,
            work_task_create,
        )

        received = cost_share_totals(share).received
        expenditure_record(
            cost_share=share,
            by=township.duty,
            amount=str(received * 9 // 10 or 1),
            description="购买并安装太阳能路灯",
            spent_on=timezone.localdate(t),
            receipt=tiny_png("invoice.png", (230, 230, 230)),
        )
        task = work_task_create(deliberation=delib, by=township.duty, title="安装路灯")
        work_task_complete(
            task=task,
            by=township.duty,
            note="路灯已全部安装并亮灯",
            photos=[tiny_png("before.png", (20, 20, 30)), tiny_png("after.png", (250, 230, 120))],
        )


# --- policy articles ----------------------------------------------------------------------------


def _policies(t, cast: Cast) -> None:
    from gongzhi.hall.services import article_save, faq_save

    by = cast.district_duty
    for title, category, body in texts.POLICIES:
        article_save(by=by, title=title, body=body, category=category, summary=body[:60])
        _count("policies")
    for i, (question, answer) in enumerate(texts.FAQS):
        faq_save(by=by, question=question, answer=answer, order=i)
