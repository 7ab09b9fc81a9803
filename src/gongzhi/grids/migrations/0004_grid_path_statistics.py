"""A finer histogram of grids_grid.path on PostgreSQL (issue 18, docs/decisions.md "Grid path
statistics").

Every subtree filter is a path range (path >= '0001…' AND path < '0001…2'). With the default
statistics target (100 buckets) a province of 123,000 grids has ~1,200 grids per bucket, so a
township's range (a few hundred grids) falls inside one bucket and is estimated at 1 row. The
planner then joins all of a township's residents before sorting, or scans the whole tag table
once per grid (1.5 s for the registry's tag query, measured). 1,000 buckets keep a township's
range over several buckets up to ~1.2 million grids. ANALYZE reads up to 300 × 1,000 rows.
"""

from django.db import migrations

TARGET = 1000


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE grids_grid ALTER COLUMN path SET STATISTICS {TARGET}"  # noqa: S608
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE grids_grid ALTER COLUMN path SET STATISTICS -1")


class Migration(migrations.Migration):
    dependencies = [("grids", "0003_grid_levels_above_district")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
