"""Default visit frequencies: weekly for elderly people living alone, monthly for the rest."""

from django.db import migrations

DEFAULTS = {
    "elderly_alone": 7,
    "left_behind_child": 30,
    "disabled": 30,
    "hardship": 30,
    "veteran_family": 30,
}


def seed(apps, schema_editor):
    VisitFrequency = apps.get_model("care", "VisitFrequency")
    for tag, days in DEFAULTS.items():
        VisitFrequency.objects.get_or_create(tag=tag, defaults={"interval_days": days})


class Migration(migrations.Migration):
    dependencies = [("care", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
