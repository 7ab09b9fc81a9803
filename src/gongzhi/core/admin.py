from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from gongzhi.core.models import AuditLog, TaskWorkerBeat


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is append-only, even for administrators."""

    list_display = ("at", "actor", "action", "target_type", "target_id", "fields", "reason", "ip")
    list_filter = ("action", "target_type")
    search_fields = ("actor__username", "target_id", "reason")
    list_select_related = ("actor",)
    list_per_page = 100
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(TaskWorkerBeat)
class TaskWorkerBeatAdmin(admin.ModelAdmin):
    """Heartbeats are written by the workers; an operator only deletes the row of a worker
    that is gone for good (a decommissioned host), so /readyz stops naming it."""

    list_display = ("name", "status", "reason", "host", "pid", "started_at", "beat_at")
    list_filter = ("status",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
