import datetime as dt

from django.urls import reverse

from gongzhi.care.services import visit_plan_create
from gongzhi.cases.consultations import consultation_open, consultation_task_add
from gongzhi.core import clock
from gongzhi.org.models import Room, RoomKind
from gongzhi.workbench.models import WorkerScoreRule
from gongzhi.workbench.selectors import leaderboard, my_tasks
from gongzhi.workbench.services import field_report_create

from .factories import diary


def _category():
    from gongzhi.cases.models import Category

    return Category.objects.filter(parent__isnull=False, active=True).first().code


def _consultation(district, case):
    room = Room.objects.get(center__grid=district.jinquan, kind=RoomKind.MEDIATION)
    return consultation_open(
        case=case, by=district.users["center"], topic="会商", scheduled_at=clock.now(), rooms=[room]
    )


def test_my_tasks_merge_every_source_soonest_deadline_first(district, monkeypatch):
    worker = district.users["gridworker"]
    staff = worker.staff
    real_now = clock.now()
    monkeypatch.setattr(clock, "now", lambda: real_now - dt.timedelta(days=200))
    visit_plan_create(
        by=district.users["center"], resident=district.residents["a_head"], worker=staff
    )
    monkeypatch.setattr(clock, "now", lambda: real_now)
    case = field_report_create(by=worker, category=_category(), description="井盖缺失")
    consultation = _consultation(district, case)
    today = clock.today()
    for title, days in (("后天的任务", 300), ("昨天的任务", -1)):
        consultation_task_add(
            consultation=consultation,
            by=district.users["center"],
            title=title,
            assignee=staff,
            due_date=today + dt.timedelta(days=days),
        )

    tasks = my_tasks(worker)

    assert [t.kind for t in tasks] == ["visit", "consultation", "case", "consultation"]
    assert [t.title for t in tasks if t.kind == "consultation"] == ["昨天的任务", "后天的任务"]
    assert tasks[1].overdue and not tasks[3].overdue


def test_my_tasks_do_not_include_a_sibling_units_cases(district):
    field_report_create(by=district.users["gridworker_b"], category=_category(), description="b")
    assert my_tasks(district.users["gridworker"]) == []


def test_my_tasks_query_count_does_not_grow_with_tasks(district, django_assert_max_num_queries):
    worker = district.users["gridworker"]
    for n in range(5):
        field_report_create(by=worker, category=_category(), description=f"事件{n}")
    worker = type(worker).objects.get(pk=worker.pk)
    with django_assert_max_num_queries(8):
        assert len(my_tasks(worker)) == 5


def test_the_leaderboard_ranks_workers_by_points(district):
    WorkerScoreRule.objects.filter(event="diary_entry").update(points=1)
    WorkerScoreRule.objects.filter(event="case_found").update(points=3)
    a, b = district.users["gridworker"], district.users["gridworker_b"]
    diary(a, text="一")
    diary(a, text="二")
    diary(b, text="三")
    field_report_create(by=b, category=_category(), description="路灯不亮")

    board = leaderboard(district.jinquan)

    assert [(r["name"], r["points"], r["rank"]) for r in board] == [
        ("网格员乙", 4, 1),
        ("网格员甲", 2, 2),
    ]
    assert board[1]["counts"]["diary_entry"] == 2


def test_the_leaderboard_is_one_query_plus_the_score_table(district, django_assert_num_queries):
    diary(district.users["gridworker"])
    with django_assert_num_queries(2):
        leaderboard(district.jinquan)


def test_the_stats_page_shows_the_workers_points(district, login):
    diary(district.users["gridworker"])
    page = login("gridworker").get(reverse("workbench:stats")).content.decode()
    assert "积分排行" in page and "网格员甲" in page


def test_the_workbench_home_lists_my_grid_and_tasks(district, login):
    field_report_create(by=district.users["gridworker"], category=_category(), description="x")
    page = login("gridworker").get(reverse("workbench:index")).content.decode()
    assert district.unit_a.name in page
    assert "我的任务(1)" in page
