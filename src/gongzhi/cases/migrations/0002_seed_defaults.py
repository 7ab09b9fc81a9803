"""Defaults: the category catalogue (REFERENCE §6), time limits (§4) and 2025–2026 holidays."""

import datetime as dt

from django.db import migrations

DISPUTES = (
    "婚姻家庭 邻里纠纷 房屋和宅基地 山林土地 劳资纠纷 物业管理 征地拆迁 医患纠纷 合同履行 "
    "损害赔偿 环境生态 建筑工程 交通及生产安全 村(社区)务管理 经济活动 行政执法活动 信访问题 "
    "民族宗教 企业改制 农村“三资” 农民负担 院校问题 军人安置 干部作风 司法活动 计划生育 "
    "不稳定因素 其他"
).split()
CATALOGUE = [
    ("矛盾纠纷", DISPUTES),
    ("治安防控", ["治安隐患或线索", "物防/技防设施", "刑事治安案件", "守楼护院"]),
    ("市容环境", ["市容环境", "宣传广告", "施工管理", "街面秩序"]),
    ("公共设施", ["公用设施", "道路交通", "园林绿化", "房屋土地"]),
    ("民生服务", ["教育", "社保", "就业", "医疗", "住房", "交通", "证件办理", "公共事业"]),
    ("特殊人群服务管理", []),
    ("关爱帮扶", []),
    ("心理健康", []),
    ("社情民意", []),
    ("政策法规咨询", []),
    ("突发事件", []),
    ("其他", []),
]
EXTRA = {
    ("矛盾纠纷", "邻里纠纷"): [
        {"code": "people", "label": "涉及人数", "datatype": "number", "required": False,
         "order": 1},
    ],
    ("公共设施", "公用设施"): [
        {"code": "facility", "label": "设施类型", "datatype": "singlevaluelist",
         "required": True, "order": 1,
         "values": [{"key": "streetlight", "name": "路灯"}, {"key": "manhole", "name": "井盖"},
                    {"key": "bench", "name": "座椅"}, {"key": "other", "name": "其他"}]},
    ],
}
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
}
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def seed(apps, schema_editor):
    Category = apps.get_model("cases", "Category")
    Policy = apps.get_model("cases", "TimeLimitPolicy")
    Holiday = apps.get_model("cases", "Holiday")
    by_name = {}
    for i, (top, subs) in enumerate(CATALOGUE, start=1):
        parent = Category.objects.create(code=f"{i:02d}", name=top, order=i)
        by_name[top] = parent
        for j, sub in enumerate(subs, start=1):
            Category.objects.create(
                parent=parent, code=f"{i:02d}{j:02d}", name=sub, order=j,
                extra_fields=EXTRA.get((top, sub), []),
            )
    utilities = Category.objects.get(parent=by_name["民生服务"], name="公共事业")
    emergency = by_name["突发事件"]
    rows = [
        # (category, urgency, phase, yellow, red, unit)
        (None, "", "accept", 12, 24, "hours"),
        (None, "urgent", "accept", 15, 30, "minutes"),
        (None, "", "handle", 5, 7, "working_days"),
        (None, "urgent", "handle", 1, 2, "hours"),
        (None, "complex", "handle", 12, 15, "working_days"),
        (None, "", "verify", 1, 2, "working_days"),
        (None, "urgent", "verify", 1, 2, "hours"),
        (utilities, "normal", "handle", 12, 24, "hours"),  # water/power/gas/heating
        (emergency, "", "accept", 15, 30, "minutes"),
        (emergency, "", "handle", 1, 2, "hours"),
    ]
    Policy.objects.bulk_create(
        Policy(category=c, urgency=u, phase=p, yellow=y, red=r, unit=unit, version=1,
               effective_from=EPOCH)
        for c, u, p, y, r, unit in rows
    )
    try:
        from chinese_calendar import constants
    except ImportError:  # the table is the source of truth; admins can enter the days
        return
    days = [
        Holiday(date=d, is_workday=False, name=HOLIDAY_NAMES.get(str(n), str(n)))
        for d, n in constants.holidays.items()
        if d.year in (2025, 2026)
    ] + [
        Holiday(date=d, is_workday=True, name=HOLIDAY_NAMES.get(str(n), str(n)) + "调休")
        for d, n in constants.workdays.items()
        if d.year in (2025, 2026) and d.weekday() >= 5
    ]
    Holiday.objects.bulk_create(days, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
