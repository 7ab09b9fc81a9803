"""Partition the audit log by year on PostgreSQL (core.partitions); SQLite stays plain."""

from functools import partial

from django.db import migrations

from gongzhi.core.partitions import tables_partition


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_alter_auditlog_action"),
    ]

    operations = [
        migrations.RunPython(
            partial(tables_partition, tables=("core_auditlog",)), migrations.RunPython.noop
        ),
    ]
