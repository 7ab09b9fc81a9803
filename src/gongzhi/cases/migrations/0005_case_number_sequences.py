"""PostgreSQL numbers cases from one sequence per local day (docs/decisions.md, "Case numbers").

A row counter would hold its row lock until the durable commit, which caps case creation at one
commit per fsync; a sequence hands out numbers without waiting for other transactions. SQLite keeps
the counter row (it has one writer at a time anyway), so this migration does nothing there.
"""

from django.db import migrations

FUNCTION = r"""
CREATE OR REPLACE FUNCTION gongzhi_case_number_next(day date) RETURNS bigint AS $$
DECLARE
    seq text := 'cases_number_' || to_char(day, 'YYYYMMDD');
    old record;
BEGIN
    IF to_regclass(seq) IS NULL THEN
        BEGIN
            EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I', seq);
        EXCEPTION WHEN unique_violation OR duplicate_table THEN
            NULL;  -- another transaction created it first: use theirs
        END;
        -- The first case of a day tidies up: sequences of days over a week old are finished.
        FOR old IN
            SELECT c.relname FROM pg_class c
            WHERE c.relkind = 'S' AND c.relname LIKE 'cases\_number\_%'
              AND c.relname < 'cases_number_' || to_char(day - 7, 'YYYYMMDD')
              AND c.relnamespace = current_schema()::regnamespace
        LOOP
            EXECUTE format('DROP SEQUENCE IF EXISTS %I', old.relname);
        END LOOP;
    END IF;
    RETURN nextval(seq);
END
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS gongzhi_case_number_next(date)")


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_consultationparticipant")]
    operations = [migrations.RunPython(forwards, backwards)]
