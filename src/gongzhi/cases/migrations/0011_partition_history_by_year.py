"""Partition cases, case events and outbound messages by year on PostgreSQL (core.partitions).

Django's state does not change (the models keep `id` as their pk), so this is RunPython
only; SQLite keeps plain tables. Reversing leaves the tables partitioned (a no-op)."""

from functools import partial

from django.db import migrations

from gongzhi.core.partitions import tables_partition


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0010_consultation_subjects_opinions_department_tasks"),
    ]

    operations = [
        migrations.RunPython(
            partial(
                tables_partition,
                tables=("cases_case", "cases_caseevent", "cases_outboundmessage"),
            ),
            migrations.RunPython.noop,
        ),
    ]
