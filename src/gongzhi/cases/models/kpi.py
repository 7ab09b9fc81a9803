"""Daily KPI aggregates (docs/decisions.md, "KPI rollups read daily aggregates")."""

from django.db import models

# The counters a case contributes on its acceptance deadline's day, and on its handling
# deadline's day (the KPI formulas of docs/kpis.md are ratios of their sums).
ACCEPT_COUNTERS = ("accept_due", "accept_timely", "responded")
CLOSE_COUNTERS = (
    "close_due",
    "closed",
    "closed_on_time",
    "closed_once",
    "followed",
    "rated_good",
    "rated_resolved",
    "rehandled",
    "reworks",
    "earlier_resolutions",
    "standing_resolutions",
    "handled",
    "raised_in_grids",
    "in_grid",
    "in_community",
)
COUNTERS = ACCEPT_COUNTERS + CLOSE_COUNTERS


class KpiDay(models.Model):
    """The KPI counters of the cases located in one grid's subtree whose deadline fell on one
    local day. Every case counts in the row of each ancestor of its grid (one row per tree
    depth), so any rollup reads only the rows of the depth it groups by.

    Rows exist for sealed days (KpiSealed) only. Several rows may share a key: a change to a
    case whose deadline day has ended appends a delta row (delta=True) in the same transaction,
    which needs no lock; sealing re-sums a day into one row per key."""

    day = models.DateField()
    depth = models.PositiveSmallIntegerField()
    path = models.CharField(max_length=255)
    delta = models.BooleanField(default=False)
    accept_due = models.IntegerField(default=0, db_default=0)
    accept_timely = models.IntegerField(default=0, db_default=0)
    responded = models.IntegerField(default=0, db_default=0)
    close_due = models.IntegerField(default=0, db_default=0)
    closed = models.IntegerField(default=0, db_default=0)
    closed_on_time = models.IntegerField(default=0, db_default=0)
    closed_once = models.IntegerField(default=0, db_default=0)
    followed = models.IntegerField(default=0, db_default=0)
    rated_good = models.IntegerField(default=0, db_default=0)
    rated_resolved = models.IntegerField(default=0, db_default=0)
    rehandled = models.IntegerField(default=0, db_default=0)
    reworks = models.IntegerField(default=0, db_default=0)
    earlier_resolutions = models.IntegerField(default=0, db_default=0)
    standing_resolutions = models.IntegerField(default=0, db_default=0)
    handled = models.IntegerField(default=0, db_default=0)
    handling_total = models.DurationField(null=True)
    raised_in_grids = models.IntegerField(default=0, db_default=0)
    in_grid = models.IntegerField(default=0, db_default=0)
    in_community = models.IntegerField(default=0, db_default=0)

    class Meta:
        indexes = [
            models.Index(fields=["depth", "path", "day"], name="kpiday_depth_path_day"),
            models.Index(fields=["day"], condition=models.Q(delta=True), name="kpiday_delta_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.path}"


class KpiSealed(models.Model):
    """One row: the KPI aggregates hold every day up to `through` (local dates)."""

    through = models.DateField(null=True)
    # settings.KPI_RATED_COUNTS_AT the days were summed under; another value voids them.
    rated_rule = models.CharField(max_length=10, default="deadline")

    def __str__(self) -> str:
        return f"sealed through {self.through}"
