from django.contrib import admin

from .models import (
    Case,
    CaseEvent,
    Category,
    Holiday,
    Notification,
    OutboundMessage,
    TimeLimitPolicy,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "parent", "active", "order")
    list_filter = ("active", "parent")
    search_fields = ("code", "name")


@admin.register(TimeLimitPolicy)
class TimeLimitPolicyAdmin(admin.ModelAdmin):
    list_display = ("version", "phase", "category", "urgency", "level", "yellow", "red", "unit")
    list_filter = ("version", "phase", "unit")


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "name", "is_workday")
    list_filter = ("is_workday",)
    date_hierarchy = "date"


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    readonly_fields = ("at", "actor", "action", "from_state", "to_state", "comment", "data")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-only: every change goes through the workflow services."""

    list_display = ("number", "title", "state", "owning_level", "supervision", "overdue")
    list_filter = ("state", "supervision", "overdue", "channel")
    search_fields = ("number", "title")
    inlines = [CaseEventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "title", "created_at", "read_at")


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    list_display = ("channel", "to", "template", "status", "created_at", "sent_at")
    list_filter = ("channel", "status")
