"""Admin for calendars, appointments and supervision grants. SessionNote is deliberately not
registered: no administrator may read counselling notes (PIPL art. 28)."""

from django.contrib import admin

from .models import Appointment, CounselingSupervisor, CounselorSlot


@admin.register(CounselorSlot)
class CounselorSlotAdmin(admin.ModelAdmin):
    list_display = ("counselor", "starts_at", "ends_at")


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    list_display = ("slot", "source", "status")
    fields = ("slot", "source", "status")  # no resident identity here
    readonly_fields = ("slot", "source")


@admin.register(CounselingSupervisor)
class CounselingSupervisorAdmin(admin.ModelAdmin):
    list_display = ("supervisor", "counselor", "granted_at", "revoked_at")
    readonly_fields = ("supervisor", "counselor", "granted_by", "granted_at")

    def has_add_permission(self, request):
        return False  # grants go through services.supervisor_grant, which checks who may supervise
