"""Read-only admin: every change goes through the services (one door, one transaction)."""

from django.contrib import admin

from . import models


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.Deliberation)
class DeliberationAdmin(ReadOnly):
    list_display = ("title", "grid", "status", "created_at")
    list_filter = ("status",)


@admin.register(models.Vote)
class VoteAdmin(ReadOnly):
    list_display = ("question", "closes_at", "closed_at", "cast_count", "passed")


@admin.register(models.CostShare)
class CostShareAdmin(ReadOnly):
    list_display = ("purpose", "amount_per_household", "created_at")


@admin.register(models.CourtyardBody)
class CourtyardBodyAdmin(ReadOnly):
    list_display = ("name", "grid", "meeting_schedule")


for model in (
    models.Proposal,
    models.Meeting,
    models.Ballot,
    models.BallotChange,
    models.LedgerEntry,
    models.Payment,
    models.Expenditure,
    models.WorkTask,
):
    admin.site.register(model, ReadOnly)
