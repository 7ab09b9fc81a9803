"""Copy the latest follow-up's "resolved" answer onto the case (read by the KPI aggregate)."""

from django.db import migrations, models

# Portable SQL (SQLite and PostgreSQL): the follow-up recorded at the case's followed_up_at.
BACKFILL = """
UPDATE cases_case SET follow_up_resolved = (
    SELECT f.resolved FROM cases_followup f
    WHERE f.case_id = cases_case.id AND f.at = cases_case.followed_up_at
    ORDER BY f.id DESC LIMIT 1
)
WHERE followed_up_at IS NOT NULL
"""


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_case_number_sequences"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="follow_up_resolved",
            field=models.BooleanField(null=True),
        ),
        migrations.RunSQL(BACKFILL, reverse_sql=migrations.RunSQL.noop),
    ]
