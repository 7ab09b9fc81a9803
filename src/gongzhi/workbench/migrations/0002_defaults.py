"""Default scoring table and two inspection checklists; both stay editable in the admin."""

from django.db import migrations

RULES = {"diary_entry": 1, "visit": 2, "case_found": 3, "case_resolved": 5, "inspection": 2}
CHECKLISTS = {
    "沿街商铺": ["消防通道畅通", "灭火器在有效期内", "电线无私拉乱接", "无违规存放易燃物品"],
    "出租房屋": ["租住人员已登记", "无群租现象", "燃气使用安全", "安全出口畅通"],
}


def forwards(apps, schema_editor):
    Rule = apps.get_model("workbench", "WorkerScoreRule")
    Checklist = apps.get_model("workbench", "InspectionChecklist")
    Item = apps.get_model("workbench", "ChecklistItem")
    for event, points in RULES.items():
        Rule.objects.get_or_create(event=event, defaults={"points": points})
    for place, items in CHECKLISTS.items():
        checklist, created = Checklist.objects.get_or_create(place_type=place)
        if created:
            Item.objects.bulk_create(
                Item(checklist=checklist, text=t, order=i) for i, t in enumerate(items)
            )


class Migration(migrations.Migration):
    dependencies = [("workbench", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
