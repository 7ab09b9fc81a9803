"""Admin for the duty roster only; referrals and hazards go through their services, which
keep the case workflow and the tracking history consistent."""

from django.contrib import admin

from .models import PoliceDutyRoster


@admin.register(PoliceDutyRoster)
class PoliceDutyRosterAdmin(admin.ModelAdmin):
    list_display = ("date", "center", "officer", "shift", "phone")
    list_filter = ("shift",)
