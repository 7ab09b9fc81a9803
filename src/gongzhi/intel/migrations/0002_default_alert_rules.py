"""The early-warning rules' default thresholds (issue 17; docs/decisions.md, "Early warning")."""

from django.db import migrations

RULES = [
    # kind, severity, window_days, baseline_days, min_count, threshold, grid_level, note
    ("repeat_dispute", "medium", 90, 0, 2, 0, 0,
     "同一对当事人(按户,同户按人)在窗口内的纠纷数达到最少次数"),
    ("surge", "medium", 7, 56, 5, 0.001, 3,
     "网格(统计层级)内某一级类别近窗口天数的事件数不少于最少次数,且按基线窗口的周均值作泊松检验 P(X≥k) 低于阈值"),
    ("case_stuck", "high", 90, 0, 2, 0, 0,
     "未办结事件重办次数达到最少次数,或窗口内红牌超时(含自动上报)次数达到最少次数"),
    ("special_person", "high", 7, 0, 1, 0, 0,
     "重点人员在窗口内被列为新纠纷当事人或使用一键呼叫"),
    ("care_call", "medium", 30, 0, 1, 0, 0,
     "走访已逾期的关爱对象在窗口内拨打热线或使用一键呼叫"),
]  # fmt: skip


def seed(apps, schema_editor):
    AlertRule = apps.get_model("intel", "AlertRule")
    for kind, severity, window, baseline, min_count, threshold, level, note in RULES:
        AlertRule.objects.get_or_create(
            kind=kind,
            defaults={
                "severity": severity, "window_days": window, "baseline_days": baseline or 56,
                "min_count": min_count, "threshold": threshold or 0.001,
                "grid_level": level or 3, "note": note,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("intel", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
