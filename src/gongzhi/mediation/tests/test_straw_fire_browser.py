"""Issue 14's straw-fire story in a real browser, on the seeded demo district and as its demo
roles (no `admin`): 陈某 comes to the 西峰镇 hall window about the saplings 张某's straw fire
burned; the clerk registers the dispute; the mediator takes it and raises its risk; the center
convenes a consultation in which the court (its judge) and the 司法所 (recorded for it) give
opinions; the decision shows on the dispute; the agreement is made, 司法确认 applied for, and
the stationed judge records the court's ruling."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.cases.models import Consultation, ConsultationOpinion, ConsultationTask
from gongzhi.core import clock
from gongzhi.core.idcard import make_id_number
from gongzhi.grids.models import Grid, Level
from gongzhi.hall.models import Ticket, WindowVisit
from gongzhi.mediation.models import Dispute, JudicialConfirmation, Outcome
from gongzhi.org.models import Center, Department, DepartmentKind
from gongzhi.people.models import Household
from gongzhi.people.services import build_resident, clean_resident_fields
from gongzhi.seeding.accounts import DEMO_PASSWORD, demo_accounts_ensure
from gongzhi.seeding.scale import DEMO
from gongzhi.seeding.services import district_seed

FACTS = "张某在自家耕地焚烧玉米秸秆,不慎引燃陈某家一亩多地的树苗,两家为赔偿争执不下。"


def _sign_in(browser, base: str, username: str):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return context, page


def _step(page, summary: str):
    """Open a folded step form (<details>) by its title and return it."""
    title = page.locator("summary").get_by_text(summary, exact=True)
    details = page.locator("details", has=title)
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    return details


def _save(scope, page):
    scope.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    body = page.locator("body").inner_text()
    assert "未保存任何内容" not in body, body[:2000]


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _chen(xifeng: Center):
    """陈某, the sapling grower: a synthetic resident in a 西峰镇 household."""
    unit = Grid.objects.filter(path__startswith=xifeng.grid.path, level=Level.UNIT).first()
    household = Household.objects.create(unit=unit, house_number="6", is_synthetic=True)
    clean = clean_resident_fields(
        name="陈育林",
        id_number=make_id_number("620902", dt.date(1968, 5, 2), 311),
        phone="13609370001",
        relation="head",
    )
    resident = build_resident(clean, household=household, synthetic=True)
    resident.save()
    return resident


@pytest.mark.browser
def test_the_straw_fire_dispute_from_the_window_to_the_courts_ruling(live_server_url, browser):
    district_seed(
        scale=DEMO, history=False
    )  # the story alone: the demo year has its own straw fire
    demo_accounts_ensure()
    xifeng = Center.objects.get(grid__level=Level.TOWNSHIP, grid__name="西峰镇")
    chen = _chen(xifeng)
    court = Department.objects.get(center=xifeng, kind=DepartmentKind.COURT)
    justice = Department.objects.get(center=xifeng, kind=DepartmentKind.JUSTICE)
    justice_officer = justice.staff.get()  # seeded, without a login
    base = live_server_url

    # 1. The hall: a ticket for 矛盾纠纷调解, called to window 1, and the visit registered.
    clerk_ctx, hall = _sign_in(browser, base, "xifeng_center")
    hall.goto(f"{base}/hall/")
    assert "西峰镇综治中心 · 群众接待大厅" in hall.locator("h1").inner_text()
    hall.get_by_role("button", name="B · 矛盾纠纷调解").click()
    hall.locator("tr", has_text="1号窗口").get_by_role("button", name="叫下一位").click()
    assert "B001" in hall.locator("tr", has_text="1号窗口").inner_text()
    hall.get_by_role("link", name="窗口登记").click()
    hall.get_by_role("searchbox").fill("陈育林")
    hall.get_by_role("button", name="查找").click()
    hall.get_by_role("link", name="选择").click()
    assert "来访居民" in hall.locator("body").inner_text()
    hall.get_by_label("窗口", exact=True).select_option(label="1号窗口")
    hall.get_by_label("事项摘要").fill("焚烧秸秆引燃树苗赔偿纠纷")
    hall.get_by_label("诉求内容").fill(FACTS)
    hall.get_by_role("radio", name="转矛盾纠纷调解").check()
    hall.get_by_label("纠纷类型").select_option("损害赔偿")
    hall.get_by_label("争议金额(元)").fill("86000")
    hall.get_by_role("checkbox", name="人民调解").check()
    hall.get_by_role("checkbox", name="律师调解").check()
    hall.get_by_role("button", name="登记").click()
    hall.wait_for_url("**/hall/visits/")
    visit = WindowVisit.objects.get()
    dispute = visit.dispute
    assert dispute.center == xifeng and dispute.number.startswith("西峰镇调〔")
    assert dispute.parties.get().resident == chen
    assert Ticket.objects.get(number="B001").status == Ticket.Status.CALLED

    # 2. The mediator takes it: the other party, themself as mediator, both consent, high risk.
    mediator_ctx, med = _sign_in(browser, base, "xifeng_mediator")
    med.goto(f"{base}/mediation/")
    med.get_by_role("link", name=dispute.number).click()
    dispute_url = med.url
    party = _step(med, "登记当事人")
    party.locator("[name=side]").select_option("respondent")
    party.locator("[name=name]").fill("张德福")
    party.locator("[name=address]").fill("西峰镇西峰村")
    _save(party, med)
    mediator = _step(med, "指派调解员")
    mediator.locator("[name=kind]").select_option("people")
    mediator.locator("[name=staff]").select_option(label="西峰镇人民调解员(调解员)")
    _save(mediator, med)
    for name in ("陈育林", "张德福"):
        consent = _step(med, "记录调解意愿")
        consent.locator("[name=party]").select_option(label=name)
        consent.locator("[name=consented]").select_option("1")
        _save(consent, med)
    risk = _step(med, "调整稳定风险等级")
    risk.locator("[name=risk_grade]").select_option("high")
    _save(risk, med)
    assert "已提请中心组织会诊研判" in med.locator("body").inner_text()

    # 3. The center, told by its inbox, convenes the consultation with the court and 司法所.
    hall.goto(f"{base}/cases/notifications/")
    hall.get_by_role("link", name=f"高风险纠纷请组织会诊研判:{dispute.number}").click()
    hall.get_by_label("会商时间").fill(_local(clock.now() + dt.timedelta(minutes=30)))
    hall.get_by_role("checkbox", name=f"{court.name}({xifeng.name})").check()
    hall.get_by_role("checkbox", name=f"{justice.name}({xifeng.name})").check()
    hall.get_by_role("checkbox", name=f"矛盾纠纷调解室({xifeng.name})").check()
    hall.get_by_role("button", name="发起并邀请").click()
    hall.wait_for_url("**/consultations/*/")
    consultation = Consultation.objects.get()
    assert consultation.dispute == dispute and consultation.case is None

    # 4. The judge confirms and gives the court's opinion.
    judge_ctx, judge = _sign_in(browser, base, "xifeng_judge")
    judge.goto(f"{base}/consultations/")
    judge.locator(".alert", has_text="待本部门发表意见").get_by_role("link").click()
    judge.get_by_role("button", name="确认参加").click()
    opinion = _step(judge, "发表或记录部门意见")
    opinion.locator("[name=unit]").select_option(f"department:{court.pk}")
    opinion.locator("[name=text]").fill(
        "建议先行人民调解;达成协议后双方可在30日内共同申请司法确认。"
    )
    _save(opinion, judge)

    # 5. The center records the 司法所's opinion for it, the decision and a task for the court.
    hall.reload()
    opinion = _step(hall, "发表或记录部门意见")
    opinion.locator("[name=unit]").select_option(f"department:{justice.pk}")
    opinion.locator("[name=speaker]").fill(f"{justice_officer.name}({justice_officer.title})")
    opinion.locator("[name=text]").fill("由西峰镇人民调解委员会主持调解,林业站评估树苗损失。")
    _save(opinion, hall)
    record = _step(hall, "记录纪要和结论")
    record.locator("[name=minutes]").fill("法院、司法所、调解室发表意见。")
    record.locator("[name=decision]").fill("人民调解为主,按林业站评估定损,协议后申请司法确认。")
    _save(record, hall)
    task = _step(hall, "添加任务")
    task.locator("[name=title]").fill("指导双方申请司法确认")
    task.locator("[name=assignee]").select_option(f"department:{court.pk}")
    task.locator("[name=due_date]").fill((clock.today() + dt.timedelta(days=7)).isoformat())
    _save(task, hall)
    opinions = ConsultationOpinion.objects.filter(consultation=consultation)
    assert {o.department for o in opinions} == {court, justice}

    # 6. The decision is on the dispute; the mediator mediates and the parties agree.
    med.goto(dispute_url)
    assert "按林业站评估定损" in med.locator("#consultations").inner_text()
    session = _step(med, "记录调解")
    session.locator("[name=held_at]").fill(_local(clock.now() + dt.timedelta(minutes=1)))
    session.locator("[name=notes]").fill("双方到场,林业站评估树苗损失约6万元。")
    _save(session, med)
    agreement = _step(med, "制作调解协议书")
    today = clock.today()
    for field, value in {
        "facts": "张某焚烧秸秆引燃陈某树苗。",
        "disputed_matters": "树苗损失赔偿数额。",
        "responsibilities": "张某负全部责任。",
        "terms": "张某赔偿陈某树苗损失六万元。",
        "compensation": "60000",
        "performance_method": "现金一次性支付",
        "performance_deadline": (today + dt.timedelta(days=10)).isoformat(),
        "effective_on": today.isoformat(),
    }.items():
        agreement.locator(f"[name={field}]").fill(value)
    _save(agreement, med)
    judicial = _step(med, "申请司法确认")
    assert judicial.locator("[name=court]").input_value() == court.name
    judicial.locator("[name=applied_on]").fill(today.isoformat())
    _save(judicial, med)

    # 7. The judge finishes the court's task and records the ruling.
    judge.goto(f"{base}/consultations/{consultation.pk}/")
    judge.locator("li", has_text="指导双方申请司法确认").get_by_role(
        "button", name="标记完成"
    ).click()
    judge.goto(dispute_url)
    ruling = _step(judge, "登记法院裁定结果")
    ruling.locator("[name=result]").select_option("confirmed")
    ruling.locator("[name=decided_on]").fill(today.isoformat())
    ruling.locator("[name=note]").fill("(2026)甘0902民特1号")
    _save(ruling, judge)
    assert "裁定确认有效" in judge.locator("body").inner_text()

    dispute = Dispute.objects.get()
    assert dispute.outcome == Outcome.WRITTEN
    confirmation = JudicialConfirmation.objects.get()
    assert confirmation.result == JudicialConfirmation.Result.CONFIRMED
    assert ConsultationTask.objects.get().done_by.username == "xifeng_judge"
    for context in (clerk_ctx, mediator_ctx, judge_ctx):
        context.close()
