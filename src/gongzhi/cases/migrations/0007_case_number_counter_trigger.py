"""SQLite draws a case's number inside its INSERT (cases/create_sql.py); this trigger then moves
the day's DailyCounter on, in the same statement (docs/decisions.md, "Case create in one
statement"). PostgreSQL numbers from a sequence per day (migration 0005): nothing to do there.
"""

from django.db import migrations

TRIGGER = """
CREATE TRIGGER IF NOT EXISTS cases_case_number_counter AFTER INSERT ON cases_case
WHEN NEW.number GLOB 'SJ[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]-[0-9]*'
BEGIN
    INSERT INTO cases_dailycounter ("day", "last") VALUES (
        substr(NEW.number, 3, 4) || '-' || substr(NEW.number, 7, 2) || '-'
            || substr(NEW.number, 9, 2),
        CAST(substr(NEW.number, 12) AS INTEGER))
    ON CONFLICT ("day") DO UPDATE SET "last" = max("last", excluded."last");
END
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(TRIGGER, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS cases_case_number_counter", params=None)


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_case_follow_up_resolved")]
    operations = [migrations.RunPython(forwards, backwards)]
